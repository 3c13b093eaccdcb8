WITH stays AS (
    SELECT * FROM medical_claims
    WHERE claim_type = '住院' AND discharge_date IS NOT NULL
)
SELECT
    a.resident_id AS subject_id,
    a.patient_name AS subject_name,
    a.hospital AS unit,
    COALESCE(a.fund_amount, 0) + COALESCE(b.fund_amount, 0) AS amount,
    strftime(greatest(a.admission_date, b.admission_date), '%Y-%m-%d') || '~'
        || strftime(least(a.discharge_date, b.discharge_date), '%Y-%m-%d') AS period,
    [{'dataset': 'medical_claims', 'key': a.claim_id},
     {'dataset': 'medical_claims', 'key': b.claim_id}] AS evidence,
    'resident_id' AS match_method,
    a.resident_id || '|' || a.claim_id || '|' || b.claim_id AS fingerprint_key,
    a.hospital || ' / ' || b.hospital AS detail
FROM stays a
JOIN stays b
  ON b.resident_id = a.resident_id
 AND a.claim_id < b.claim_id
 AND a.admission_date < b.discharge_date
 AND b.admission_date < a.discharge_date
