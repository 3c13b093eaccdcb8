"""Writes of evaluation rounds: opening a round, manual ratings, computing the portraits (the
score engine over the measures, the ratings and the survey), freezing and publishing. Every
write is one transaction with its ledger leaves (rounds, ratings and portraits are traced)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.core import measure_registry
from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.measures import selectors as measure_selectors
from oversight.measures.registry import SYSTEM, Period
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode, Person, Position

from . import scoring, selectors
from .models import EvaluationRound, Indicator, IndicatorSystem, Portrait, Rating
from .surveys import tallies

RUN = "ecology:round:run"
RATE = "ecology:rating:enter"
CENT = Decimal("0.01")


def _require(actor, code: str) -> None:
    if not has_perm(actor, code):
        raise PermissionDenied(_("Your role does not do this."))


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _open(round_: EvaluationRound) -> None:
    if round_.state != EvaluationRound.State.OPEN:
        raise ValidationError(
            _("This round is frozen: its portraits no longer change."), code="frozen"
        )


def subject_key(node: OrgNode, person: Person | None) -> str:
    return f"p{person.pk}" if person is not None else f"n{node.pk}"


@transaction.atomic
def round_create(
    *,
    actor: Account,
    system: IndicatorSystem,
    title: str,
    units: Sequence[OrgNode],
    warning_below: Decimal = Decimal(60),
) -> EvaluationRound:
    """Open a round of ``system`` for ``units`` (their leaders, for a leaders' system). The
    system's weights must add up; from now on the system no longer changes."""
    _require(actor, RUN)
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = ValidationError(_("A title is required."), code="required")
    elif EvaluationRound.objects.filter(system=system, title=title).exists():
        errors["title"] = ValidationError(
            _("This system already has a round with that title."), code="exists"
        )
    if system.subject == IndicatorSystem.Subject.SURVEY:
        errors["system"] = ValidationError(
            _("A democratic-evaluation system is answered by staff, not scored in a round."),
            code="survey_system",
        )
    else:
        problems = selectors.weight_problems(system=system)
        if problems:
            errors["system"] = ValidationError(
                _("The system cannot score yet: %(problem)s") % {"problem": problems[0]},
                code="weights",
            )
    if not units:
        errors["units"] = ValidationError(_("Choose the units to evaluate."), code="required")
    if warning_below is None or not 0 <= warning_below <= 100:
        errors["warning_below"] = ValidationError(
            _("The warning line lies between 0 and 100 points."), code="out_of_range"
        )
    if errors:
        raise ValidationError(errors)
    round_ = EvaluationRound.objects.create(
        system=system, title=title, warning_below=warning_below, created_by=actor
    )
    round_.units.set(units)
    ledger.record(
        actor=actor,
        action="ecology.round.create",
        target=round_,
        before=None,
        after=round_state(round_),
    )
    return round_


def round_state(round_: EvaluationRound) -> dict:
    state = snapshot(round_)
    state["units"] = sorted(round_.units.values_list("pk", flat=True))
    return state


def leaders_of(units: Sequence[OrgNode], on: datetime.date) -> list[tuple[OrgNode, Person]]:
    """The people holding a leading post at each unit on ``on``."""
    by_pk = {u.pk: u for u in units}
    positions = (
        Position.objects.filter(org_node__in=list(units), is_leader=True, start_date__lte=on)
        .exclude(end_date__lt=on)
        .select_related("person")
        .order_by("org_node_id", "person__name", "person_id")
    )
    seen, result = set(), []
    for p in positions:
        key = (p.org_node_id, p.person_id)
        if key not in seen:
            seen.add(key)
            result.append((by_pk[p.org_node_id], p.person))
    return result


@transaction.atomic
def rating_save(
    *,
    actor: Account,
    round_: EvaluationRound,
    indicator: Indicator,
    node: OrgNode,
    score: Decimal,
    reason: str,
    person: Person | None = None,
) -> Rating:
    """Rate a manual indicator (0–100) for one unit (or leader) of an open round, with the
    reason; a rater's second rating of the same thing replaces the first."""
    _require(actor, RATE)
    _open(round_)
    errors = {}
    if indicator.system_id != round_.system_id or indicator.source != Indicator.Source.MANUAL:
        errors["indicator"] = ValidationError(
            _("Choose an indicator of this round's system rated by hand."), code="not_manual"
        )
    if not round_.units.filter(pk=node.pk).exists():
        errors["node"] = ValidationError(
            _("This unit is not evaluated in this round."), code="not_in_round"
        )
    if score is None or not 0 <= score <= 100:
        errors["score"] = ValidationError(
            _("A rating lies between 0 and 100."), code="out_of_range"
        )
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ValidationError(_("Give the reason for the rating."), code="required")
    if errors:
        raise ValidationError(errors)
    key = subject_key(node, person)
    existing = Rating.objects.filter(
        round=round_, indicator=indicator, subject=key, rater=actor
    ).first()
    before = snapshot(existing) if existing else None
    rating, _created = Rating.objects.update_or_create(
        round=round_,
        indicator=indicator,
        subject=key,
        rater=actor,
        defaults={
            "node": node,
            "person": person,
            "score": score,
            "reason": reason,
            "rated_at": timezone.now(),
        },
    )
    ledger.record(
        actor=actor,
        action="ecology.rating.save",
        target=rating,
        before=before,
        after=snapshot(rating),
    )
    return rating


@transaction.atomic
def ratings_save_many(
    *, actor: Account, round_: EvaluationRound, rows: Sequence[tuple]
) -> list[Rating]:
    """A rater's sheet of ratings at once: ``rows`` of (indicator, node, person or None, score,
    reason). Every row is checked first and refusals name the row; nothing is written unless
    all are good. A rater's earlier rating of the same thing is replaced."""
    _require(actor, RATE)
    _open(round_)
    manual = {i.pk: i for i in round_.system.indicators.filter(source=Indicator.Source.MANUAL)}
    units = set(round_.units.values_list("pk", flat=True))
    problems = []
    for number, (indicator, node, _person, score, reason) in enumerate(rows, start=1):
        if indicator.pk not in manual:
            problems.append(
                _("Row %(row)d: the indicator is not rated by hand in this round.")
                % {"row": number}
            )
        if node.pk not in units:
            problems.append(
                _("Row %(row)d: the unit is not evaluated in this round.") % {"row": number}
            )
        if score is None or not 0 <= score <= 100:
            problems.append(_("Row %(row)d: a rating lies between 0 and 100.") % {"row": number})
        if not (reason or "").strip():
            problems.append(_("Row %(row)d: give the reason.") % {"row": number})
    if problems:
        raise ValidationError(problems, code="bad_rows")
    existing = {
        (r.indicator_id, r.subject): r
        for r in Rating.objects.filter(round=round_, rater=actor, indicator__in=list(manual))
    }
    now = timezone.now()
    before, fresh, changed = {}, [], []
    for indicator, node, person, score, reason in rows:
        key = (indicator.pk, subject_key(node, person))
        rating = existing.get(key)
        if rating is None:
            rating = Rating(
                round=round_,
                indicator=indicator,
                node=node,
                person=person,
                subject=key[1],
                rater=actor,
            )
            fresh.append(rating)
        else:
            before.setdefault(rating.pk, snapshot(rating))
            changed.append(rating)
        rating.score, rating.reason, rating.rated_at = score, reason.strip(), now
        existing[key] = rating
    Rating.objects.bulk_create(fresh)
    Rating.objects.bulk_update(changed, ["score", "reason", "rated_at"])
    saved = list(Rating.objects.filter(round=round_, rater=actor, rated_at=now).order_by("pk"))
    ledger.record_many(
        [
            ledger.Event(
                actor=actor,
                action="ecology.rating.save",
                target=r,
                before=before.get(r.pk),
                after=snapshot(r),
            )
            for r in saved
        ]
    )
    return saved


def _survey_values(round_: EvaluationRound, keys) -> dict:
    """``{(subject key, aspect): mean answer 0–100}`` of the democratic evaluation: a unit's
    staff answer for the unit, and for its leaders."""
    by_node = tallies(round_)
    values = {}
    for key, (node, _person) in keys.items():
        for (node_id, aspect), mean in by_node.items():
            if node_id == node.pk:
                values[(key, aspect)] = mean
    return values


def _decimal(x: float) -> Decimal:
    return Decimal(str(x)).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def round_compute(
    *, actor: Account, round_: EvaluationRound, on: datetime.date | None = None
) -> list[Portrait]:
    """Compute (or recompute) the round's portraits: each leaf's value from its measure (the
    unit's figure for the round's year), its raters or the survey, the score engine's points,
    ranks among the peers of the same unit type."""
    _require(actor, RUN)
    _open(EvaluationRound.objects.select_for_update().get(pk=round_.pk))
    system = round_.system
    branches = selectors.tree(system=system)
    roots = selectors.engine_tree(branches)
    leaves = [b.indicator for top in branches for b in top.flat() if b.indicator.rule]
    units = list(round_.units.all())
    period = Period.parse(str(system.year))
    evaluated_on = period.end
    if system.subject == IndicatorSystem.Subject.LEADER:
        subjects = leaders_of(units, min(evaluated_on, on or evaluated_on))
    else:
        subjects = [(u, None) for u in units]

    measure_registry.autodiscover()
    wanted = sorted({i.measure_id for i in leaves if i.source == Indicator.Source.MEASURE})
    measures = [measure_registry.MEASURES[m] for m in wanted if m in measure_registry.MEASURES]
    figures = (
        measure_selectors.figures(
            viewer=SYSTEM, measures=measures, nodes=units, period=period, on=on
        )
        if measures and units
        else {}
    )
    ratings = defaultdict(list)
    for subject, indicator_id, score in Rating.objects.filter(round=round_).values_list(
        "subject", "indicator_id", "score"
    ):
        ratings[(subject, indicator_id)].append(float(score))
    keys = {subject_key(n, p): (n, p) for n, p in subjects}
    survey = _survey_values(round_, keys)

    values: dict[str, dict[int, object]] = {}
    for key, (node, _person) in keys.items():
        row = {}
        for leaf in leaves:
            if leaf.source == Indicator.Source.MEASURE:
                fig = figures.get(leaf.measure_id, {}).get(node.pk)
                row[leaf.pk] = fig.value if fig is not None else None
            elif leaf.source == Indicator.Source.MANUAL:
                given = ratings.get((key, leaf.pk), [])
                if leaf.rule == scoring.AVERAGE:
                    row[leaf.pk] = given
                else:
                    row[leaf.pk] = sum(given) / len(given) if given else None
            else:
                row[leaf.pk] = survey.get((key, leaf.survey_aspect))
        values[key] = row

    by_type = defaultdict(list)
    for key, (node, _person) in keys.items():
        by_type[node.type].append(key)
    results, ranks = {}, {}
    for unit_type, group in by_type.items():
        scored = scoring.score_all(
            roots, {k: values[k] for k in group}, {k: unit_type for k in group}
        )
        results.update(scored)
        group_ranks = scoring.ranks_of({k: r.total for k, r in scored.items()})
        ranks.update({k: (group_ranks[k], len(group)) for k in group})

    by_id = {b.indicator.pk: b for top in branches for b in top.flat()}
    top_of = {}
    for top in branches:
        for b in top.flat():
            top_of[b.indicator.pk] = top.indicator
    old = {p.subject: p for p in Portrait.objects.filter(round=round_)}
    events, kept = [], []
    for key, (node, person) in keys.items():
        result = results[key]
        aspects = [
            {
                "id": top.indicator.pk,
                "code": top.indicator.code,
                "title": top.indicator.title,
                "weight": float(top.indicator.weight),
                "points": round(result.points.get(top.indicator.pk, 0.0), 2),
                "percent": round(result.percent(top.indicator.pk), 1)
                if top.indicator.pk in result.points
                else None,
            }
            for top in branches
            if top.indicator.pk in result.points
        ]
        lost = sorted(
            (
                {
                    "id": leaf_id,
                    "code": by_id[leaf_id].indicator.code,
                    "title": by_id[leaf_id].indicator.title,
                    "aspect": top_of[leaf_id].title,
                    "weight": result.weights[leaf_id],
                    "points": round(result.points[leaf_id], 2),
                    "lost": round(result.lost(leaf_id), 2),
                    "value": _plain(values[key].get(leaf_id)),
                    "source": by_id[leaf_id].indicator.source,
                    "measure_id": by_id[leaf_id].indicator.measure_id,
                }
                for leaf_id in result.points
                if by_id[leaf_id].indicator.rule and result.lost(leaf_id) > 0.005
            ),
            key=lambda x: (-x["lost"], x["code"]),
        )
        fields = {
            "node": node,
            "person": person,
            "unit_type": node.type,
            "score": _decimal(result.total),
            "rank": ranks[key][0],
            "peers": ranks[key][1],
            "vetoed": bool(result.vetoed_by),
            "aspects": aspects,
            "lost": lost,
            "evaluated_on": evaluated_on,
        }
        portrait = old.pop(key, None)
        before = snapshot(portrait) if portrait else None
        if portrait is None:
            portrait = Portrait.objects.create(round=round_, subject=key, **fields)
        else:
            for name, value in fields.items():
                setattr(portrait, name, value)
            portrait.save()
            portrait.refresh_from_db()
        after = snapshot(portrait)
        if before != after:
            events.append(
                ledger.Event(
                    actor=actor,
                    action="ecology.portrait.compute",
                    target=portrait,
                    before=before,
                    after=after,
                )
            )
        kept.append(portrait)
    for gone in old.values():
        events.append(
            ledger.Event(
                actor=actor,
                action="ecology.portrait.remove",
                target=gone,
                before=snapshot(gone),
                after=None,
            )
        )
        gone.delete()
    before = round_state(round_)
    round_.computed_at = timezone.now()
    round_.save(update_fields=["computed_at"])
    events.append(
        ledger.Event(
            actor=actor,
            action="ecology.round.compute",
            target=round_,
            before=before,
            after=round_state(round_),
            details={"portraits": len(kept)},
        )
    )
    ledger.record_many(events)
    return kept


def _plain(value):
    if isinstance(value, list):
        return [float(v) for v in value]
    return None if value is None else float(value)


@transaction.atomic
def round_freeze(*, actor: Account, round_: EvaluationRound) -> EvaluationRound:
    """Freeze a computed round: its portraits never change again."""
    _require(actor, RUN)
    round_ = EvaluationRound.objects.select_for_update().get(pk=round_.pk)
    _open(round_)
    if not round_.computed_at:
        raise ValidationError(_("Compute the round before freezing it."), code="not_computed")
    before = round_state(round_)
    round_.state = EvaluationRound.State.FROZEN
    round_.frozen_at = timezone.now()
    round_.save(update_fields=["state", "frozen_at"])
    ledger.record(
        actor=actor,
        action="ecology.round.freeze",
        target=round_,
        before=before,
        after=round_state(round_),
    )
    return round_


@transaction.atomic
def round_publish(*, actor: Account, round_: EvaluationRound, published: bool) -> EvaluationRound:
    """Show (or stop showing) each unit its own portrait of a frozen round."""
    _require(actor, RUN)
    round_ = EvaluationRound.objects.select_for_update().get(pk=round_.pk)
    if round_.state != EvaluationRound.State.FROZEN:
        raise ValidationError(_("Only a frozen round is published."), code="not_frozen")
    if round_.published == published:
        return round_
    before = round_state(round_)
    round_.published = published
    round_.save(update_fields=["published"])
    ledger.record(
        actor=actor,
        action="ecology.round.publish" if published else "ecology.round.withdraw",
        target=round_,
        before=before,
        after=round_state(round_),
    )
    return round_
