"""Typed scoring rules on a hand-computed example: every rule, an item computed from the public
channel's window ratings (M16), the average of two raters with its spread, a veto; and the
rules' bad input answered with codes."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from oversight.conftest import PASSWORD, client_for, refusal_codes
from oversight.duties import rules, selectors, services
from oversight.duties.models import DutyRating, DutyReport
from oversight.ledger.models import Leaf
from oversight.loop import services as loop
from oversight.orgs import services as org_services
from oversight.public.models import Rating

D = Decimal


def test_each_rule_computes_its_points_by_hand():
    assert rules.points_for("all_or_nothing", {}, D(20), D(1)) == D(20)
    assert rules.points_for("all_or_nothing", {}, D(20), D(0)) == D(0)
    per = {"per": "3", "cap": "15"}
    assert rules.points_for("per_occurrence", per, D(15), D(4)) == D(12)
    assert rules.points_for("per_occurrence", per, D(15), D(6)) == D(15)  # capped
    assert rules.points_for("deduction", {"per": "4"}, D(20), D(2)) == D(12)
    assert rules.points_for("deduction", {"per": "4"}, D(20), D(6)) == D(0)  # never below 0
    slope = {"threshold": "60", "slope": "0.25", "base": "5"}
    assert rules.points_for("threshold", slope, D(10), D(59.9)) == D(0)
    assert rules.points_for("threshold", slope, D(10), D(70)) == D("7.5")
    assert rules.points_for("threshold", slope, D(10), D(80)) == D(10)  # up to the points
    assert rules.ranks({"a": D(9), "b": D(3), "c": D(9), "d": D(1)}) == {
        "a": 1,
        "c": 1,
        "b": 3,
        "d": 4,
    }
    assert rules.ranks({"a": D(2), "b": D(1)}, lower_is_better=True) == {"b": 1, "a": 2}
    assert [rules.rank_points({}, D(10), r, 5) for r in (1, 2, 5)] == [D(10), D("7.5"), D(0)]
    table = {"table": ["10", "6"]}
    assert [rules.rank_points(table, D(10), r, 4) for r in (1, 2, 3)] == [D(10), D(6), D(6)]
    assert rules.average([D(12), D(14)]) == (D(13), D(2))


def test_rule_parameters_are_checked_with_codes(duties_county, duty_list):
    c = duties_county
    area = duty_list.areas.first()
    common = {"actor": c.supervisor, "area": area, "title": "x", "due_on": date(2026, 6, 30)}
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.item_add(**common, points=D(10), rule="per_occurrence", params={"cap": "11"})
    assert refusal_codes(refused.value) == {"params": ["invalid", "invalid"]}
    assert "per is required" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError) as refused:
        services.item_add(**common, points=D(10), rule="veto")
    assert refusal_codes(refused.value) == {"points": ["veto_points"]}
    with pytest.raises(ValidationError) as refused:
        services.item_add(**common, points=D(10), rule="threshold", params={"threshold": "x"})
    assert refusal_codes(refused.value) == {"params": ["invalid", "invalid"]}
    with pytest.raises(ValidationError) as refused:
        services.item_add(**common, points=D(10), rule="rank", params={"table": "6, 10"})
    assert refusal_codes(refused.value) == {"params": ["invalid"]}
    with pytest.raises(ValidationError) as refused:
        services.item_add(**common, points=D(10), measure="public.no_such")
    assert refusal_codes(refused.value) == {"measure": ["unknown_measure"]}
    with pytest.raises(ValidationError) as refused:
        services.item_add(**common, points=D(10), measure="public.window_rating", rule="points")
    assert refusal_codes(refused.value) == {"rule": ["not_measurable"]}


@pytest.fixture
def every_rule(duties_county):
    """A list with one item of each rule (100 points) issued to the two towns."""
    c = duties_county
    duty_list = services.list_create(
        actor=c.supervisor, kind="supervisory", title="Rules", year=2026, owner_node=c.commission
    )
    area = services.area_add(actor=c.supervisor, duty_list=duty_list, title="All")
    due = date(2026, 3, 10)
    spec = [
        ("A", 20, "all_or_nothing", {}, ""),
        ("B", 15, "per_occurrence", {"per": "3", "cap": "15"}, ""),
        ("C", 20, "deduction", {"per": "4"}, ""),
        ("D", 10, "threshold", {"threshold": "60", "slope": "0.25", "base": "5"}, ""),
        ("E", 10, "rank", {"table": "10, 6"}, ""),
        ("F", 15, "average", {"raters": "2"}, ""),
        ("G", 10, "threshold", {"threshold": "3", "slope": "5"}, "public.window_rating"),
        ("H", 0, "veto", {}, ""),
    ]
    for title, points, rule, params, measure in spec:
        services.item_add(
            actor=c.supervisor,
            area=area,
            title=title,
            points=D(points),
            rule=rule,
            params=params,
            measure=measure,
            due_on=due,
        )
    town1, town2 = services.list_issue(
        actor=c.supervisor,
        duty_list=duty_list,
        nodes=[c.town1, c.town2],
        supervising_node=c.commission,
    )
    c.rater2 = org_services.account_save(
        account=None,
        username="rater2",
        display_name="rater2",
        org_node=c.commission,
        person=None,
        roles=[c.role_supervisor],
        password=PASSWORD,
    )
    return duty_list, town1, town2


def _report(unit_list, title) -> DutyReport:
    return unit_list.reports.select_related("item", "duty_item").get(duty_item__title=title)


def _submit(c, officer, unit_list, title):
    report = _report(unit_list, title)
    loop.item_transition(item=report.item, name="submit", actor=officer, comment="Done")
    return report


def test_scores_on_a_hand_computed_example_of_every_rule(duties_county, every_rule, today):
    c = duties_county
    duty_list, town1, town2 = every_rule
    assert not town1.reports.filter(duty_item__title="G").exists()  # computed: no report
    given = {  # title: (town 1's value, town 2's value)
        "A": (1, 0),
        "B": (4, 6),
        "C": (2, 6),
        "D": (80, 50),
        "E": (9, 3),
        "H": (0, 1),
    }
    for title, values in given.items():
        for unit_list, officer, value in zip(
            (town1, town2), (c.town1_officer, c.town2_officer), values, strict=True
        ):
            report = _submit(c, officer, unit_list, title)
            services.report_accept(actor=c.supervisor, report=report, value=D(value))
    for unit_list, officer, points in ((town1, c.town1_officer, (12, 14)),
                                       (town2, c.town2_officer, (9, 10))):  # fmt: skip
        report = _submit(c, officer, unit_list, "F")
        services.report_rate(actor=c.supervisor, report=report, score=D(points[0]))
        with pytest.raises(ValidationError) as refused:
            services.report_accept(actor=c.supervisor, report=report)
        assert refused.value.code == "too_few_ratings"
        services.report_rate(actor=c.rater2, report=report, score=D(points[1]))
        services.report_accept(actor=c.supervisor, report=report)
    for node, scores in ((c.town1, (4, 5)), (c.town2, (2, 3))):
        for score in scores:
            Rating.objects.create(node=node, score=score, created_on=date(2026, 3, 5))
    Rating.objects.create(node=c.town2, score=5, created_on=date(2025, 12, 31))  # last year
    today(date(2026, 3, 20))
    rows = {s.node.name: s for s in selectors.scores(viewer=c.supervisor, duty_list=duty_list)}
    items = {i.title: i.pk for i in duty_list.areas.first().items.all()}
    one, two = rows["Town 1"], rows["Town 2"]
    # Town 1: A 20, B 4x3 = 12, C 20-2x4 = 12, D 5+(80-60)x0.25 = 10, E first: 10,
    # F (12+14)/2 = 13, G ratings 4.5: (4.5-3)x5 = 7.5; 84.5 of 100.
    assert {t: one.items[pk] for t, pk in items.items() if pk in one.items} == {
        "A": D(20),
        "B": D(12),
        "C": D(12),
        "D": D(10),
        "E": D(10),
        "F": D(13),
        "G": D("7.5"),
    }
    assert (one.earned, one.possible, one.percent, one.rank) == (D("84.5"), 100, D("84.5"), 1)
    # Town 2: A 0, B capped 15, C 0, D below the threshold 0, E second: 6, F 9.5,
    # G ratings 2.5 (last year's 5 not counted): 0; 30.5, but vetoed: 0.
    assert two.items[items["B"]] == D(15) and two.items[items["F"]] == D("9.5")
    assert two.items[items["G"]] == 0 and sum(two.items.values()) == D("30.5")
    assert two.vetoed and two.earned == 0 and two.rank == 2
    # A town sees its own score and its rank among all the towns, never the other's.
    (own,) = selectors.scores(viewer=c.town2_officer, duty_list=duty_list)
    assert own.node == c.town2 and own.rank == 2 and own.vetoed
    report = _report(town1, "F")
    assert selectors.ratings_of(report=report) == (D(13), D(2), [D(12), D(14)])
    assert Leaf.objects.filter(action="duties.report.rate").count() == 4
    page = client_for(c.supervisor).get(f"/duties/reports/{report.item_id}/")
    assert page.status_code == 200 and "13" in page.content.decode()


def test_values_and_ratings_are_checked_with_codes(duties_county, every_rule):
    c = duties_county
    _duty_list, town1, _town2 = every_rule
    report = _submit(c, c.town1_officer, town1, "A")
    with pytest.raises(ValidationError) as refused:
        services.report_accept(actor=c.supervisor, report=report, value=D(2))
    assert refusal_codes(refused.value) == {"value": ["not_yes_or_no"]}
    with pytest.raises(ValidationError) as refused:
        services.report_accept(actor=c.supervisor, report=report)
    assert refusal_codes(refused.value) == {"value": ["required"]}
    count = _submit(c, c.town1_officer, town1, "B")
    with pytest.raises(ValidationError) as refused:
        services.report_accept(actor=c.supervisor, report=count, value=D("1.5"))
    assert refusal_codes(refused.value) == {"value": ["not_whole"]}
    with pytest.raises(ValidationError) as refused:
        services.report_rate(actor=c.supervisor, report=count, score=D(5))
    assert refused.value.code == "not_average"
    panel = _submit(c, c.town1_officer, town1, "F")
    with pytest.raises(ValidationError) as refused:
        services.report_rate(actor=c.supervisor, report=panel, score=D(16))
    assert refusal_codes(refused.value) == {"score": ["out_of_range"]}
    assert not DutyRating.objects.exists()
    client = client_for(c.supervisor)
    client.cookies["django_language"] = "en"
    bad = client.post(f"/duties/reports/{report.item_id}/score/", {"value": "3"})
    assert bad.status_code == 400 and "1 (yes) or 0 (no)" in bad.content.decode()
    good = client.post(f"/duties/reports/{report.item_id}/score/", {"value": "1"})
    assert good.status_code == 302
    report.refresh_from_db()
    assert report.score == D(20) and report.value == D(1)
    rated = client.post(f"/duties/reports/{panel.item_id}/rate/", {"score": "11"})
    assert rated.status_code == 302 and DutyRating.objects.get().score == D(11)
