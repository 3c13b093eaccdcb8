-- A series starts at a small contract with no small contract of the same pair in the window
-- before it; it is a hit when the small contracts of its window add up to the threshold.
WITH small AS (
    SELECT * FROM contracts WHERE amount < ${tender_threshold}
),
starts AS (
    SELECT a.*
    FROM small a
    LEFT JOIN small b
      ON b.buyer_unit = a.buyer_unit AND b.vendor_uscc = a.vendor_uscc
     AND b.contract_id <> a.contract_id
     AND (b.signed_date < a.signed_date OR (b.signed_date = a.signed_date AND b.contract_id < a.contract_id))
     AND b.signed_date >= a.signed_date - INTERVAL ${window_days} DAY
    WHERE b.contract_id IS NULL
),
series AS (
    SELECT s.contract_id AS first_id, s.buyer_unit, s.vendor_uscc, c.contract_id, c.amount, c.signed_date
    FROM starts s
    JOIN small c
      ON c.buyer_unit = s.buyer_unit AND c.vendor_uscc = s.vendor_uscc
     AND c.signed_date >= s.signed_date
     AND c.signed_date <= s.signed_date + INTERVAL ${window_days} DAY
)
SELECT
    s.vendor_uscc AS subject_id,
    min(v.name) AS subject_name,
    s.buyer_unit AS unit,
    sum(s.amount) AS amount,
    strftime(min(s.signed_date), '%Y-%m-%d') || '~' || strftime(max(s.signed_date), '%Y-%m-%d') AS period,
    list({'dataset': 'contracts', 'key': s.contract_id}) AS evidence,
    'vendor_uscc' AS match_method,
    s.buyer_unit || '|' || s.vendor_uscc || '|' || s.first_id AS fingerprint_key,
    CAST(count(*) AS VARCHAR) || ' contracts' AS detail
FROM series s
LEFT JOIN vendors v ON v.uscc = s.vendor_uscc
GROUP BY s.buyer_unit, s.vendor_uscc, s.first_id
HAVING count(*) >= 2 AND sum(s.amount) >= ${tender_threshold}
