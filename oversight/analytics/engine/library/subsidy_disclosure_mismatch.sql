-- The money trail: what a village disclosed against what the department paid, per village,
-- program, month and beneficiary. A beneficiary is matched by ID when both sides have one,
-- otherwise by name, a * (or ＊) in the disclosed name standing for one character. A village is
-- named by its town and name: villages of the same name in two towns are two villages (a side
-- that gives no town matches the village of that name in any town).
WITH d AS (
    SELECT
        program_code, period, town, village, resident_id, name,
        replace(replace(name, '＊', '*'), '*', '_') AS pattern,
        sum(amount) AS amount,
        list({'dataset': 'disclosed_subsidies', 'key': row_id}) AS ev
    FROM disclosed_subsidies
    GROUP BY program_code, period, town, village, resident_id, name
),
-- Only the payments of a village, program and month whose list was disclosed.
p AS (
    SELECT
        b.program_code, b.period, b.village, b.town, b.resident_id,
        min(b.name) AS name, sum(b.amount) AS amount,
        list({'dataset': 'benefit_payments', 'key': b.payment_id}) AS ev
    FROM benefit_payments b
    WHERE EXISTS (
        SELECT 1 FROM disclosed_subsidies s
        WHERE s.program_code = b.program_code AND s.period = b.period AND s.village = b.village
          AND (s.town IS NULL OR b.town IS NULL OR s.town = b.town)
    )
    GROUP BY b.program_code, b.period, b.town, b.village, b.resident_id
),
pairs AS (
    SELECT
        d.program_code, d.period, d.village, d.town AS d_town, p.town AS p_town,
        d.name AS d_name, d.pattern,
        d.resident_id AS d_id, d.amount AS d_amount, d.ev AS d_ev,
        p.resident_id AS p_id, p.name AS p_name, p.amount AS p_amount, p.ev AS p_ev,
        d.resident_id IS NOT NULL AND p.resident_id IS NOT NULL AS by_id
    FROM d
    JOIN p
      ON p.program_code = d.program_code AND p.period = d.period AND p.village = d.village
     AND (d.town IS NULL OR p.town IS NULL OR d.town = p.town)
     AND CASE
            WHEN d.resident_id IS NOT NULL AND p.resident_id IS NOT NULL
            THEN d.resident_id = p.resident_id
            ELSE p.name LIKE d.pattern
         END
),
hits AS (
    -- disclosed but not paid
    SELECT
        d.resident_id AS subject_id, d.name AS subject_name, d.village AS unit,
        d.amount AS amount, d.period, d.ev AS evidence, 'none' AS match_method,
        'disclosed_not_paid' AS kind, d.program_code, d.town,
        coalesce(d.resident_id, d.name) AS who,
        CAST(d.amount AS VARCHAR) || ' / 0.00' AS figures
    FROM d
    WHERE NOT EXISTS (
        SELECT 1 FROM pairs x
        WHERE x.program_code = d.program_code AND x.period = d.period
          AND x.village = d.village AND x.d_name = d.name
          AND x.d_town IS NOT DISTINCT FROM d.town
          AND coalesce(x.d_id, '') = coalesce(d.resident_id, '')
    )
    UNION ALL
    -- paid but not disclosed
    SELECT
        p.resident_id, p.name, p.village, p.amount, p.period, p.ev, 'none',
        'paid_not_disclosed', p.program_code, p.town, coalesce(p.resident_id, p.name),
        '0.00 / ' || CAST(p.amount AS VARCHAR)
    FROM p
    WHERE NOT EXISTS (
        SELECT 1 FROM pairs x
        WHERE x.program_code = p.program_code AND x.period = p.period
          AND x.village = p.village AND coalesce(x.p_id, '') = coalesce(p.resident_id, '')
          AND x.p_town IS NOT DISTINCT FROM p.town AND x.p_name = p.name
    )
    UNION ALL
    -- amounts differ beyond the tolerance
    SELECT
        coalesce(x.p_id, x.d_id), x.p_name, x.village, abs(x.d_amount - x.p_amount), x.period,
        list_concat(x.d_ev, x.p_ev),
        CASE WHEN x.by_id THEN 'resident_id' ELSE 'masked name (candidate)' END,
        'amount_differs', x.program_code, coalesce(x.p_town, x.d_town),
        coalesce(x.p_id, x.d_name),
        CAST(x.d_amount AS VARCHAR) || ' / ' || CAST(x.p_amount AS VARCHAR)
    FROM pairs x
    WHERE abs(x.d_amount - x.p_amount) > ${tolerance}
    UNION ALL
    -- the same ID under another name
    SELECT
        x.p_id, x.p_name, x.village, CAST(0 AS DECIMAL(18, 2)), x.period,
        list_concat(x.d_ev, x.p_ev), 'resident_id', 'name_mismatch', x.program_code,
        coalesce(x.p_town, x.d_town), x.p_id, x.d_name || ' ≠ ' || x.p_name
    FROM pairs x
    WHERE x.by_id AND NOT (x.p_name LIKE x.pattern)
)
SELECT
    subject_id,
    subject_name,
    unit,
    amount,
    period,
    evidence,
    match_method,
    program_code || '|' || period || '|' || coalesce(town, '') || '/' || unit || '|' || who
        || '|' || kind AS fingerprint_key,
    program_code || '|' || kind || '|' || figures AS detail
FROM hits
