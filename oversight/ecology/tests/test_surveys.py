"""Democratic evaluation: one vote per token, no vote traceable to a person, tallies feeding
the survey indicators, the voter's pages and the response rate."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from oversight.conftest import client_for
from oversight.ecology import rounds, surveys
from oversight.ecology.models import Portrait, SurveyResponse, SurveyToken


@pytest.fixture
def round_(system, eco_county):
    c = eco_county
    return rounds.round_create(
        actor=c.supervisor, system=system, title="2026", units=[c.town1, c.town2]
    )


def test_one_vote_per_token_and_tallies_feed_the_survey_indicator(round_, eco_county):
    c = eco_county
    _survey, tokens = surveys.survey_open(actor=c.supervisor, round_=round_, node=c.town1, tokens=3)
    assert len(set(tokens)) == 3
    surveys.vote(token=tokens[0], answers={"Integrity": 100})
    surveys.vote(token=tokens[1].lower().replace("-", " "), answers={"Integrity": 60})
    with pytest.raises(ValidationError) as exc:
        surveys.vote(token=tokens[0], answers={"Integrity": 30})
    assert exc.value.code == "used_token"
    with pytest.raises(ValidationError) as exc:
        surveys.vote(token="0000-0000-0000-0000", answers={"Integrity": 30})
    assert exc.value.code == "unknown_token"
    with pytest.raises(ValidationError) as exc:
        surveys.vote(token=tokens[2], answers={"Integrity": 55})
    assert list(exc.value.error_dict) == ["aspect_0"]
    assert SurveyResponse.objects.count() == 2
    assert surveys.tallies(round_) == {(c.town1.pk, "Integrity"): 80.0}
    rounds.round_compute(actor=c.supervisor, round_=round_, on=date(2026, 3, 2))
    town1 = Portrait.objects.get(round=round_, node=c.town1)
    # Work opened 0: 40; no ratings: 0; the staff's 80% of 40 = 32. Total 72.
    assert town1.score == 72
    assert [r["rate"] for r in surveys.response_rates(round_)] == [66.7]


def test_no_vote_can_be_traced_to_a_token_or_a_person(round_, eco_county):
    c = eco_county
    _survey, tokens = surveys.survey_open(actor=c.supervisor, round_=round_, node=c.town1, tokens=2)
    surveys.vote(token=tokens[1], answers={"Integrity": 30})
    # By construction: a response has its survey and answers, nothing else; a token its digest
    # and whether it was used — no time, no link, no raw token anywhere.
    assert {f.name for f in SurveyResponse._meta.concrete_fields} == {"id", "survey", "answers"}
    assert {f.name for f in SurveyToken._meta.concrete_fields} == {"id", "survey", "digest", "used"}
    stored = list(SurveyToken.objects.values_list("digest", flat=True))
    assert all(t not in stored for t in tokens)
    from oversight.ledger.models import Leaf

    leaf = Leaf.objects.get(action="ecology.survey.vote")
    assert leaf.actor_id is None


def test_the_voters_page_counts_one_vote_and_never_sees_who_is_signed_in(round_, eco_county):
    c = eco_county
    _survey, tokens = surveys.survey_open(actor=c.supervisor, round_=round_, node=c.town2, tokens=1)
    voter = client_for(c.town2_officer)  # a member of staff signed in votes as anyone
    voter.cookies["django_language"] = "en"
    url = reverse("ecology:vote")
    page = voter.get(url, {"t": tokens[0]})
    assert page.status_code == 200 and "Integrity" in page.content.decode()
    response = voter.post(url, {"token": tokens[0]})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert voter.post(url, {"token": tokens[0], "aspect_0": "80"}).status_code == 200
    assert Client().post(url, {"token": tokens[0], "aspect_0": "80"}).status_code == 400
    assert Client().get(url, {"t": tokens[0]}).status_code == 404
    assert SurveyResponse.objects.count() == 1


def test_tokens_are_handed_out_by_the_round_runner_for_units_of_the_round(round_, eco_county):
    c = eco_county
    with pytest.raises(ValidationError) as exc:
        surveys.survey_open(actor=c.supervisor, round_=round_, node=c.unit_b, tokens=0)
    assert {f: [e.code for e in es] for f, es in exc.value.error_dict.items()} == {
        "node": ["not_in_round"],
        "tokens": ["out_of_range"],
    }
    client = client_for(c.supervisor)
    response = client.post(
        reverse("ecology:survey_open", args=[round_.pk]), {"node": c.town1.pk, "tokens": 2}
    )
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="token"') == 2
    assert "<svg" in response.content.decode()
    assert (
        client_for(c.town1_officer)
        .post(reverse("ecology:survey_open", args=[round_.pk]), {"node": c.town1.pk, "tokens": 2})
        .status_code
        == 403
    )
