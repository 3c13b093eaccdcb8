"""The read API: lists, live scores and frozen results, each limited to the caller's scope."""

from datetime import date
from decimal import Decimal

from oversight.conftest import client_for
from oversight.duties import assessments, services
from oversight.loop import services as loop


def test_the_api_answers_within_the_callers_scope(duties_county, duty_list, today):
    c = duties_county
    town1, _town2 = services.list_issue(
        actor=c.supervisor,
        duty_list=duty_list,
        nodes=[c.town1, c.town2],
        supervising_node=c.commission,
    )
    plan = town1.reports.get(key="2026")
    loop.item_transition(item=plan.item, name="submit", actor=c.town1_officer, comment="Plan")
    services.report_accept(actor=c.supervisor, report=plan, score=Decimal(30))
    today(date(2026, 3, 20))
    commission = client_for(c.supervisor)
    lists = commission.get("/api/duties/lists/").json()
    assert [row["id"] for row in lists["results"]] == [duty_list.pk]
    scores = commission.get(f"/api/duties/lists/{duty_list.pk}/scores/").json()
    assert {(s["unit_name"], s["percent"], s["rank"]) for s in scores} == {
        ("Town 1", "75.0", 1),
        ("Town 2", "0.0", 2),
    }
    assert commission.get(f"/api/duties/lists/{duty_list.pk}/results/").json() == []
    assessments.assessment_freeze(
        actor=c.supervisor,
        duty_list=duty_list,
        method="thresholds",
        params={"excellent": "90", "good": "70", "fair": "50"},
        appeal_until=date(2026, 3, 31),
    )
    results = commission.get(f"/api/duties/lists/{duty_list.pk}/results/").json()
    assert {(r["unit_name"], r["grade"]) for r in results} == {
        ("Town 1", "good"),
        ("Town 2", "poor"),
    }
    # Town 2 reads its own score and result only; its rank is among all the towns.
    own = client_for(c.town2_officer)
    (score,) = own.get(f"/api/duties/lists/{duty_list.pk}/scores/").json()
    assert (score["unit_name"], score["rank"]) == ("Town 2", 2)
    (result,) = own.get(f"/api/duties/lists/{duty_list.pk}/results/").json()
    assert result["unit_name"] == "Town 2"
    # Outside anyone's scope or beyond any id: 404 as JSON; without the permission: 403.
    outsider = client_for(c.clerk)
    assert outsider.get(f"/api/duties/lists/{duty_list.pk}/scores/").status_code in (403, 404)
    missing = commission.get("/api/duties/lists/99999999999999999999/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert commission.get("/api/duties/lists/?limit=0").status_code == 400
