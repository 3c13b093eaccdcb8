SELECT
    COALESCE(e.claimant_id, e.claimant_name) AS subject_id,
    e.claimant_name AS subject_name,
    e.unit,
    e.amount,
    strftime(e.trip_start, '%Y-%m-%d') || '~' || strftime(e.trip_end, '%Y-%m-%d') AS period,
    [{'dataset': 'expenses', 'key': e.line_id}] AS evidence,
    'invoice_date' AS match_method,
    e.line_id AS fingerprint_key,
    COALESCE(e.invoice_no, '') || ' @ ' || strftime(e.invoice_date, '%Y-%m-%d') AS detail
FROM expenses e
WHERE list_contains(${categories}, e.category)
  AND e.invoice_date IS NOT NULL AND e.trip_start IS NOT NULL AND e.trip_end IS NOT NULL
  AND (e.invoice_date < e.trip_start - INTERVAL ${allowed_days} DAY
       OR e.invoice_date > e.trip_end + INTERVAL ${allowed_days} DAY)
