"""A duty's report as a kind of work item (``duties.report``): the unit reports what it did with
evidence by the item's deadline (entry locks after it unless a supervisor reopens it), the
supervising side returns a thin or copied report with a rectification notice, or accepts it
with a score within the item's points."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.loop import timing
from oversight.loop.registry import register
from oversight.loop.services import issue_on_entry
from oversight.loop.workflow import RESPONSIBLE, SUPERVISING, Limit, State, Transition, Workflow

KIND = "duties.report"


def is_locked(report, on) -> bool:
    """Entry is locked once the deadline has passed, unless reopened until ``on`` or later;
    a report already made (and returned for rework) stays open to its rework."""
    if report.reported_on is not None:
        return False
    if on <= report.due:
        return False
    return report.reopened_until is None or on > report.reopened_until


def _not_locked(*, item, event, actor) -> None:
    report = item.duty_report
    if is_locked(report, timing.today()):
        raise ValidationError(
            _(
                "The deadline (%(due)s) has passed: entry is locked. Ask the supervising body "
                "to reopen it."
            )
            % {"due": report.due},
            code="locked",
        )
    from . import prints, scoring
    from .selectors import own_history, peers_of, similar_reports, threshold_of

    if report.reported_on is None:
        report.reported_on = timing.today()
    # The report's print is kept for the copy checks to come; it is flagged against every other
    # unit's report on the duty (the reviewer's page shows those of their scope): counted by
    # the measure duties.copied.
    own = prints.store(report, event.comment)
    threshold = threshold_of(report)
    alike = similar_reports(report, event.comment, peers_of(report), threshold, own) or (
        similar_reports(report, event.comment, own_history(report), threshold, own)
    )
    report.copied_from = alike[0][0] if alike else None
    report.save(update_fields=["reported_on", "copied_from"])
    scoring.refresh_unit(report.unit_list_id)


def _score(*, item, event, actor) -> None:
    """Score the report by its item's rule: the points given (``points``), the value given
    (the rules that compute points from a value; ``rank`` is settled among the units when
    scores are read), or the mean of the raters' points (``average``)."""
    from . import rules

    report = item.duty_report
    duty = report.duty_item
    points = duty.points
    data = event.data or {}
    value = None
    if duty.rule == rules.POINTS:
        try:
            score = Decimal(str(data.get("score", "")))
        except InvalidOperation:
            score = None
        if score is None or not score.is_finite():
            raise ValidationError(
                {"score": ValidationError(_("Give the score when accepting."), code="required")}
            )
        if not Decimal(0) <= score <= points:
            raise ValidationError(
                {
                    "score": ValidationError(
                        _("The score lies between 0 and %(points)s.") % {"points": points},
                        code="out_of_range",
                    )
                }
            )
    elif duty.rule == rules.AVERAGE:
        given = [r.score for r in report.ratings.all()]
        wanted = int(duty.params.get("raters", 2))
        if len(given) < wanted:
            raise ValidationError(
                _("%(wanted)d raters score this item; %(given)d have rated it so far.")
                % {"wanted": wanted, "given": len(given)},
                code="too_few_ratings",
            )
        score, _spread = rules.average(given)
    else:
        value = rules.check_value(duty.rule, data.get("value"))
        if duty.rule in (rules.RANK, rules.VETO):
            score = None  # a rank is settled among the units; a veto weighs on the whole
        else:
            score = rules.points_for(duty.rule, duty.params, points, value)
    report.value = value
    report.score = score
    report.score_rate = (
        (100 * score / points).quantize(Decimal("0.1")) if points and score is not None else None
    )
    report.score_reason = event.comment
    report.scored_on = timing.today()
    report.scored_by = actor
    report.save(
        update_fields=["value", "score", "score_rate", "score_reason", "scored_on", "scored_by"]
    )
    from . import scoring

    scoring.refresh_unit(report.unit_list_id)


def _report_url(item) -> str:
    return reverse("duties:report_detail", args=[item.pk])


REPORT = register(
    Workflow(
        kind=KIND,
        label=_("Duty report"),
        initial="open",
        states=[
            State("open", _("To report"), waiting_on=RESPONSIBLE),
            State(
                "submitted",
                _("Reported, awaiting review"),
                waiting_on=SUPERVISING,
                limit=Limit(10, working=True),
            ),
            State(
                "returned",
                _("Returned as thin or copied"),
                waiting_on=RESPONSIBLE,
                limit=Limit(5, working=True),
            ),
            State("accepted", _("Accepted and scored"), terminal=True),
        ],
        transitions=[
            Transition(
                "submit",
                _("Report with evidence"),
                source=["open", "returned"],
                target="submitted",
                permission="loop:item:handle",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
                on_enter=[_not_locked],
            ),
            Transition(
                "return",
                _("Return as thin or copied"),
                source=["submitted"],
                target="returned",
                permission="duties:report:score",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
                on_enter=[issue_on_entry("rectification_notice")],
            ),
            Transition(
                "accept",
                _("Accept and score"),
                source=["submitted"],
                target="accepted",
                permission="duties:report:score",
                actor=SUPERVISING,
                on_enter=[_score],
            ),
        ],
        remind_days_before=5,
        detail_url=_report_url,
    )
)


# --- the appeal against a year-end result ------------------------------------------------------

APPEAL_KIND = "duties.appeal"


def _regrade(*, item, event, actor) -> None:
    """Upholding an appeal sets the grade it asked for (the frozen figures stay as they were);
    the grade before it is kept beside it."""
    from .models import AssessmentResult

    result = AssessmentResult.objects.select_for_update().get(appeal=item)
    grade = str((event.data or {}).get("grade", ""))
    if grade not in AssessmentResult.Grade.values:
        raise ValidationError(
            {"grade": ValidationError(_("Choose the grade the appeal earns."), code="required")}
        )
    if grade == result.grade:
        raise ValidationError(
            {
                "grade": ValidationError(
                    _("That is the grade already given: dismiss the appeal instead."),
                    code="unchanged",
                )
            }
        )
    result.original_grade = result.original_grade or result.grade
    result.grade = grade
    result.save(update_fields=["grade", "original_grade"])


def _appeal_url(item) -> str:
    return reverse("duties:result_detail", args=[item.duty_appeal.pk])


APPEAL = register(
    Workflow(
        kind=APPEAL_KIND,
        label=_("Appeal against a year-end result"),
        initial="lodged",
        states=[
            State(
                "lodged",
                _("Appealed, awaiting the commission"),
                waiting_on=RESPONSIBLE,
                limit=Limit(10, working=True),
            ),
            State("upheld", _("Appeal upheld, grade changed"), terminal=True),
            State("dismissed", _("Appeal dismissed"), terminal=True),
        ],
        transitions=[
            Transition(
                "uphold",
                _("Uphold and change the grade"),
                source=["lodged"],
                target="upheld",
                permission="duties:assessment:manage",
                actor=RESPONSIBLE,
                requires_comment=True,
                on_enter=[_regrade],
            ),
            Transition(
                "dismiss",
                _("Dismiss"),
                source=["lodged"],
                target="dismissed",
                permission="duties:assessment:manage",
                actor=RESPONSIBLE,
                requires_comment=True,
                style="secondary",
            ),
        ],
        detail_url=_appeal_url,
    )
)
