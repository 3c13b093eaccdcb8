SELECT
    COALESCE(min(c.approver_id), c.approver_name) AS subject_id,
    c.approver_name AS subject_name,
    min(c.buyer_unit) AS unit,
    sum(c.amount) AS amount,
    strftime(c.signed_date, '%Y') AS period,
    list({'dataset': 'contracts', 'key': c.contract_id}) AS evidence,
    CASE WHEN min(c.approver_id) IS NULL THEN 'approver_name' ELSE 'resident_id' END AS match_method,
    c.approver_name || '|' || c.vendor_uscc || '|' || strftime(c.signed_date, '%Y') AS fingerprint_key,
    min(v.name) AS detail
FROM contracts c
LEFT JOIN vendors v ON v.uscc = c.vendor_uscc
WHERE c.method IS NULL OR NOT list_contains(${competitive_methods}, c.method)
GROUP BY c.approver_name, c.vendor_uscc, strftime(c.signed_date, '%Y')
