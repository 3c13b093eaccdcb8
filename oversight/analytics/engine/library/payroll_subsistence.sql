SELECT
    w.resident_id AS subject_id,
    min(w.name) AS subject_name,
    min(w.unit) AS unit,
    sum(p.amount) AS amount,
    min(p.period) || '~' || max(p.period) AS period,
    list_concat(
        [{'dataset': 'payroll', 'key': w.resident_id || '|' || CAST(min(w.start_date) AS VARCHAR)}],
        list({'dataset': 'benefit_payments', 'key': p.payment_id})
    ) AS evidence,
    'resident_id' AS match_method,
    w.resident_id || '|' || p.program_code AS fingerprint_key,
    p.program_code AS detail
FROM payroll w
JOIN benefit_payments p ON p.resident_id = w.resident_id
JOIN benefit_programs g ON g.program_code = p.program_code
WHERE list_contains(${categories}, g.category)
  -- employed for at least part of the month paid
  AND w.start_date <= CAST(p.period || '-01' AS DATE) + INTERVAL 1 MONTH - INTERVAL 1 DAY
  AND (w.end_date IS NULL OR w.end_date >= CAST(p.period || '-01' AS DATE))
GROUP BY w.resident_id, p.program_code
