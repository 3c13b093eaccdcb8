"""The medical-insurance models against small hand-made datasets: hits and near-misses."""

from __future__ import annotations

from .conftest import load, pid, run


def stay(n: int, person: str, admitted: str, discharged: str | None, **fields) -> dict:
    """An inpatient claim."""
    row = {"claim_id": f"C{n:03d}", "resident_id": person, "patient_name": "患者", "hospital": "县人民医院",
           "claim_type": "住院", "admission_date": admitted, "discharge_date": discharged,
           "diagnosis_code": "K80.2", "diagnosis_name": "胆囊结石", "total_amount": "5000",
           "fund_amount": "3500"}  # fmt: skip
    row.update(fields)
    return row


def test_it_finds_overlapping_stays_but_not_a_transfer_on_the_day_of_discharge(workspace):
    double, transferred, outpatient = pid(1), pid(2), pid(3)
    load(workspace, "medical_claims", [
        stay(1, double, "2024-03-01", "2024-03-10"),
        stay(2, double, "2024-03-05", "2024-03-12", hospital="康宁医院"),
        stay(3, transferred, "2024-03-01", "2024-03-10"),
        stay(4, transferred, "2024-03-10", "2024-03-20", hospital="康宁医院"),
        stay(5, outpatient, "2024-03-01", "2024-03-10"),
        stay(6, outpatient, "2024-03-05", "2024-03-05", claim_type="门诊"),
    ])  # fmt: skip

    [hit] = run(workspace, "overlapping_stays")

    assert hit.fingerprint_key == f"{double}|C001|C002"
    assert hit.period == "2024-03-05~2024-03-10" and hit.amount == 7000


def test_it_finds_short_admissions_for_outpatient_diagnoses(workspace):
    checkup, long_stay, real = pid(1), pid(2), pid(3)
    load(workspace, "medical_claims", [
        stay(1, checkup, "2024-03-01", "2024-03-03", diagnosis_code="Z00.0", diagnosis_name="健康体检"),
        stay(2, long_stay, "2024-03-01", "2024-03-09", diagnosis_code="I10", diagnosis_name="高血压"),
        stay(3, real, "2024-03-01", "2024-03-02", diagnosis_code="K35.8", diagnosis_name="急性阑尾炎"),
        stay(4, real, "2024-05-01", "2024-05-02", diagnosis_code="Z00.0", claim_type="门诊"),
    ])  # fmt: skip

    [hit] = run(workspace, "admission_without_criteria")

    assert hit.fingerprint_key == "C001" and hit.detail == "健康体检"


def test_it_finds_repeated_short_admissions_within_the_window(workspace):
    frequent, spread, long_stays = pid(1), pid(2), pid(3)
    load(workspace, "medical_claims", [
        stay(1, frequent, "2024-01-01", "2024-01-03"),
        stay(2, frequent, "2024-01-20", "2024-01-22", hospital="康宁医院"),
        stay(3, frequent, "2024-02-10", "2024-02-12"),
        stay(4, frequent, "2024-03-01", "2024-03-02"),
        stay(5, spread, "2024-01-01", "2024-01-03"),
        stay(6, spread, "2024-03-01", "2024-03-03"),
        stay(7, spread, "2024-06-01", "2024-06-03"),  # three stays, but not within 90 days
        stay(8, long_stays, "2024-01-01", "2024-01-10"),
        stay(9, long_stays, "2024-01-20", "2024-01-30"),
        stay(10, long_stays, "2024-02-10", "2024-02-20"),
    ])  # fmt: skip

    [hit] = run(workspace, "repeated_short_admissions")

    assert hit.fingerprint_key == f"{frequent}|C001"
    assert len(hit.evidence) == 4 and hit.detail == "2 hospital(s)"


def test_it_finds_claims_after_death(workspace):
    dead, alive = pid(1), pid(2)
    load(workspace, "deaths", [{"resident_id": dead, "death_date": "2024-02-01"}])
    load(workspace, "medical_claims", [
        stay(1, dead, "2024-01-20", "2024-02-01"),  # died in hospital
        stay(2, dead, "2024-03-01", "2024-03-08"),
        stay(3, alive, "2024-03-01", "2024-03-08"),
    ])  # fmt: skip

    [hit] = run(workspace, "claims_after_death")

    assert hit.fingerprint_key == dead and hit.amount == 3500
    assert len(hit.evidence) == 2
