-- Identity by resident ID first; only relatives without an ID are looked up by name, and such
-- matches are labelled candidates.
WITH relatives AS (
    SELECT r.cadre_id, r.relative_name, r.relation, r.relative_id AS resident_id,
           'resident_id' AS match_method
    FROM cadre_relatives r
    WHERE r.relative_id IS NOT NULL
    UNION ALL
    SELECT r.cadre_id, r.relative_name, r.relation, p.resident_id,
           'name+birth_date (candidate)' AS match_method
    FROM cadre_relatives r
    JOIN residents p ON p.birth_date = r.relative_birth_date AND p.name = r.relative_name
    WHERE r.relative_id IS NULL
    UNION ALL
    SELECT r.cadre_id, r.relative_name, r.relation, p.resident_id,
           'pinyin+birth_date (candidate)' AS match_method
    FROM cadre_relatives r
    JOIN residents p ON p.birth_date = r.relative_birth_date
    WHERE r.relative_id IS NULL
      AND p.name <> r.relative_name
      AND list_has_any(p.name_pinyin, r.relative_name_pinyin)
),
paid AS (
    SELECT pay.*
    FROM benefit_payments pay
    JOIN benefit_programs prog ON prog.program_code = pay.program_code
    WHERE prog.means_tested
)
SELECT
    rel.resident_id AS subject_id,
    min(pay.name) AS subject_name,
    min(c.unit) AS unit,
    sum(pay.amount) AS amount,
    min(pay.period) || '~' || max(pay.period) AS period,
    list_concat(
        [{'dataset': 'cadres', 'key': rel.cadre_id},
         {'dataset': 'cadre_relatives', 'key': rel.cadre_id || '|' || rel.relative_name}],
        list({'dataset': 'benefit_payments', 'key': pay.payment_id})
    ) AS evidence,
    rel.match_method,
    rel.cadre_id || '|' || rel.resident_id || '|' || pay.program_code AS fingerprint_key,
    min(c.name) || '的' || min(rel.relation) || '，' || pay.program_code AS detail
FROM relatives rel
JOIN cadres c ON c.resident_id = rel.cadre_id
JOIN paid pay ON pay.resident_id = rel.resident_id
GROUP BY rel.cadre_id, rel.relative_name, rel.resident_id, rel.match_method, pay.program_code
