SELECT
    c.vendor_uscc AS subject_id,
    min(v.name) AS subject_name,
    c.buyer_unit AS unit,
    sum(p.amount) - c.amount AS amount,
    strftime(min(p.pay_date), '%Y-%m') || '~' || strftime(max(p.pay_date), '%Y-%m') AS period,
    list_concat(
        [{'dataset': 'contracts', 'key': c.contract_id}],
        list({'dataset': 'contract_payments', 'key': p.payment_id})
    ) AS evidence,
    'contract_id' AS match_method,
    c.contract_id AS fingerprint_key,
    c.contract_id AS detail
FROM contracts c
JOIN contract_payments p ON p.contract_id = c.contract_id
LEFT JOIN vendors v ON v.uscc = c.vendor_uscc
GROUP BY c.contract_id, c.vendor_uscc, c.buyer_unit, c.amount
HAVING sum(p.amount) > c.amount
