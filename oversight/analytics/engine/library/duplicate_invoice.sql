WITH repeated AS (
    SELECT invoice_no FROM expenses
    WHERE invoice_no IS NOT NULL
    GROUP BY invoice_no
    HAVING count(*) > 1
)
SELECT
    min(COALESCE(e.claimant_id, e.claimant_name)) AS subject_id,
    min(e.claimant_name) AS subject_name,
    min(e.unit) AS unit,
    sum(e.amount) - max(e.amount) AS amount,
    strftime(min(e.expense_date), '%Y-%m-%d') || '~' || strftime(max(e.expense_date), '%Y-%m-%d') AS period,
    list({'dataset': 'expenses', 'key': e.line_id}) AS evidence,
    'invoice_no' AS match_method,
    e.invoice_no AS fingerprint_key,
    e.invoice_no AS detail
FROM expenses e
JOIN repeated r ON r.invoice_no = e.invoice_no
GROUP BY e.invoice_no
