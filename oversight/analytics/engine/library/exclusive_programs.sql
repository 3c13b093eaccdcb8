WITH paid AS (
    SELECT p.*, g.exclusive_group
    FROM benefit_payments p
    JOIN benefit_programs g ON g.program_code = p.program_code
    WHERE g.exclusive_group IS NOT NULL
),
clashing AS (
    SELECT DISTINCT a.payment_id, a.resident_id, a.name, a.town, a.amount, a.period,
           a.program_code, a.exclusive_group
    FROM paid a
    JOIN paid b
      ON b.resident_id = a.resident_id
     AND b.period = a.period
     AND b.exclusive_group = a.exclusive_group
     AND b.program_code <> a.program_code
)
SELECT
    resident_id AS subject_id,
    min(name) AS subject_name,
    min(town) AS unit,
    sum(amount) AS amount,
    min(period) || '~' || max(period) AS period,
    list({'dataset': 'benefit_payments', 'key': payment_id}) AS evidence,
    'resident_id' AS match_method,
    resident_id || '|' || exclusive_group AS fingerprint_key,
    min(program_code) || ' / ' || max(program_code) AS detail
FROM clashing
GROUP BY resident_id, exclusive_group
