"""Duty lists: templates, issuing to units, reporting with the lock after the deadline and
reopening, scoring, live scores and ranks on a hand-computed example, scope and bad input."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from oversight.conftest import client_for, refusal_codes
from oversight.duties import selectors, services
from oversight.duties.models import DutyItem, DutyReport, UnitList
from oversight.ledger.models import Leaf
from oversight.loop import services as loop


def _issue(c, duty_list, *nodes):
    return services.list_issue(
        actor=c.supervisor,
        duty_list=duty_list,
        nodes=list(nodes or (c.town1, c.town2)),
        supervising_node=c.commission,
    )


def test_it_builds_a_template_with_a_ledger_leaf_for_every_write(duties_county, duty_list):
    assert [a.title for a in selectors.list_tree(duty_list=duty_list)] == ["Study", "Planning"]
    assert duty_list.total_points == Decimal(100)
    actions = set(Leaf.objects.values_list("action", flat=True))
    assert {"duties.list.create", "duties.area.add", "duties.item.add"} <= actions


def test_it_refuses_bad_template_input_with_codes(duties_county, duty_list):
    c = duties_county
    area = duty_list.areas.first()
    with pytest.raises(ValidationError) as refused:
        services.item_add(
            actor=c.supervisor,
            area=area,
            title="",
            points=Decimal(0),
            schedule="once",
            due_on=date(2025, 12, 31),
            unit_types=["planet"],
        )
    assert refusal_codes(refused.value) == {
        "title": ["required"],
        "points": ["not_positive"],
        "due_on": ["outside_year"],
        "unit_types": ["invalid"],
    }
    with pytest.raises(ValidationError) as refused:
        services.item_add(
            actor=c.supervisor, area=area, title="x", points=Decimal(1), schedule="monthly"
        )
    assert refusal_codes(refused.value) == {"due_day": ["invalid"]}
    with pytest.raises(ValidationError) as refused:
        services.list_create(
            actor=c.supervisor, kind="principal", title="x", year=1999, owner_node=c.commission
        )
    assert refusal_codes(refused.value) == {"year": ["out_of_range"]}
    with pytest.raises(PermissionDenied):
        services.area_add(actor=c.town1_officer, duty_list=duty_list, title="Mine")
    assert DutyItem.objects.filter(area__duty_list=duty_list).count() == 2


def test_it_refuses_to_issue_a_list_whose_points_do_not_total_100(duties_county, duty_list):
    c = duties_county
    services.item_add(
        actor=c.supervisor,
        area=duty_list.areas.first(),
        title="Only for units",
        points=Decimal(10),
        due_on=date(2026, 6, 30),
        unit_types=["unit"],
    )
    _issue(c, duty_list, c.town1)  # the unit-only item does not apply to a town: 100 points
    with pytest.raises(ValidationError) as refused:
        _issue(c, duty_list, c.unit_b)
    assert refusal_codes(refused.value) == {"nodes": ["points_total"]}
    assert "Unit B" in str(refused.value) and "110" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        _issue(c, duty_list, c.town1)
    assert refusal_codes(refused.value) == {"nodes": ["already_issued"]}
    assert list(UnitList.objects.values_list("node__name", flat=True)) == ["Town 1"]
    with pytest.raises(ValidationError) as refused:
        services.area_add(actor=c.supervisor, duty_list=duty_list, title="Late")
    assert refusal_codes(refused.value) == ["issued"]


def test_it_issues_one_report_per_deadline_to_each_unit(duties_county, duty_list):
    c = duties_county
    town1, town2 = _issue(c, duty_list)
    reports = town1.reports.order_by("due")
    assert [(r.key, r.due) for r in reports] == [
        ("2026", date(2026, 3, 10)),
        ("2026-Q1", date(2026, 4, 15)),
        ("2026-Q2", date(2026, 7, 14)),
        ("2026-Q3", date(2026, 10, 20)),  # after the National Day holidays
        ("2026-Q4", date(2027, 1, 14)),
    ]
    first = reports[0].item
    assert first.kind == "duties.report" and first.final_deadline == date(2026, 3, 10)
    assert first.responsible_node == c.town1 and first.supervising_node == c.commission
    assert town2.reports.count() == 5
    services.unit_list_sign(actor=c.town1_officer, unit_list=town1)
    with pytest.raises(ValidationError) as refused:
        services.unit_list_sign(actor=c.town1_officer, unit_list=town1)
    assert refusal_codes(refused.value) == ["signed"]
    with pytest.raises(PermissionDenied):
        services.unit_list_sign(actor=c.town1_officer, unit_list=town2)


def test_entry_locks_after_the_deadline_until_a_supervisor_reopens_it(
    duties_county, duty_list, today
):
    c = duties_county
    town1, _town2 = _issue(c, duty_list)
    report = town1.reports.get(key="2026")
    today(date(2026, 3, 11))
    with pytest.raises(ValidationError) as refused:
        loop.item_transition(
            item=report.item, name="submit", actor=c.town1_officer, comment="Plan written"
        )
    assert refusal_codes(refused.value) == ["locked"]
    report.refresh_from_db()
    assert report.item.state == "open" and report.reported_on is None
    with pytest.raises(PermissionDenied):
        services.report_reopen(
            actor=c.town1_officer, report=report, until=date(2026, 3, 13), reason="ill"
        )
    with pytest.raises(ValidationError) as refused:
        services.report_reopen(actor=c.supervisor, report=report, until=date(2026, 3, 1), reason="")
    assert refusal_codes(refused.value) == {"reason": ["required"], "until": ["past"]}
    services.report_reopen(
        actor=c.supervisor, report=report, until=date(2026, 3, 13), reason="Flood week"
    )
    assert Leaf.objects.filter(action="duties.report.reopen").exists()
    loop.item_transition(
        item=report.item, name="submit", actor=c.town1_officer, comment="Plan written"
    )
    report.refresh_from_db()
    assert report.item.state == "submitted" and report.reported_on == date(2026, 3, 11)


def test_a_supervisor_returns_then_scores_within_the_points(duties_county, duty_list):
    c = duties_county
    town1, _town2 = _issue(c, duty_list)
    report = town1.reports.get(key="2026")
    item = loop.item_transition(
        item=report.item, name="submit", actor=c.town1_officer, comment="Copied plan"
    )
    loop.item_transition(item=item, name="return", actor=c.supervisor, comment="Copied")
    loop.item_transition(item=item, name="submit", actor=c.town1_officer, comment="Own plan")
    with pytest.raises(ValidationError) as refused:
        services.report_accept(actor=c.supervisor, report=report, score=Decimal(41))
    assert refusal_codes(refused.value) == {"score": ["out_of_range"]}
    with pytest.raises(PermissionDenied):
        services.report_accept(actor=c.town1_officer, report=report, score=Decimal(40))
    services.report_accept(actor=c.supervisor, report=report, score=Decimal(30), reason="Thin")
    report.refresh_from_db()
    assert report.item.state == "accepted" and report.score == Decimal(30)
    assert report.score_rate == Decimal("75.0") and report.scored_on == date(2026, 3, 2)


def test_live_scores_and_ranks_on_a_hand_computed_example(duties_county, duty_list, today):
    c = duties_county
    town1, _town2, _unit_b = _issue(c, duty_list, c.town1, c.town2, c.unit_b)
    plan1 = town1.reports.get(key="2026")
    loop.item_transition(item=plan1.item, name="submit", actor=c.town1_officer, comment="Plan")
    services.report_accept(actor=c.supervisor, report=plan1, score=Decimal(30))
    today(date(2026, 3, 20))
    # Town 1: 30 of the plan's 40 = 75.0 %; Town 2 left it empty past its deadline: 0 of 40;
    # the quarterly study is not due before April and counts for no one. Unit B (another
    # type) left it empty too and ranks first among units.
    rows = {s.node.name: s for s in selectors.scores(viewer=c.supervisor, duty_list=duty_list)}
    assert (rows["Town 1"].earned, rows["Town 1"].possible) == (Decimal("30.00"), Decimal(40))
    assert rows["Town 1"].percent == Decimal("75.0") and rows["Town 1"].rank == 1
    assert rows["Town 2"].percent == Decimal("0.0") and rows["Town 2"].rank == 2
    assert rows["Town 2"].missing == 1 and rows["Town 1"].documented == 1
    assert rows["Unit B"].rank == 1
    assert [s.node.name for s in selectors.scores(viewer=c.supervisor, duty_list=duty_list)][
        0
    ] == "Town 1"


def test_a_unit_sees_only_its_own_lists_reports_and_score(duties_county, duty_list):
    c = duties_county
    town1, town2 = _issue(c, duty_list)
    assert list(selectors.unit_list_list(viewer=c.town2_officer)) == [town2]
    assert [s.node for s in selectors.scores(viewer=c.town2_officer, duty_list=duty_list)] == [
        c.town2
    ]
    assert not selectors.report_list(viewer=c.town2_officer).filter(unit_list=town1).exists()
    outsider = client_for(c.town2_officer)
    report = town1.reports.first()
    assert outsider.get(f"/duties/units/{town1.pk}/").status_code == 404
    assert outsider.get(f"/duties/reports/{report.item_id}/").status_code == 404
    assert outsider.post(f"/duties/units/{town1.pk}/sign/").status_code == 404
    ranking = outsider.get("/duties/ranking/").content.decode()
    assert "Town 2" in ranking and "Town 1" not in ranking
    export = outsider.get("/duties/units/?export=xlsx")
    assert export.status_code in (200, 403)
    units = outsider.get("/duties/units/").content.decode()
    assert "Town 2" in units and "Town 1" not in units
    # someone of another tree with no duty role sees nothing at all
    assert client_for(c.cadre).get("/duties/").status_code == 403
    assert list(selectors.unit_list_list(viewer=c.cadre)) == []


def test_pages_answer_for_the_commission_and_reject_bad_input(duties_county, duty_list):
    c = duties_county
    client = client_for(c.supervisor)
    assert client.get("/duties/").status_code == 200
    page = client.get(f"/duties/{duty_list.pk}/")
    assert page.status_code == 200 and "Write the year&#x27;s plan" in page.content.decode()
    bad = client.post(
        f"/duties/{duty_list.pk}/items/add/",
        {
            "area": duty_list.areas.first().pk,
            "title": "Extra",
            "points": "5",
            "schedule": "once",
            "due_on": "2027-01-05",
            "rule": "all_or_nothing",
        },
    )
    assert bad.status_code == 400 and "due_on" in bad.context["item_form"].errors
    refused = client.post(f"/duties/{duty_list.pk}/issue/", {"supervising_node": c.commission.pk})
    assert refused.status_code == 400 and "nodes" in refused.context["issue_form"].errors
    issued = client.post(
        f"/duties/{duty_list.pk}/issue/",
        {"nodes": [c.town1.pk], "supervising_node": c.commission.pk},
    )
    assert issued.status_code == 302
    report = DutyReport.objects.get(unit_list__node=c.town1, key="2026")
    assert client.get(f"/duties/reports/{report.item_id}/").status_code == 200
    loop.item_transition(item=report.item, name="submit", actor=c.town1_officer, comment="Plan")
    bad_score = client.post(f"/duties/reports/{report.item_id}/score/", {"score": "99"})
    assert bad_score.status_code == 400 and "score" in bad_score.context["score_form"].errors
    good = client.post(f"/duties/reports/{report.item_id}/score/", {"score": "40"})
    assert good.status_code == 302
    ranking = client.get("/duties/ranking/").content.decode()
    assert "100.0" in ranking and "Town 1" in ranking
    assert client.get("/duties/ranking/?export=xlsx").status_code == 200
    assert client_for(c.town1_officer).post(f"/duties/{duty_list.pk}/areas/add/").status_code == 403


def test_copied_and_thin_reports_are_flagged_for_the_supervisor(duties_county, duty_list):
    c = duties_county
    town1, town2 = _issue(c, duty_list)
    text = (
        "3月5日镇党委召开专题会议研究年度工作计划，明确十二项重点任务和责任人，"
        "印发计划并在全镇干部大会上部署落实，会后逐村走访收集意见二十条。"
    )
    for unit_list, account, report_text in (
        (town1, c.town1_officer, text),
        (town2, c.town2_officer, text.replace("二十条", "二十二条")),
    ):
        report = unit_list.reports.get(key="2026")
        loop.item_transition(item=report.item, name="submit", actor=account, comment=report_text)
    mine = town1.reports.get(key="2026")
    theirs = town2.reports.get(key="2026")
    assert mine.copied_from is None and theirs.copied_from == mine  # the later one is flagged
    check = selectors.report_check(viewer=c.supervisor, report=mine)
    assert [(p.unit_list.node.name, pct > 80) for p, pct in check.copied] == [("Town 2", True)]
    assert check.no_evidence and not check.thin
    # a unit's own view never compares with another unit's report
    assert selectors.report_check(viewer=c.town1_officer, report=mine).copied == []
    page = client_for(c.supervisor).get(f"/duties/reports/{mine.item_id}/")
    assert page.status_code == 200 and 'data-testid="copied"' in page.content.decode()
    own_page = client_for(c.town1_officer).get(f"/duties/reports/{mine.item_id}/")
    assert 'data-testid="check"' not in own_page.content.decode()
    study = town1.reports.get(key="2026-Q1")
    loop.item_transition(
        item=study.item,
        name="submit",
        actor=c.town1_officer,
        comment="Study the rules each quarter. Done.",
    )
    thin = selectors.report_check(viewer=c.supervisor, report=study)
    assert thin.thin and not thin.copied


def test_a_units_ranking_and_list_exports_hold_its_own_row_only(duties_county, duty_list):
    from io import BytesIO

    from openpyxl import load_workbook

    c = duties_county
    _issue(c, duty_list)
    town2 = client_for(c.town2_officer)
    for url in (f"/duties/ranking/?list={duty_list.pk}&export=xlsx", "/duties/units/?export=xlsx"):
        export = town2.get(url)
        if export.status_code == 403 and "ranking" not in url:
            continue  # the unit list's export may be refused outright
        assert export.status_code == 200, url
        sheet = load_workbook(BytesIO(export.content)).active
        cells = {str(v) for row in sheet.iter_rows(min_row=2, values_only=True) for v in row}
        assert "Town 2" in cells and "Town 1" not in cells, url
    commission = client_for(c.supervisor).get(f"/duties/ranking/?list={duty_list.pk}&export=xlsx")
    sheet = load_workbook(BytesIO(commission.content)).active
    cells = {str(v) for row in sheet.iter_rows(min_row=2, values_only=True) for v in row}
    assert {"Town 1", "Town 2"} <= cells
