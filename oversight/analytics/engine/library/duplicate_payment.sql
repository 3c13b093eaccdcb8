SELECT
    resident_id AS subject_id,
    min(name) AS subject_name,
    min(town) AS unit,
    sum(amount) - max(amount) AS amount,
    period,
    list({'dataset': 'benefit_payments', 'key': payment_id}) AS evidence,
    'resident_id' AS match_method,
    resident_id || '|' || program_code || '|' || period AS fingerprint_key,
    program_code AS detail
FROM benefit_payments
GROUP BY resident_id, program_code, period
HAVING count(*) > 1
