"""Templates over the years: a list copied to the next year (its duties keep their line), a
report compared with the unit's own report of the year before, the copy threshold set by the
commission, issuing to every unit of a type."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from oversight.conftest import client_for, refusal_codes
from oversight.duties import selectors, services
from oversight.duties.models import DutyItem, DutyList, DutyReport, UnitList
from oversight.ledger.models import Leaf
from oversight.loop import services as loop
from oversight.orgs.models import OrgNode

OWN = (
    "三月五日召开党委会专题研究全面从严治党工作，书记带头讲党课，组织全体干部学习新修订的"
    "纪律处分条例，逐条对照查找问题十二项，建立整改台账，明确责任人和完成时限。"
)
EDITED = OWN.replace("十二项", "十四项").replace("三月五日", "三月九日")
OTHER = (
    "本年度围绕窗口服务开展作风整治，走访群众八十余户，收集意见建议二十条，已办结十八条，"
    "其余两条正在协调住建部门推进，群众满意度明显提升。"
)


def _list(c, year, **kwargs):
    duty_list = services.list_create(
        actor=c.supervisor, kind="principal", title="Principal", year=year, owner_node=c.commission
    )
    area = services.area_add(actor=c.supervisor, duty_list=duty_list, title="Study")
    services.item_add(
        actor=c.supervisor,
        area=area,
        title="Study the rules",
        points=Decimal(100),
        due_on=date(year, 2, 29) if year % 4 == 0 else date(year, 3, 10),
        requirement="认真学习纪律处分条例，形成学习记录。",
        **kwargs,
    )
    return duty_list


def _report(c, duty_list, text, node=None, officer=None):
    (unit_list,) = services.list_issue(
        actor=c.supervisor,
        duty_list=duty_list,
        nodes=[node or c.town1],
        supervising_node=c.commission,
    )
    report = unit_list.reports.select_related("item", "duty_item", "unit_list__duty_list").get()
    loop.item_transition(
        item=report.item, name="submit", actor=officer or c.town1_officer, comment=text
    )
    report.refresh_from_db()
    return report


def test_a_list_is_copied_to_the_next_year_keeping_each_duty_line(duties_county, today):
    c = duties_county
    today(date(2024, 1, 2))
    old = _list(c, 2024, rule="deduction", params={"per": "5"})
    services.list_settings(actor=c.supervisor, duty_list=old, copy_threshold=Decimal("0.75"))
    new = services.list_copy(actor=c.supervisor, duty_list=old, year=2025)
    (was,) = DutyItem.objects.filter(area__duty_list=old)
    (item,) = DutyItem.objects.filter(area__duty_list=new)
    assert (new.kind, new.title, new.year, new.copy_threshold) == (
        "principal",
        "Principal",
        2025,
        Decimal("0.75"),
    )
    assert item.due_on == date(2025, 2, 28)  # 29 February moves to the 28th
    assert (item.lineage, item.rule, item.params) == (was.lineage, "deduction", {"per": "5"})
    assert item.pk != was.pk and not new.unit_lists.exists()
    assert Leaf.objects.filter(action="duties.list.copy").count() == 1
    with pytest.raises(ValidationError) as refused:
        services.list_copy(actor=c.supervisor, duty_list=old, year=2025)
    assert refusal_codes(refused.value) == {"title": ["exists"]}
    with pytest.raises(ValidationError) as refused:
        services.list_settings(actor=c.supervisor, duty_list=old, copy_threshold=Decimal("0.2"))
    assert refusal_codes(refused.value) == {"copy_threshold": ["out_of_range"]}
    client = client_for(c.supervisor)
    client.cookies["django_language"] = "en"
    page = client.post(f"/duties/{old.pk}/copy/", {"year": "2026"})
    assert page.status_code == 302
    assert DutyList.objects.filter(year=2026, title="Principal").exists()
    bad = client.post(f"/duties/{old.pk}/settings/", {"copy_threshold": "1.5"})
    assert bad.status_code == 400


def test_a_report_is_compared_with_the_units_own_report_of_last_year(duties_county, today):
    c = duties_county
    today(date(2025, 1, 2))
    old = _list(c, 2025)
    last_year = _report(c, old, OWN)
    today(date(2026, 1, 5))
    new = services.list_copy(actor=c.supervisor, duty_list=old, year=2026)
    again = _report(c, new, EDITED)
    assert again.copied_from == last_year  # flagged by the report step, counted by the measure
    check = selectors.report_check(viewer=c.supervisor, report=again)
    assert [(p.pk, p.unit_list.duty_list.year) for p, _pct in check.history] == [
        (last_year.pk, 2025)
    ]
    assert check.flagged and not check.copied
    page = client_for(c.supervisor).get(f"/duties/reports/{again.item_id}/")
    assert 'data-testid="history"' in page.content.decode()
    # Another town's report the year before is not the unit's own history.
    fresh = _report(c, new, OTHER, node=c.town2, officer=c.town2_officer)
    assert selectors.report_check(viewer=c.supervisor, report=fresh).history == []


def test_the_commission_sets_the_copy_threshold(duties_county, today):
    c = duties_county
    duty_list = _list(c, 2026)
    first = _report(c, duty_list, OWN)
    second = _report(c, duty_list, EDITED, node=c.town2, officer=c.town2_officer)
    assert second.copied_from == first
    (pair,) = selectors.report_check(viewer=c.supervisor, report=second).copied
    alike = pair[1]
    assert 60 <= alike < 100
    services.list_settings(actor=c.supervisor, duty_list=duty_list, copy_threshold=Decimal("1"))
    second = (
        type(second)
        .objects.select_related("unit_list__duty_list", "duty_item", "item")
        .get(pk=second.pk)
    )
    assert selectors.report_check(viewer=c.supervisor, report=second).copied == []


def test_a_list_is_issued_to_every_unit_of_a_type(duties_county, duty_list):
    c = duties_county
    with pytest.raises(ValidationError) as refused:
        services.list_issue(actor=c.supervisor, duty_list=duty_list, supervising_node=c.commission)
    assert refusal_codes(refused.value) == {"nodes": ["required"]}
    issued = services.list_issue(
        actor=c.supervisor,
        duty_list=duty_list,
        node_types=["town"],
        supervising_node=c.commission,
    )
    towns = set(OrgNode.objects.filter(type="town", is_active=True))
    assert {u.node for u in issued} == towns and len(towns) >= 2
    # Again by type: nothing left to issue to.
    with pytest.raises(ValidationError) as refused:
        services.list_issue(
            actor=c.supervisor,
            duty_list=duty_list,
            node_types=["town"],
            supervising_node=c.commission,
        )
    assert refusal_codes(refused.value) == {"nodes": ["required"]}
    assert UnitList.objects.filter(duty_list=duty_list).count() == len(towns)


def test_one_plus_x_shared_items_and_items_for_one_unit(duties_county, today):
    c = duties_county
    duty_list = _list(c, 2026)  # the shared item: 100 points for every unit
    area = duty_list.areas.get()
    shared = area.items.get()
    services.item_remove(actor=c.supervisor, item=shared)
    assert Leaf.objects.filter(action="duties.item.remove").count() == 1
    for title, points, unit in (("Shared", 80, None), ("Town 1's own", 20, c.town1),
                                ("Town 2's own", 20, c.town2)):  # fmt: skip
        services.item_add(
            actor=c.supervisor,
            area=area,
            title=title,
            points=Decimal(points),
            due_on=date(2026, 6, 30),
            unit=unit,
        )
    # Unit B gets only the shared 80 points: refused; the towns get 80 + 20 each.
    with pytest.raises(ValidationError) as refused:
        services.list_issue(
            actor=c.supervisor, duty_list=duty_list, nodes=[c.unit_b], supervising_node=c.commission
        )
    assert refusal_codes(refused.value) == {"nodes": ["points_total"]}
    town1, town2 = services.list_issue(
        actor=c.supervisor,
        duty_list=duty_list,
        nodes=[c.town1, c.town2],
        supervising_node=c.commission,
    )
    assert sorted(town1.reports.values_list("duty_item__title", flat=True)) == [
        "Shared",
        "Town 1's own",
    ]
    assert sorted(town2.reports.values_list("duty_item__title", flat=True)) == [
        "Shared",
        "Town 2's own",
    ]
    with pytest.raises(ValidationError) as refused:
        services.item_remove(actor=c.supervisor, item=area.items.get(title="Shared"))
    assert refused.value.code == "issued"
    copy = services.list_copy(actor=c.supervisor, duty_list=duty_list, year=2027)
    assert DutyItem.objects.get(area__duty_list=copy, title="Town 1's own").unit == c.town1


def test_a_full_recheck_finds_planted_pairs_and_not_the_shared_requirement(duties_county, today):
    c = duties_county
    duty_list = _list(c, 2026)
    requirement = DutyItem.objects.get(area__duty_list=duty_list).requirement
    first, second = OWN[:44], OWN[44:]
    texts = {
        c.town1: OWN,
        c.town2: second + first,  # the same paragraphs, reordered
        c.unit_a: EDITED,  # lightly edited
        c.unit_b: requirement + OTHER,  # only the requirement in common: a near miss
    }
    reports = {}
    for node in texts:
        (unit_list,) = services.list_issue(
            actor=c.supervisor, duty_list=duty_list, nodes=[node], supervising_node=c.commission
        )
        reports[node] = unit_list.reports.get()
    # Entered straight into the loop's record, as a migration of last year's sheets would.
    from oversight.loop.models import Event

    for node, report in reports.items():
        Event.objects.create(
            item=report.item, type="transition", transition="submit", comment=texts[node]
        )
        DutyReport.objects.filter(pk=report.pk).update(reported_on=date(2026, 3, 2))
    found = selectors.recheck_year(duty_list)
    assert found[reports[c.unit_b].pk] is None
    assert found[reports[c.town1].pk] in {reports[c.town2].pk, reports[c.unit_a].pk}
    assert found[reports[c.town2].pk] == reports[c.town1].pk
    assert found[reports[c.unit_a].pk] == reports[c.town1].pk
    assert services.reports_recheck(actor=c.supervisor, duty_list=duty_list) == 3
    assert DutyReport.objects.filter(copied_from__isnull=False).count() == 3
    assert services.reports_recheck(actor=c.supervisor, duty_list=duty_list) == 0
