SELECT
    COALESCE(e.claimant_id, e.claimant_name) AS subject_id,
    e.claimant_name AS subject_name,
    e.unit,
    e.amount,
    strftime(e.expense_date, '%Y-%m-%d') AS period,
    [{'dataset': 'expenses', 'key': e.line_id}] AS evidence,
    'expense_date' AS match_method,
    e.line_id AS fingerprint_key,
    COALESCE(k.holiday_name, '周末') AS detail
FROM expenses e
JOIN calendar k ON k.day = e.expense_date
WHERE NOT k.is_workday
  AND list_contains(${categories}, e.category)
