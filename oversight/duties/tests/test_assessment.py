"""The year-end assessment: grades by thresholds and quotas on hand-computed examples, the
freeze (a later edit changes nothing), the result document and circular with serial numbers,
the Excel export, one appeal within its deadline, scope and bad input."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from oversight.conftest import client_for, refusal_codes
from oversight.documents.models import Document, Receipt
from oversight.duties import assessments, selectors, services
from oversight.duties.models import AssessmentResult
from oversight.ledger.models import Leaf
from oversight.loop import services as loop

D = Decimal
THRESHOLDS = {"excellent": "90", "good": "70", "fair": "50"}


def test_grades_by_thresholds_and_quotas_by_hand():
    rows = [("a", "town", D(95), False), ("b", "town", D(90), False),
            ("c", "town", D(75), False), ("d", "town", D(50), False),
            ("e", "town", D("49.9"), False), ("f", "town", D(99), True),
            ("g", "town", None, False)]  # fmt: skip
    assert assessments.grade("thresholds", THRESHOLDS, rows) == {
        "a": "excellent",
        "b": "excellent",
        "c": "good",
        "d": "fair",
        "e": "poor",
        "f": "poor",  # vetoed
        "g": "poor",  # nothing scored
    }
    # Quotas among the six units not vetoed: 20% excellent = 1, 40% good = 2, 20% poor = 1.
    quotas = {"excellent": "20", "good": "40", "poor": "20"}
    assert assessments.grade("quotas", quotas, rows) == {
        "a": "excellent",
        "b": "good",
        "c": "good",
        "d": "fair",
        "e": "fair",
        "f": "poor",
        "g": "poor",
    }
    # A tie at a quota's boundary falls to the grade in between: two share the top score.
    tied = [("a", "unit", D(80), False), ("b", "unit", D(80), False), ("c", "unit", D(70), False)]
    assert assessments.grade("quotas", {"excellent": "34", "good": "0", "poor": "0"}, tied) == {
        "a": "fair",
        "b": "fair",
        "c": "fair",
    }
    # Each type has its own quotas.
    mixed = [("a", "town", D(10), False), ("b", "unit", D(5), False)]
    assert assessments.grade("quotas", {"excellent": "100", "good": "0", "poor": "0"}, mixed) == {
        "a": "excellent",
        "b": "excellent",
    }


@pytest.fixture
def year(duties_county, duty_list, today):
    """Town 1 scored 30 of the plan's 40 (75 %); Town 2 and Unit B left it empty (0 %)."""
    c = duties_county
    town1, town2, unit_b = services.list_issue(
        actor=c.supervisor,
        duty_list=duty_list,
        nodes=[c.town1, c.town2, c.unit_b],
        supervising_node=c.commission,
    )
    plan = town1.reports.get(key="2026")
    loop.item_transition(item=plan.item, name="submit", actor=c.town1_officer, comment="Plan")
    services.report_accept(actor=c.supervisor, report=plan, score=D(30))
    today(date(2026, 3, 20))
    return town1, town2, unit_b


def _freeze(c, duty_list, **kwargs):
    return assessments.assessment_freeze(
        actor=c.supervisor,
        duty_list=duty_list,
        **{"method": "thresholds", "params": THRESHOLDS, "appeal_until": date(2026, 3, 31)}
        | kwargs,
    )


def test_frozen_results_do_not_change_after_edits(duties_county, duty_list, year, today):
    c = duties_county
    _town1, town2, _unit_b = year
    frozen = _freeze(c, duty_list)
    results = {r.node.name: r for r in frozen.results.all()}
    assert (results["Town 1"].percent, results["Town 1"].grade) == (D("75.0"), "good")
    assert (results["Town 2"].percent, results["Town 2"].grade) == (D("0.0"), "poor")
    assert results["Town 2"].missing == 1 and results["Town 1"].rank == 1
    plan_item = duty_list.areas.get(title="Planning").items.get()
    assert results["Town 1"].items == {str(plan_item.pk): "30.00"}
    # Later: Town 2's entry is reopened, reported and scored in full.
    plan2 = town2.reports.get(key="2026")
    services.report_reopen(actor=c.supervisor, report=plan2, until=date(2026, 3, 25), reason="Late")
    loop.item_transition(item=plan2.item, name="submit", actor=c.town2_officer, comment="Plan")
    services.report_accept(actor=c.supervisor, report=plan2, score=D(40))
    live = {s.node.name: s for s in selectors.scores(viewer=c.supervisor, duty_list=duty_list)}
    assert live["Town 2"].percent == D("100.0")
    again = {r.node.name: r for r in AssessmentResult.objects.all()}
    assert (again["Town 2"].percent, again["Town 2"].grade, again["Town 2"].earned) == (
        D("0.0"),
        "poor",
        D("0.00"),
    )
    assert again["Town 1"].rank == 1 and again["Town 2"].missing == 1
    assert Leaf.objects.filter(action="duties.assessment.freeze").count() == 1


def test_freezing_refuses_bad_input_with_codes(duties_county, duty_list, year):
    c = duties_county
    with pytest.raises(ValidationError) as refused:
        _freeze(
            c,
            duty_list,
            params={"excellent": "70", "good": "90", "fair": "x"},
            appeal_until=date(2026, 3, 19),
        )
    assert refusal_codes(refused.value) == {"params": ["invalid"], "appeal_until": ["past"]}
    with pytest.raises(ValidationError) as refused:
        _freeze(c, duty_list, params={"excellent": "70", "good": "90", "fair": "50"})
    assert refusal_codes(refused.value) == {"params": ["invalid"]}
    with pytest.raises(ValidationError) as refused:
        _freeze(
            c, duty_list, method="quotas", params={"excellent": "60", "good": "40", "poor": "10"}
        )
    assert refusal_codes(refused.value) == {"params": ["invalid"]}
    with pytest.raises(PermissionDenied):
        assessments.assessment_freeze(
            actor=c.town1_officer,
            duty_list=duty_list,
            method="thresholds",
            params=THRESHOLDS,
            appeal_until=date(2026, 3, 31),
        )
    assert not AssessmentResult.objects.exists()
    _freeze(c, duty_list)
    with pytest.raises(ValidationError) as refused:
        _freeze(c, duty_list)
    assert refused.value.code == "frozen"
    client = client_for(c.supervisor)
    client.cookies["django_language"] = "en"
    page = client.get(f"/duties/{duty_list.pk}/assessment/")
    assert page.status_code == 200 and "Good" in page.content.decode()


def test_the_form_names_bad_fields(duties_county, duty_list, year):
    c = duties_county
    client = client_for(c.supervisor)
    client.cookies["django_language"] = "en"
    bad = client.post(
        f"/duties/{duty_list.pk}/assessment/freeze/",
        {"method": "thresholds", "excellent": "50", "good": "70", "fair": "60",
         "appeal_until": "2026-03-01"},
    )  # fmt: skip
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "fall from excellent to good to fair" in body and "today or a later day" in body
    good = client.post(
        f"/duties/{duty_list.pk}/assessment/freeze/",
        {"method": "quotas", "excellent": "50", "good": "0", "poor": "50",
         "appeal_until": "2026-03-31"},
    )  # fmt: skip
    assert good.status_code == 302
    grades = dict(AssessmentResult.objects.values_list("node__name", "grade"))
    # Towns: 2 units, 1 excellent, 1 poor; Unit B alone: 0 of each, fair.
    assert grades == {"Town 1": "excellent", "Town 2": "poor", "Unit B": "fair"}


def test_result_document_circular_export_and_scope(duties_county, duty_list, year):
    c = duties_county
    frozen = _freeze(c, duty_list)
    assessments.assessment_publish(actor=c.supervisor, assessment=frozen)
    frozen.refresh_from_db()
    result, circular = frozen.result_document, frozen.circular
    assert (result.doc_type, circular.doc_type) == ("assessment_result", "circular")
    assert result.serial and circular.serial and result.serial != circular.serial
    assert "Town 1" in " ".join(result.content["paragraphs"])
    assert "Town 2" in circular.content["paragraphs"][2]  # the worst, named
    assert Receipt.objects.filter(document=result).count() == 3
    with pytest.raises(ValidationError) as refused:
        assessments.assessment_publish(actor=c.supervisor, assessment=frozen)
    assert refused.value.code == "published"
    assert Document.objects.count() == 2
    client = client_for(c.supervisor)
    download = client.get(f"/documents/{result.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    export = client.get(f"/duties/{duty_list.pk}/assessment/?export=xlsx")
    sheet = load_workbook(BytesIO(export.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(n for n in names if n) == ["Town 1", "Town 2", "Unit B"]
    # A town sees its own result only: page, export, detail.
    town2 = client_for(c.town2_officer)
    own = list(selectors.result_list(viewer=c.town2_officer, assessment=frozen))
    assert [r.node for r in own] == [c.town2]
    body = town2.get(f"/duties/{duty_list.pk}/assessment/").content.decode()
    assert "Town 2" in body and "Town 1" not in body
    export = town2.get(f"/duties/{duty_list.pk}/assessment/?export=xlsx")
    sheet = load_workbook(BytesIO(export.content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]] == ["Town 2"]
    other = frozen.results.get(node=c.town1)
    assert town2.get(f"/duties/results/{other.pk}/").status_code == 404


def test_one_appeal_within_its_deadline_decided_by_the_commission(
    duties_county, duty_list, year, today
):
    c = duties_county
    frozen = _freeze(c, duty_list)
    mine = frozen.results.get(node=c.town2)
    with pytest.raises(PermissionDenied):
        assessments.appeal_lodge(actor=c.town1_officer, result=mine, reason="Not ours")
    with pytest.raises(ValidationError) as refused:
        assessments.appeal_lodge(actor=c.town2_officer, result=mine, reason=" ")
    assert refusal_codes(refused.value) == {"reason": ["required"]}
    client = client_for(c.town2_officer)
    assert (
        client.post(f"/duties/results/{mine.pk}/appeal/", {"reason": "We did"}).status_code == 302
    )
    mine.refresh_from_db()
    assert mine.appeal.kind == "duties.appeal" and mine.appeal.state == "lodged"
    assert mine.appeal.responsible_node == c.commission
    with pytest.raises(ValidationError) as refused:
        assessments.appeal_lodge(actor=c.town2_officer, result=mine, reason="Again")
    assert refused.value.code == "appealed"
    today(date(2026, 4, 1))
    late = frozen.results.get(node=c.town1)
    with pytest.raises(ValidationError) as refused:
        assessments.appeal_lodge(actor=c.town1_officer, result=late, reason="Late")
    assert refused.value.code == "appeal_closed"
    with pytest.raises(PermissionDenied):
        assessments.appeal_decide(
            actor=c.town2_officer, result=mine, uphold=True, grade="fair", reason="Mine"
        )
    with pytest.raises(ValidationError) as refused:
        assessments.appeal_decide(
            actor=c.supervisor, result=mine, uphold=True, grade="poor", reason="Same"
        )
    assert refusal_codes(refused.value) == {"grade": ["unchanged"]}
    decided = client_for(c.supervisor).post(
        f"/duties/results/{mine.pk}/decide/",
        {"uphold": "1", "grade": "fair", "reason": "Evidence found"},
    )
    assert decided.status_code == 302
    mine.refresh_from_db()
    assert (mine.grade, mine.original_grade, mine.appeal.state) == ("fair", "poor", "upheld")
    assert mine.percent == D("0.0")  # the figures stay frozen
