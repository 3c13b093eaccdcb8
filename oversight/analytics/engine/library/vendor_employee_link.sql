WITH links AS (
    SELECT v.uscc, w.unit, w.resident_id AS employee_id, w.name AS employee_name,
           w.start_date, 'phone' AS match_method
    FROM vendors v JOIN payroll w ON w.phone = v.phone
    UNION ALL
    SELECT v.uscc, w.unit, w.resident_id, w.name, w.start_date, 'bank_account'
    FROM vendors v JOIN payroll w ON w.bank_account = v.bank_account
    UNION ALL
    SELECT v.uscc, w.unit, w.resident_id, w.name, w.start_date, 'address'
    FROM vendors v JOIN payroll w
      ON replace(w.address, ' ', '') = replace(v.address, ' ', '')
    UNION ALL
    SELECT v.uscc, w.unit, w.resident_id, w.name, w.start_date, 'resident_id (legal representative)'
    FROM vendors v JOIN payroll w ON w.resident_id = v.legal_rep_id
    UNION ALL
    SELECT s.uscc, w.unit, w.resident_id, w.name, w.start_date, 'resident_id (shareholder)'
    FROM vendor_shareholders s JOIN payroll w ON w.resident_id = s.shareholder_id
)
SELECT
    v.uscc AS subject_id,
    min(v.name) AS subject_name,
    l.unit,
    sum(c.amount) AS amount,
    strftime(min(c.signed_date), '%Y-%m') || '~' || strftime(max(c.signed_date), '%Y-%m') AS period,
    list_concat(
        [{'dataset': 'vendors', 'key': v.uscc},
         {'dataset': 'payroll', 'key': l.employee_id || '|' || CAST(l.start_date AS VARCHAR)}],
        list({'dataset': 'contracts', 'key': c.contract_id})
    ) AS evidence,
    l.match_method,
    v.uscc || '|' || l.unit || '|' || l.employee_id || '|' || l.match_method AS fingerprint_key,
    min(l.employee_name) AS detail
FROM links l
JOIN vendors v ON v.uscc = l.uscc
JOIN contracts c ON c.vendor_uscc = l.uscc AND c.buyer_unit = l.unit
GROUP BY v.uscc, l.unit, l.employee_id, l.start_date, l.match_method
