-- A series starts at a short stay with no short stay of the same person in the window before.
WITH short AS (
    SELECT * FROM medical_claims
    WHERE claim_type = '住院' AND discharge_date IS NOT NULL
      AND date_diff('day', admission_date, discharge_date) <= ${max_days}
),
starts AS (
    SELECT a.*
    FROM short a
    LEFT JOIN short b
      ON b.resident_id = a.resident_id AND b.claim_id <> a.claim_id
     AND (b.admission_date < a.admission_date
          OR (b.admission_date = a.admission_date AND b.claim_id < a.claim_id))
     AND b.admission_date >= a.admission_date - INTERVAL ${window_days} DAY
    WHERE b.claim_id IS NULL
)
SELECT
    s.resident_id AS subject_id,
    min(s.patient_name) AS subject_name,
    min(c.hospital) AS unit,
    sum(COALESCE(c.fund_amount, c.total_amount)) AS amount,
    strftime(min(c.admission_date), '%Y-%m-%d') || '~' || strftime(max(c.discharge_date), '%Y-%m-%d') AS period,
    list({'dataset': 'medical_claims', 'key': c.claim_id}) AS evidence,
    'resident_id' AS match_method,
    s.resident_id || '|' || s.claim_id AS fingerprint_key,
    CAST(count(DISTINCT c.hospital) AS VARCHAR) || ' hospital(s)' AS detail
FROM starts s
JOIN short c
  ON c.resident_id = s.resident_id
 AND c.admission_date >= s.admission_date
 AND c.admission_date <= s.admission_date + INTERVAL ${window_days} DAY
GROUP BY s.resident_id, s.claim_id
