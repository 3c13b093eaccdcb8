"""Democratic evaluation (民主测评): a survey per unit of a round, answered by its staff with
one-time tokens handed out on paper (or as QR codes). One vote per token; no vote can be traced
to a person, by construction: a token is stored only as its digest and knows only that it was
used (not when), a response holds its survey and its answers only. Tallies feed the survey
indicators of the round's system."""

from __future__ import annotations

import hashlib
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.lib.crypto import normalize_token, random_token
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode

from .models import EvaluationRound, Indicator, Survey, SurveyResponse, SurveyToken

RUN = "ecology:round:run"
MAX_TOKENS = 2000

# The answers a voter chooses from, as points out of 100.
ANSWERS = [
    (100, gettext_lazy("Good")),
    (80, gettext_lazy("Fairly good")),
    (60, gettext_lazy("Average")),
    (30, gettext_lazy("Poor")),
]


def digest(token: str) -> str:
    """A token's digest (the token has 80 random bits: no key is needed to hide it)."""
    return hashlib.sha256(normalize_token(token).encode()).hexdigest()


def aspects(round_: EvaluationRound) -> list[str]:
    """The survey aspects the round's system asks about, in the system's order."""
    seen = []
    for aspect in (
        round_.system.indicators.filter(source=Indicator.Source.SURVEY)
        .order_by("order", "id")
        .values_list("survey_aspect", flat=True)
    ):
        if aspect not in seen:
            seen.append(aspect)
    return seen


@transaction.atomic
def survey_open(
    *, actor: Account, round_: EvaluationRound, node: OrgNode, tokens: int
) -> tuple[Survey, list[str]]:
    """Open (or add tokens to) the survey of ``node`` in an open round; return the new tokens,
    shown once to be printed and handed out."""
    if not has_perm(actor, RUN):
        raise PermissionDenied(_("Your role does not do this."))
    errors = {}
    if round_.state != EvaluationRound.State.OPEN:
        errors["node"] = ValidationError(
            _("This round is frozen: its portraits no longer change."), code="frozen"
        )
    elif not round_.units.filter(pk=node.pk).exists():
        errors["node"] = ValidationError(
            _("This unit is not evaluated in this round."), code="not_in_round"
        )
    if not aspects(round_):
        errors["node"] = ValidationError(
            _("The round's system asks no survey aspect."), code="no_aspects"
        )
    if tokens is None or not 1 <= tokens <= MAX_TOKENS:
        errors["tokens"] = ValidationError(
            _("Hand out between 1 and %(max)d tokens at a time.") % {"max": MAX_TOKENS},
            code="out_of_range",
        )
    if errors:
        raise ValidationError(errors)
    survey, _created = Survey.objects.get_or_create(
        round=round_, node=node, defaults={"created_by": actor}
    )
    before = snapshot(survey)
    raw = [random_token() for _ in range(tokens)]
    SurveyToken.objects.bulk_create([SurveyToken(survey=survey, digest=digest(t)) for t in raw])
    survey.tokens_issued += tokens
    survey.save(update_fields=["tokens_issued"])
    ledger.record(
        actor=actor,
        action="ecology.survey.tokens",
        target=survey,
        before=None if _created else before,
        after=snapshot(survey),
        details={"tokens": tokens},
    )
    return survey, raw


def survey_for_token(token: str) -> Survey | None:
    """The survey an unused token opens (None for an unknown or used token)."""
    try:
        key = digest(token)
    except ValueError:
        return None
    row = SurveyToken.objects.filter(digest=key, used=False).select_related("survey").first()
    if row is None or row.survey.round.state != EvaluationRound.State.OPEN:
        return None
    return row.survey


@transaction.atomic
def vote(*, token: str, answers: dict) -> SurveyResponse:
    """Cast the vote of ``token``: an answer for every aspect. The token is spent; the
    response keeps no trace of it."""
    try:
        key = digest(token)
    except ValueError:
        raise ValidationError(_("This token is not valid."), code="unknown_token") from None
    row = SurveyToken.objects.select_for_update().filter(digest=key).first()
    if row is None:
        raise ValidationError(_("This token is not valid."), code="unknown_token")
    if row.used:
        raise ValidationError(_("This token has already been used."), code="used_token")
    survey = row.survey
    if survey.round.state != EvaluationRound.State.OPEN:
        raise ValidationError(_("This evaluation is closed."), code="closed")
    allowed = {value for value, _label in ANSWERS}
    cleaned, errors = {}, {}
    for number, aspect in enumerate(aspects(survey.round)):
        value = answers.get(aspect)
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value not in allowed:
            errors[f"aspect_{number}"] = ValidationError(
                _("Choose an answer for “%(aspect)s”.") % {"aspect": aspect}, code="required"
            )
        cleaned[aspect] = value
    if errors:
        raise ValidationError(errors)
    row.used = True
    row.save(update_fields=["used"])
    response = SurveyResponse.objects.create(survey=survey, answers=cleaned)
    ledger.record(
        actor=None,
        action="ecology.survey.vote",
        target=response,
        before=None,
        after=snapshot(response),
    )
    return response


def tallies(round_: EvaluationRound) -> dict[tuple[int, str], float]:
    """``{(node id, aspect): mean answer}`` of the round's surveys."""
    sums: dict = defaultdict(lambda: [0.0, 0])
    for node_id, answers in SurveyResponse.objects.filter(survey__round=round_).values_list(
        "survey__node_id", "answers"
    ):
        for aspect, value in answers.items():
            if value is not None:
                sums[(node_id, aspect)][0] += value
                sums[(node_id, aspect)][1] += 1
    return {key: total / count for key, (total, count) in sums.items()}


def response_rates(round_: EvaluationRound) -> list[dict]:
    """Each survey's tokens handed out, votes cast and the rate."""
    rows = []
    for survey in round_.surveys.select_related("node"):
        votes = survey.responses.count()
        rate = round(100 * votes / survey.tokens_issued, 1) if survey.tokens_issued else None
        rows.append({"survey": survey, "votes": votes, "rate": rate})
    return rows
