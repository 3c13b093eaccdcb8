SELECT
    v.uscc AS subject_id,
    v.name AS subject_name,
    c.buyer_unit AS unit,
    c.amount,
    strftime(c.signed_date, '%Y-%m-%d') AS period,
    [{'dataset': 'vendors', 'key': v.uscc}, {'dataset': 'contracts', 'key': c.contract_id}] AS evidence,
    'vendor_uscc' AS match_method,
    c.contract_id AS fingerprint_key,
    CAST(date_diff('day', v.registered_date, c.signed_date) AS VARCHAR) AS detail
FROM contracts c
JOIN vendors v ON v.uscc = c.vendor_uscc
WHERE c.amount >= ${min_amount}
  AND date_diff('day', v.registered_date, c.signed_date) BETWEEN 0 AND ${min_age_days} - 1
