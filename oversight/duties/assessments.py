"""The year-end assessment (年终考核): freezing every unit's figures, grading them by the
commission's rules (thresholds or quotas), issuing the result document and the circular (通报)
through ``documents``, and a unit's one appeal (a ``duties.appeal`` work item).

Grading rules:

- thresholds: ``excellent``, ``good``, ``fair`` are the lowest scores (in %) of each grade,
  strictly decreasing; below ``fair`` is poor.
- quotas: ``excellent``, ``good``, ``poor`` are the shares (in %) of the units of a type that
  may get each grade, counted down from the best (excellent, then good) and up from the worst
  (poor); the rest are fair. A quota is a maximum: units tied at its boundary fall to the
  grade in between.

A vetoed unit (一票否决) is poor whatever its score, and takes no place in the quotas.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oversight.documents.services import issue_document
from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.orgs.access import has_perm

from . import scoring
from .models import Assessment, AssessmentResult, DutyList
from .workflows import APPEAL_KIND

G = AssessmentResult.Grade
THRESHOLD_KEYS = [G.EXCELLENT, G.GOOD, G.FAIR]
QUOTA_KEYS = [G.EXCELLENT, G.GOOD, G.POOR]


def _require(actor) -> None:
    if not has_perm(actor, "duties:assessment:manage"):
        raise PermissionDenied(_("Your role does not run the year-end assessment."))


def clean_grading(method: str, params: dict) -> dict:
    """The grading parameters checked (``ValidationError`` on ``method`` or ``params``)."""
    if method not in Assessment.Method.values:
        raise ValidationError(
            {"method": ValidationError(_("Choose a grading rule."), code="invalid")}
        )
    keys = THRESHOLD_KEYS if method == Assessment.Method.THRESHOLDS else QUOTA_KEYS
    clean: dict[str, Decimal] = {}
    problems = []
    for key in keys:
        try:
            value = Decimal(str(params.get(key, "")).strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or not 0 <= value <= 100:
            problems.append(_("%(grade)s: give a number from 0 to 100.") % {"grade": G(key).label})
        else:
            clean[key] = value
    if not problems and method == Assessment.Method.THRESHOLDS:
        if not clean[G.EXCELLENT] > clean[G.GOOD] > clean[G.FAIR]:
            problems.append(_("The thresholds fall from excellent to good to fair."))
    if not problems and method == Assessment.Method.QUOTAS:
        if sum(clean.values()) > 100:
            problems.append(_("The quotas add up to more than all the units."))
    if problems:
        raise ValidationError({"params": [ValidationError(p, code="invalid") for p in problems]})
    return {k: f"{v:f}" for k, v in clean.items()}


def grade(method: str, params: dict, rows: list[tuple]) -> dict:
    """The grade of each of ``rows`` (``(key, unit type, score in % or None, vetoed)``)."""
    p = {k: Decimal(v) for k, v in params.items()}
    result = {}
    groups: dict[str, list[tuple]] = defaultdict(list)
    for key, node_type, percent, vetoed in rows:
        if vetoed:
            result[key] = G.POOR
        elif method == Assessment.Method.THRESHOLDS:
            percent = percent or Decimal(0)
            result[key] = next(
                (g for g in THRESHOLD_KEYS if percent >= p[g]),
                G.POOR,
            )
        else:
            groups[node_type].append((key, percent or Decimal(0)))
    for group in groups.values():
        n = len(group)
        excellent = int(n * p[G.EXCELLENT] / 100)
        good = excellent + int(n * p[G.GOOD] / 100)
        poor = int(n * p[G.POOR] / 100)
        values = [v for _key, v in group]
        for key, value in group:
            at_least = sum(1 for v in values if v >= value)
            at_most = sum(1 for v in values if v <= value)
            if at_least <= excellent:
                result[key] = G.EXCELLENT
            elif at_least <= good:
                result[key] = G.GOOD
            elif at_most <= poor:
                result[key] = G.POOR
            else:
                result[key] = G.FAIR
    return result


@transaction.atomic
def assessment_freeze(
    *, actor, duty_list: DutyList, method: str, params: dict, appeal_until: datetime.date
) -> Assessment:
    """Freeze every unit's figures on ``duty_list`` as they stand today, and grade them.

    The results are copies (points of every item, counts, rank, veto): nothing done to the
    reports afterwards changes them; only an upheld appeal changes a grade, on the record."""
    _require(actor)
    duty_list = DutyList.objects.select_for_update().get(pk=duty_list.pk)
    if Assessment.objects.filter(duty_list=duty_list).exists():
        raise ValidationError(_("This list's year has been frozen already."), code="frozen")
    if not duty_list.unit_lists.exists():
        raise ValidationError(_("The list has not been issued to any unit."), code="not_issued")
    today = timing.today()
    errors = {}
    try:
        params = clean_grading(method, params or {})
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if appeal_until is None or appeal_until < today:
        errors["appeal_until"] = ValidationError(
            _("Appeals run until today or a later day."), code="past"
        )
    if errors:
        raise ValidationError(errors)
    rows = scoring.read(duty_list, today)
    grades = grade(
        method, params, [(s.unit_list.pk, s.node.type, s.percent, s.vetoed) for s in rows]
    )
    assessment = Assessment.objects.create(
        duty_list=duty_list,
        method=method,
        params=params,
        frozen_on=today,
        frozen_by=actor,
        appeal_until=appeal_until,
    )
    results = AssessmentResult.objects.bulk_create(
        AssessmentResult(
            assessment=assessment,
            unit_list=s.unit_list,
            node=s.node,
            earned=s.earned,
            possible=s.possible,
            percent=s.percent,
            rank=s.rank,
            vetoed=s.vetoed,
            reports=s.reports,
            documented=s.documented,
            late=s.late,
            missing=s.missing,
            items={str(k): f"{v.quantize(Decimal('0.01')):f}" for k, v in s.items.items()},
            grade=grades[s.unit_list.pk],
        )
        for s in rows
    )
    frozen = [
        [
            r.node_id,
            str(r.earned),
            str(r.possible),
            str(r.percent),
            r.rank,
            r.vetoed,
            r.grade,
            r.items,
        ]  # fmt: skip
        for r in results
    ]
    ledger.record(
        actor=actor,
        action="duties.assessment.freeze",
        target=assessment,
        before=None,
        after=snapshot(assessment),
        details={
            "list": str(duty_list),
            "units": len(results),
            "results_sha256": hashlib.sha256(
                json.dumps(frozen, sort_keys=True).encode()
            ).hexdigest(),
        },
    )
    return assessment


def _line(result: AssessmentResult) -> str:
    return _("%(unit)s: %(percent)s%%, %(grade)s%(veto)s") % {
        "unit": result.node.name,
        "percent": result.percent if result.percent is not None else "—",
        "grade": result.get_grade_display(),
        "veto": _(" (vetoed)") if result.vetoed else "",
    }


@transaction.atomic
def assessment_publish(*, actor, assessment: Assessment) -> Assessment:
    """Issue the assessment result document (to every unit assessed, naming the appeal
    deadline) and the circular (通报) naming the best and the worst, both with serial numbers
    of the issuing body."""
    _require(actor)
    assessment = (
        Assessment.objects.select_for_update().select_related("duty_list").get(pk=assessment.pk)
    )
    if assessment.result_document_id is not None:
        raise ValidationError(_("The results have been issued already."), code="published")
    duty_list = assessment.duty_list
    issuer = duty_list.owner_node
    results = list(
        assessment.results.select_related("node").order_by("node__type", "rank", "node__name")
    )
    year = duty_list.year
    counts = {g: sum(1 for r in results if r.grade == g) for g in G.values}
    assessment.result_document = issue_document(
        doc_type="assessment_result",
        issuer_node=issuer,
        actor=actor,
        target=assessment,
        recipients=[r.node for r in results],
        context={
            "recipient_unit": _("The units assessed"),
            "title": _("Results of the %(year)d assessment: %(list)s")
            % {"year": year, "list": duty_list.title},
            "paragraphs": [
                _(
                    "The %(year)d assessment of %(list)s has been completed on the year's record "
                    "as of %(day)s. %(units)d units were assessed: %(excellent)d excellent, "
                    "%(good)d good, %(fair)d fair, %(poor)d poor."
                )
                % {
                    "year": year,
                    "list": duty_list.title,
                    "day": assessment.frozen_on.isoformat(),
                    "units": len(results),
                    **counts,
                },
                *[_line(r) for r in results],
            ],
            "deadline": assessment.appeal_until,
        },
    )
    best = [r for r in results if r.grade == G.EXCELLENT]
    worst = [r for r in results if r.grade == G.POOR]
    names = lambda rows: "、".join(r.node.name for r in rows) or _("none")  # noqa: E731
    assessment.circular = issue_document(
        doc_type="circular",
        issuer_node=issuer,
        actor=actor,
        target=assessment,
        context={
            "recipient_unit": _("The units assessed"),
            "title": _("Circular on the %(year)d assessment of %(list)s")
            % {"year": year, "list": duty_list.title},
            "paragraphs": [
                _("The %(year)d assessment of %(list)s is circulated as follows.")
                % {"year": year, "list": duty_list.title},
                _("Commended as excellent: %(units)s.") % {"units": names(best)},
                _("Graded poor, to rectify: %(units)s.") % {"units": names(worst)},
            ],
        },
    )
    before = snapshot(Assessment.objects.get(pk=assessment.pk))
    assessment.save(update_fields=["result_document", "circular"])
    ledger.record(
        actor=actor,
        action="duties.assessment.publish",
        target=assessment,
        before=before,
        after=snapshot(assessment),
        details={
            "result_document": assessment.result_document.serial,
            "circular": assessment.circular.serial,
        },
    )
    return assessment


@transaction.atomic
def appeal_lodge(*, actor, result: AssessmentResult, reason: str):
    """The unit appeals its result: once, by the appeal deadline, with its reasons; the
    commission decides on a ``duties.appeal`` work item (uphold with a new grade, or dismiss)."""
    if actor.org_node_id != result.node_id or not has_perm(actor, "duties:list:view"):
        raise PermissionDenied(_("Only the unit itself appeals its result."))
    result = (
        AssessmentResult.objects.select_for_update()
        .select_related("assessment__duty_list__owner_node", "node")
        .get(pk=result.pk)
    )
    if result.appeal_id is not None:
        raise ValidationError(_("The unit has appealed this result already."), code="appealed")
    assessment = result.assessment
    if timing.today() > assessment.appeal_until:
        raise ValidationError(
            _("Appeals closed on %(day)s.") % {"day": assessment.appeal_until.isoformat()},
            code="appeal_closed",
        )
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(_("Give the reasons for the appeal."), code="required")}
        )
    owner = assessment.duty_list.owner_node
    item = loop.item_open(
        kind=APPEAL_KIND,
        title=_("Appeal of %(unit)s against its %(year)d result")
        % {"unit": result.node.name, "year": assessment.duty_list.year},
        description=reason.strip(),
        actor=actor,
        responsible_node=owner,
        supervising_node=owner,
    )
    before = snapshot(result)
    result.appeal = item
    result.save(update_fields=["appeal"])
    ledger.record(
        actor=actor,
        action="duties.assessment.appeal",
        target=result,
        before=before,
        after=snapshot(result),
        details={"reason": reason.strip()},
    )
    return item


def appeal_decide(*, actor, result: AssessmentResult, uphold: bool, grade: str, reason: str):
    """The commission upholds the appeal (with the grade it earns) or dismisses it."""
    if result.appeal_id is None:
        raise ValidationError(_("There is no appeal to decide."), code="no_appeal")
    return loop.item_transition(
        item=result.appeal,
        name="uphold" if uphold else "dismiss",
        actor=actor,
        comment=reason,
        data={"grade": grade} if uphold else {},
    )
