SELECT
    d.resident_id AS subject_id,
    min(m.patient_name) AS subject_name,
    min(m.hospital) AS unit,
    sum(COALESCE(m.fund_amount, m.total_amount)) AS amount,
    strftime(min(m.admission_date), '%Y-%m-%d') || '~' || strftime(max(m.admission_date), '%Y-%m-%d') AS period,
    list_concat(
        [{'dataset': 'deaths', 'key': d.resident_id}],
        list({'dataset': 'medical_claims', 'key': m.claim_id})
    ) AS evidence,
    'resident_id' AS match_method,
    d.resident_id AS fingerprint_key,
    strftime(min(d.death_date), '%Y-%m-%d') AS detail
FROM deaths d
JOIN medical_claims m ON m.resident_id = d.resident_id
WHERE m.admission_date > d.death_date
GROUP BY d.resident_id
