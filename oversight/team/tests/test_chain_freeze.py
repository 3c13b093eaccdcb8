"""The year-end result of the assessment chain: a year frozen copies every officer's targets,
what was done and the rank as they stood; nothing done afterwards changes it, its targets can no
longer be set, it is frozen once, only by those allowed, and seen only within scope."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from oversight.conftest import client_for, refusal_codes
from oversight.ledger.models import Leaf
from oversight.team import selectors, services
from oversight.team.models import ChainResult

from .test_chain import _verified


@pytest.fixture
def freezer(team):
    extra = ["team:target:set", "team:chain:freeze"]
    team.role_supervisor.permissions = [*team.role_supervisor.permissions, *extra]
    team.role_supervisor.save()
    team.supervisor.__dict__.pop("_perm_codes", None)
    return team.supervisor


def test_a_frozen_year_keeps_its_figures_whatever_happens_afterwards(team, freezer, publish):
    c = team
    services.target_set(actor=freezer, profile=c.profile1, year=2026, metric="points", value=20)
    _verified(c, publish, c.officer1, 10)
    _verified(c, publish, c.officer2, 4)

    freeze = services.chain_freeze(actor=freezer, year=2026)

    leaf = Leaf.objects.get(action="team.chain.freeze", target_id=str(freeze.pk))
    assert leaf.actor_id == freezer.pk
    assert ChainResult.objects.filter(freeze=freeze).count() == 3
    _verified(c, publish, c.officer2, 50)  # after the freeze: the result does not move
    rows = selectors.chain(viewer=c.officer3, year=2026)
    assert [(r.rank, r.profile.pk) for r in rows] == [
        (1, c.profile1.pk),
        (2, c.profile2.pk),
        (3, c.profile3.pk),
    ]
    assert rows[0].done == {"tasks": 1, "points": 10, "items": 1}
    assert rows[0].cells[1] == (20, 10, 50)
    assert all(r.freeze == freeze for r in rows)
    live = selectors.chain_live(viewer=c.officer3, year=2026)
    assert live[0].profile.pk == c.profile2.pk  # as it stands now, 54 points
    with pytest.raises(ValidationError) as refused:
        services.target_set(actor=freezer, profile=c.profile1, year=2026, metric="tasks", value=2)
    assert refusal_codes(refused.value) == {"year": ["frozen"]}
    with pytest.raises(ValidationError) as again:
        services.chain_freeze(actor=freezer, year=2026)
    assert refusal_codes(again.value) == {"year": ["frozen"]}
    # the frozen year's export is the frozen copy
    export = client_for(freezer).get("/team/chain/?year=2026&export=xlsx")
    sheet = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert sheet[1][:2] == (1, c.officer1.person.name)


def test_only_those_allowed_freeze_and_only_past_or_current_years(team, freezer):
    with pytest.raises(PermissionDenied):
        services.chain_freeze(actor=team.officer1, year=2026)
    with pytest.raises(ValidationError) as future:
        services.chain_freeze(actor=freezer, year=2027)
    assert refusal_codes(future.value) == {"year": ["out_of_range"]}
    assert not ChainResult.objects.exists()
    assert client_for(team.officer1).post("/team/chain/freeze/", {"year": 2026}).status_code == 403
    assert client_for(freezer).post("/team/chain/freeze/", {"year": "x"}).status_code == 400
    assert not ChainResult.objects.exists()


def test_the_page_freezes_and_shows_the_frozen_result_in_scope(team, freezer, elsewhere, publish):
    _verified(team, publish, team.officer1, 10)
    client = client_for(freezer)
    before = client.get("/team/chain/?year=2026").content.decode()
    assert 'data-testid="freeze-chain"' in before and 'data-testid="frozen"' not in before
    answer = client.post("/team/chain/freeze/", {"year": 2026})
    assert answer.status_code == 302
    after = client.get("/team/chain/?year=2026").content.decode()
    assert 'data-testid="frozen"' in after and 'data-testid="freeze-chain"' not in after
    assert 'data-testid="set-target"' not in after
    # another commission's officers see nothing of it, and their own year is not frozen
    assert selectors.chain_frozen(viewer=elsewhere.officer, year=2026) is None
    theirs = client_for(elsewhere.officer).get("/team/chain/?year=2026").content.decode()
    assert team.officer1.person.name not in theirs and 'data-testid="frozen"' not in theirs
