SELECT
    w.resident_id AS subject_id,
    w.name AS subject_name,
    w.unit,
    COALESCE(w.monthly_salary, 0)
        * greatest(date_diff('month', d.death_date, COALESCE(w.end_date, ${as_of})), 1) AS amount,
    strftime(d.death_date, '%Y-%m') || '~' || COALESCE(strftime(w.end_date, '%Y-%m'), '') AS period,
    [{'dataset': 'deaths', 'key': d.resident_id},
     {'dataset': 'payroll', 'key': w.resident_id || '|' || CAST(w.start_date AS VARCHAR)}] AS evidence,
    'resident_id' AS match_method,
    w.resident_id || '|' || CAST(w.start_date AS VARCHAR) AS fingerprint_key,
    strftime(d.death_date, '%Y-%m-%d') AS detail
FROM payroll w
JOIN deaths d ON d.resident_id = w.resident_id
WHERE w.start_date <= d.death_date
  AND (w.end_date IS NULL OR w.end_date > d.death_date + INTERVAL 31 DAY)
