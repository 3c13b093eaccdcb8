SELECT
    p.resident_id AS subject_id,
    min(p.name) AS subject_name,
    min(p.town) AS unit,
    sum(p.amount) AS amount,
    min(p.period) || '~' || max(p.period) AS period,
    list({'dataset': 'benefit_payments', 'key': p.payment_id}) AS evidence,
    'resident_id' AS match_method,
    p.resident_id || '|' || p.program_code AS fingerprint_key,
    p.program_code AS detail
FROM benefit_payments p
-- Only where the register is declared complete: the town and the month of the payment.
JOIN (
    SELECT area, min(period_from) AS period_from, max(period_to) AS period_to
    FROM coverage
    WHERE dataset = 'residents' AND complete
    GROUP BY area
) c ON c.area = p.town AND p.period BETWEEN c.period_from AND c.period_to
LEFT JOIN residents r ON r.resident_id = p.resident_id
LEFT JOIN deaths d ON d.resident_id = p.resident_id
WHERE r.resident_id IS NULL AND d.resident_id IS NULL
GROUP BY p.resident_id, p.program_code
