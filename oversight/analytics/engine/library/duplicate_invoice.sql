SELECT
    min(COALESCE(claimant_id, claimant_name)) AS subject_id,
    min(claimant_name) AS subject_name,
    min(unit) AS unit,
    sum(amount) - max(amount) AS amount,
    strftime(min(expense_date), '%Y-%m-%d') || '~' || strftime(max(expense_date), '%Y-%m-%d') AS period,
    list({'dataset': 'expenses', 'key': line_id}) AS evidence,
    'invoice_no' AS match_method,
    invoice_no AS fingerprint_key,
    invoice_no AS detail
FROM expenses
WHERE invoice_no IS NOT NULL
GROUP BY invoice_no
HAVING count(*) > 1
