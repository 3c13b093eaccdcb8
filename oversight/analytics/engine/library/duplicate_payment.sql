-- Find the repeated (person, program, month) keys first, so evidence lists are built only for
-- them and not for three million single payments.
WITH repeated AS (
    SELECT resident_id, program_code, period
    FROM benefit_payments
    GROUP BY resident_id, program_code, period
    HAVING count(*) > 1
)
SELECT
    p.resident_id AS subject_id,
    min(p.name) AS subject_name,
    min(p.town) AS unit,
    sum(p.amount) - max(p.amount) AS amount,
    p.period,
    list({'dataset': 'benefit_payments', 'key': p.payment_id}) AS evidence,
    'resident_id' AS match_method,
    p.resident_id || '|' || p.program_code || '|' || p.period AS fingerprint_key,
    p.program_code AS detail
FROM benefit_payments p
JOIN repeated r
  ON r.resident_id = p.resident_id AND r.program_code = p.program_code AND r.period = p.period
GROUP BY p.resident_id, p.program_code, p.period
