SELECT
    m.resident_id AS subject_id,
    min(m.name) AS subject_name,
    min(m.branch) AS unit,
    sum(p.amount) AS amount,
    min(p.period) || '~' || max(p.period) AS period,
    list_concat(
        [{'dataset': 'party_members', 'key': m.resident_id}],
        list({'dataset': 'benefit_payments', 'key': p.payment_id})
    ) AS evidence,
    'resident_id' AS match_method,
    m.resident_id || '|' || p.program_code AS fingerprint_key,
    min(g.name) AS detail
FROM party_members m
JOIN benefit_payments p ON p.resident_id = m.resident_id
JOIN benefit_programs g ON g.program_code = p.program_code
WHERE g.party_members_excluded
  AND (m.joined_date IS NULL OR p.period >= strftime(m.joined_date, '%Y-%m'))
GROUP BY m.resident_id, p.program_code
