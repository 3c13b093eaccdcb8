SELECT
    d.resident_id AS subject_id,
    min(p.name) AS subject_name,
    min(p.town) AS unit,
    sum(p.amount) AS amount,
    min(p.period) || '~' || max(p.period) AS period,
    list_concat(
        [{'dataset': 'deaths', 'key': d.resident_id}],
        list({'dataset': 'benefit_payments', 'key': p.payment_id})
    ) AS evidence,
    'resident_id' AS match_method,
    d.resident_id || '|' || p.program_code AS fingerprint_key,
    strftime(min(d.death_date), '%Y-%m-%d') || '|' || p.program_code AS detail
FROM deaths d
JOIN benefit_payments p ON p.resident_id = d.resident_id
-- The month of death is still due; anything for a later month is not.
WHERE p.period > strftime(d.death_date, '%Y-%m')
GROUP BY d.resident_id, p.program_code
