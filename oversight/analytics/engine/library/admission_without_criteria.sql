SELECT
    resident_id AS subject_id,
    patient_name AS subject_name,
    hospital AS unit,
    COALESCE(fund_amount, total_amount) AS amount,
    strftime(admission_date, '%Y-%m-%d') || '~' || strftime(discharge_date, '%Y-%m-%d') AS period,
    [{'dataset': 'medical_claims', 'key': claim_id}] AS evidence,
    'diagnosis_code' AS match_method,
    claim_id AS fingerprint_key,
    COALESCE(diagnosis_name, diagnosis_code) AS detail
FROM medical_claims
WHERE claim_type = '住院'
  AND discharge_date IS NOT NULL
  AND date_diff('day', admission_date, discharge_date) <= ${max_days}
  AND regexp_matches(diagnosis_code, ${diagnosis_pattern})
