"""Evaluation rounds: scores computed by hand from measures and ratings, ranks among peers,
frozen results that later changes leave alone, and who sees which portrait."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from oversight.conftest import client_for
from oversight.ecology import rounds, selectors, services
from oversight.ecology.models import Portrait

ON = date(2026, 3, 2)


@pytest.fixture
def round_(system, eco_county):
    c = eco_county
    return rounds.round_create(
        actor=c.supervisor,
        system=system,
        title="2026 portraits",
        units=[c.town1, c.town2, c.unit_a],
    )


@pytest.fixture
def computed(round_, eco_county, open_task):
    c = eco_county
    open_task(title="Repair the road", node=c.town1)  # a matter and its task: 2 items opened
    leaf = round_.system.indicators.get(code="1.2")
    rounds.rating_save(
        actor=c.supervisor,
        round_=round_,
        indicator=leaf,
        node=c.town1,
        score=Decimal(80),
        reason="Studied twice",
    )
    rounds.rating_save(
        actor=c.admin,
        round_=round_,
        indicator=leaf,
        node=c.town1,
        score=Decimal(100),
        reason="Minutes complete",
    )
    rounds.round_compute(actor=c.supervisor, round_=round_, on=ON)
    return round_


def portrait(round_, node):
    return Portrait.objects.get(round=round_, node=node, person=None)


def test_it_scores_by_hand(computed, eco_county):
    c = eco_county
    # Town 1: 40 points less 10 for each of its 2 items opened = 20; the raters' 80 and 100
    # average 90% of 20 = 18; the survey aspect has no answers yet: 0. Total 38.
    town1 = portrait(computed, c.town1)
    assert town1.score == Decimal("38.00")
    assert [(a["code"], a["points"], a["percent"]) for a in town1.aspects] == [
        ("1", 38.0, 63.3),
        ("2", 0.0, 0.0),
    ]
    assert [(x["code"], x["lost"]) for x in town1.lost] == [
        ("2.1", 40.0),
        ("1.1", 20.0),
        ("1.2", 2.0),
    ]
    # Town 2: nothing opened (40), no ratings (0): 40, first of the two towns.
    town2 = portrait(computed, c.town2)
    assert town2.score == Decimal("40.00")
    assert (town2.rank, town2.peers, town1.rank, town1.peers) == (1, 2, 2, 2)
    # Unit A is ranked among units only.
    assert (portrait(computed, c.unit_a).rank, portrait(computed, c.unit_a).peers) == (1, 1)


def test_the_radar_sets_the_portrait_against_its_peers(computed, eco_county):
    data = selectors.radar(portrait=portrait(computed, eco_county.town1))
    assert [a["name"] for a in data["axes"]] == ["Duty", "Style"]
    assert data["own"] == [63.3, 0.0]
    # Town 2's Duty: 40 of 60 = 66.7; the towns' average (63.3 + 66.7) / 2 = 65.
    assert data["peers"] == [65.0, 0.0]
    assert data["last_year"] is None


def test_a_system_changed_this_year_leaves_last_years_portraits_unchanged(
    system, eco_county, open_task
):
    c = eco_county
    last = services.system_copy(actor=c.supervisor, system=system, year=2025)
    old_round = rounds.round_create(actor=c.supervisor, system=last, title="2025", units=[c.town1])
    rounds.round_compute(actor=c.supervisor, round_=old_round, on=ON)
    rounds.round_freeze(actor=c.supervisor, round_=old_round)
    before = portrait(old_round, c.town1)
    with pytest.raises(ValidationError) as exc:
        services.indicator_add(actor=c.supervisor, system=last, title="New", weight=Decimal(1))
    assert exc.value.code == "in_use"
    # This year's system changes; records are added; this year's round is computed.
    services.indicator_delete(actor=c.supervisor, indicator=system.indicators.get(code="2"))
    services.indicator_add(
        actor=c.supervisor,
        system=system,
        title="Conduct",
        weight=Decimal(40),
        source="manual",
        rater_role="Office",
        rule="average",
    )
    open_task(title="A task", node=c.town1)
    new_round = rounds.round_create(
        actor=c.supervisor, system=system, title="2026", units=[c.town1]
    )
    rounds.round_compute(actor=c.supervisor, round_=new_round, on=ON)
    with pytest.raises(ValidationError) as exc:
        rounds.round_compute(actor=c.supervisor, round_=old_round, on=ON)
    assert exc.value.code == "frozen"
    after = portrait(old_round, c.town1)
    assert (after.score, after.aspects, after.lost) == (before.score, before.aspects, before.lost)
    # Last year's portrait shows on this year's radar.
    assert selectors.radar(portrait=portrait(new_round, c.town1))["last_year"] == [
        before.aspects[0]["percent"],
        None,
    ]


def test_bad_rounds_and_ratings_are_refused_by_field(system, eco_county):
    c = eco_county
    with pytest.raises(ValidationError) as exc:
        rounds.round_create(actor=c.supervisor, system=system, title=" ", units=[])
    assert {f: [e.code for e in es] for f, es in exc.value.error_dict.items()} == {
        "title": ["required"],
        "units": ["required"],
    }
    services.indicator_add(actor=c.supervisor, system=system, title="Extra", weight=Decimal(1))
    with pytest.raises(ValidationError) as exc:
        rounds.round_create(actor=c.supervisor, system=system, title="x", units=[c.town1])
    assert [e.code for e in exc.value.error_dict["system"]] == ["weights"]


def test_a_rating_needs_a_manual_indicator_a_unit_of_the_round_a_score_and_a_reason(
    round_, eco_county
):
    c = eco_county
    measured = round_.system.indicators.get(code="1.1")
    with pytest.raises(ValidationError) as exc:
        rounds.rating_save(
            actor=c.supervisor,
            round_=round_,
            indicator=measured,
            node=c.unit_b,
            score=Decimal(101),
            reason="",
        )
    assert {f: [e.code for e in es] for f, es in exc.value.error_dict.items()} == {
        "indicator": ["not_manual"],
        "node": ["not_in_round"],
        "score": ["out_of_range"],
        "reason": ["required"],
    }


def test_a_frozen_round_is_published_and_then_a_unit_sees_its_own_portrait_only(
    computed, eco_county
):
    c = eco_county
    unit_a = portrait(computed, c.unit_a)
    town1 = portrait(computed, c.town1)
    # Before publishing: the units see nothing.
    for viewer in (c.clerk, c.town1_officer, c.town2_officer):
        assert list(selectors.portrait_list(viewer=viewer)) == []
        assert list(selectors.round_list(viewer=viewer)) == []
    with pytest.raises(Http404):
        selectors.portrait_get(viewer=c.clerk, pk=unit_a.pk)
    with pytest.raises(ValidationError) as exc:
        rounds.round_publish(actor=c.supervisor, round_=computed, published=True)
    assert exc.value.code == "not_frozen"
    rounds.round_freeze(actor=c.supervisor, round_=computed)
    rounds.round_publish(actor=c.supervisor, round_=computed, published=True)
    assert list(selectors.portrait_list(viewer=c.clerk)) == [unit_a]
    assert list(selectors.portrait_list(viewer=c.town1_officer)) == [town1]
    with pytest.raises(Http404):
        selectors.portrait_get(viewer=c.town2_officer, pk=town1.pk)
    with pytest.raises(Http404):
        selectors.round_get(viewer=c.town1_officer, pk=computed.pk)
    assert (
        client_for(c.town2_officer)
        .get(reverse("ecology:portrait_detail", args=[town1.pk]))
        .status_code
        == 404
    )
    page = client_for(c.town1_officer).get(reverse("ecology:portrait_detail", args=[town1.pk]))
    assert page.status_code == 200
    # The unit sees its figures, not the round's other units nor the click-through.
    assert "Town 2" not in page.content.decode()
    rounds.round_publish(actor=c.supervisor, round_=computed, published=False)
    assert list(selectors.portrait_list(viewer=c.clerk)) == []


def test_the_pages_compute_and_show_a_portrait(round_, eco_county):
    c = eco_county
    client = client_for(c.supervisor)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("ecology:rating_save", args=[round_.pk]),
        {
            "indicator": round_.system.indicators.get(code="1.2").pk,
            "node": c.town1.pk,
            "score": "150",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ensure this value is less than or equal to 100." in body
    assert "This field is required." in body  # the reason
    response = client.post(reverse("ecology:round_compute", args=[round_.pk]))
    assert response.status_code == 302
    town1 = portrait(round_, c.town1)
    page = client.get(reverse("ecology:portrait_detail", args=[town1.pk])).content.decode()
    assert 'id="radar-data"' in page
    assert 'data-testid="lost-1.2"' in page
    assert reverse("measures:records", args=["loop.opened"]) not in page  # nothing lost there
    assert client.post(reverse("ecology:round_freeze", args=[round_.pk])).status_code == 302
    round_.refresh_from_db()
    assert round_.state == "frozen"


def test_every_step_leaves_traced_leaves(computed, eco_county):
    from oversight.ledger.models import Leaf

    actions = list(
        Leaf.objects.filter(action__startswith="ecology.").values_list("action", flat=True)
    )
    assert actions.count("ecology.round.create") == 1
    assert actions.count("ecology.rating.save") == 2
    assert actions.count("ecology.portrait.compute") == 3
    assert actions.count("ecology.round.compute") == 1
    # Computing again with nothing changed leaves no portrait leaf.
    rounds.round_compute(actor=eco_county.supervisor, round_=computed, on=ON)
    assert Leaf.objects.filter(action="ecology.portrait.compute").count() == 3


def test_a_raters_sheet_is_saved_whole_or_not_at_all(round_, eco_county):
    c = eco_county
    leaf = round_.system.indicators.get(code="1.2")
    measured = round_.system.indicators.get(code="1.1")
    good = (leaf, c.town1, None, Decimal(70), "Complete")
    with pytest.raises(ValidationError) as exc:
        rounds.ratings_save_many(
            actor=c.supervisor,
            round_=round_,
            rows=[good, (measured, c.unit_b, None, Decimal(-1), " ")],
        )
    assert exc.value.messages == [
        "Row 2: the indicator is not rated by hand in this round.",
        "Row 2: the unit is not evaluated in this round.",
        "Row 2: a rating lies between 0 and 100.",
        "Row 2: give the reason.",
    ]
    assert not round_.ratings.exists()
    rounds.ratings_save_many(actor=c.supervisor, round_=round_, rows=[good])
    rounds.ratings_save_many(
        actor=c.supervisor, round_=round_, rows=[(leaf, c.town1, None, Decimal(90), "Better")]
    )
    assert list(round_.ratings.values_list("score", "reason")) == [(Decimal(90), "Better")]
