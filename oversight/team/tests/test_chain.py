"""The differential assessment chain: targets set per officer (bad input named, scope held),
completion read as it happens (verified tasks and their points only, work items closed), the
ranking every officer of the body sees, the teams' sums and the Excel export."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from oversight.conftest import client_for, refusal_codes
from oversight.ledger.models import Leaf
from oversight.loop import services as loop
from oversight.team import selectors, services
from oversight.team.models import Target


def _verified(team, publish, account, points):
    claim = services.task_claim(actor=account, task=publish(points=points, tags=[]))
    item = loop.item_transition(item=claim.item, name="report", actor=account, comment="Done")
    loop.item_transition(item=item, name="verify", actor=team.supervisor)
    return claim


@pytest.fixture
def setter(team):
    team.role_supervisor.permissions = [*team.role_supervisor.permissions, "team:target:set"]
    team.role_supervisor.save()
    team.supervisor.__dict__.pop("_perm_codes", None)
    return team.supervisor


def test_it_sets_a_target_and_refuses_bad_values(team, setter):
    target = services.target_set(
        actor=setter, profile=team.profile1, year=2026, metric="tasks", value=4
    )
    assert Leaf.objects.filter(action="team.target.set", target_id=str(target.pk)).exists()
    again = services.target_set(
        actor=setter, profile=team.profile1, year=2026, metric="tasks", value=6
    )
    assert again.pk == target.pk and again.value == 6
    with pytest.raises(ValidationError) as refused:
        services.target_set(actor=setter, profile=team.profile1, year=1900, metric="x", value=0)
    assert refusal_codes(refused.value) == {
        "year": ["out_of_range"],
        "metric": ["invalid"],
        "value": ["out_of_range"],
    }
    assert Target.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.target_set(
            actor=team.officer1, profile=team.profile1, year=2026, metric="tasks", value=1
        )


def test_targets_stay_within_scope(team, elsewhere, setter):
    with pytest.raises(PermissionDenied):
        services.target_set(
            actor=elsewhere.publisher, profile=team.profile1, year=2026, metric="tasks", value=1
        )


def test_completion_counts_verified_tasks_only_and_ranks_by_points(team, setter, publish):
    c = team
    services.target_set(actor=setter, profile=c.profile2, year=2026, metric="tasks", value=4)
    services.target_set(actor=setter, profile=c.profile2, year=2026, metric="points", value=20)
    _verified(c, publish, c.officer2, 10)
    _verified(c, publish, c.officer1, 4)
    pending = services.task_claim(actor=c.officer2, task=publish(points=50, tags=[]))
    loop.item_transition(item=pending.item, name="report", actor=c.officer2, comment="Done")
    rows = selectors.chain(viewer=c.officer3, year=2026)
    assert [(r.rank, r.profile.pk) for r in rows] == [
        (1, c.profile2.pk),
        (2, c.profile1.pk),
        (3, c.profile3.pk),
    ]
    second = rows[0]
    assert second.done == {"tasks": 1, "points": 10, "items": 1}
    assert second.cells == [
        (4, 1, 25), (20, 10, 50), (None, 1, None), (None, 0, None), (None, 0, None)
    ]  # fmt: skip
    assert second.completion == 38  # mean of 25% and 50%
    assert selectors.chain(viewer=c.officer3, year=2025)[0].done == {}
    (commission,) = selectors.chain_teams(rows)
    assert commission.officers == 3 and commission.cells[1] == (20, 14)


def test_officers_of_another_commission_see_nobody_on_the_chain(team, elsewhere, publish):
    _verified(team, publish, team.officer2, 10)
    rows = selectors.chain(viewer=elsewhere.officer, year=2026)
    assert [r.profile.pk for r in rows] == [elsewhere.profile.pk]
    page = client_for(elsewhere.officer).get("/team/chain/?year=2026")
    assert page.status_code == 200 and team.officer2.person.name not in page.content.decode()


def test_the_page_exports_and_names_bad_input(team, setter, publish):
    _verified(team, publish, team.officer2, 10)
    client = client_for(setter)
    assert client.get("/team/chain/?year=abc").status_code == 400
    export = client.get("/team/chain/?year=2026&export=xlsx")
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][:3] == (1, team.officer2.person.name, "Commission")
    bad = client.post(
        "/team/chain/targets/",
        {"profile": team.profile1.pk, "year": "2026", "metric": "tasks", "value": "0"},
    )
    assert bad.status_code == 400 and bad.context["form"].errors["value"]
    done = client.post(
        "/team/chain/targets/",
        {"profile": team.profile1.pk, "year": "2026", "metric": "tasks", "value": "3"},
    )
    assert done.status_code == 302 and Target.objects.get().value == 3
    assert client_for(team.officer1).post("/team/chain/targets/", {}).status_code == 403
