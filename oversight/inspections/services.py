"""Writes of inspection rectification: rounds, inspected units, findings (entered or imported
from the inspection group's Excel, all rows or none), rectification tasks (each a work item of
``inspections.rectification``), the feedback (a formal document, and the two-month report opened
by the schedule service) and copy notices to the leader and department responsible. Every write
records a ledger leaf for the row it changed in its own transaction; tasks and reports move only
through the loop's services."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from oversight.documents.services import issue_document
from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.loop.models import WorkItem
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode, Person
from oversight.schedules.services import schedule_event

from .models import Finding, InspectedUnit, LookBack, LookBackCheck, Milestone, Round, Task
from .schedules import TWO_MONTH_REPORT
from .workflows import KIND

FIRST_YEAR, LAST_YEAR = 2000, 2100
# An immediate task (立行立改) is due within this many calendar days of its assignment.
IMMEDIATE_DAYS = 30


def _require(actor, code: str) -> None:
    if not has_perm(actor, code):
        raise PermissionDenied(_("Your role does not do this."))


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _trace(actor, action: str, row, before, **details) -> None:
    ledger.record(
        actor=actor,
        action=action,
        target=row,
        before=before,
        after=snapshot(row),
        details=details or None,
    )


# --- rounds and units --------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    actor: Account,
    kind: str,
    year: int,
    number: int,
    title: str,
    inspecting_node: OrgNode,
    group: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Round:
    """A new inspection round of ``year`` (the ``number``-th of its kind that year)."""
    _require(actor, "inspections:round:edit")
    title, group = title.strip(), group.strip()
    errors = {}
    if kind not in Round.Kind.values:
        errors["kind"] = ValidationError(_("Choose the kind of inspection."), code="invalid")
    if not FIRST_YEAR <= (year or 0) <= LAST_YEAR:
        errors["year"] = ValidationError(
            _("The year lies between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="out_of_range",
        )
    if not number or number < 1:
        errors["number"] = ValidationError(_("Rounds are numbered from 1."), code="invalid")
    if not title:
        errors["title"] = ValidationError(_("A title is required."), code="required")
    if not group:
        errors["group"] = ValidationError(_("Name the inspection group."), code="required")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = ValidationError(
            _("The inspection cannot end before it starts."), code="before_start"
        )
    if (
        not errors
        and Round.objects.filter(
            inspecting_node=inspecting_node, kind=kind, year=year, number=number
        ).exists()
    ):
        errors["number"] = ValidationError(
            _("This body already has round %(number)d of that kind in %(year)d.")
            % {"number": number, "year": year},
            code="exists",
        )
    if errors:
        raise ValidationError(errors)
    row = Round.objects.create(
        kind=kind,
        year=year,
        number=number,
        title=title,
        inspecting_node=inspecting_node,
        group=group,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    _trace(actor, "inspections.round.create", row, None)
    return row


@transaction.atomic
def unit_add(
    *, actor: Account, round: Round, node: OrgNode, head: Person | None = None
) -> InspectedUnit:
    """Add ``node`` to the units ``round`` inspects; ``head`` signs its report."""
    _require(actor, "inspections:round:edit")
    if InspectedUnit.objects.filter(round=round, node=node).exists():
        raise _refuse(
            "node",
            _("%(unit)s is already inspected in this round.") % {"unit": node.name},
            "exists",
        )
    if head is not None and not head.org_node.path.startswith(node.path):
        raise _refuse("head", _("The head must be a person of the unit."), "outside_unit")
    unit = InspectedUnit.objects.create(round=round, node=node, head=head)
    _trace(actor, "inspections.unit.add", unit, None)
    return unit


# --- findings ----------------------------------------------------------------------------------


def _finding_errors(category: str, description: str) -> dict:
    errors = {}
    if category not in Finding.Category.values:
        errors["category"] = ValidationError(_("Choose a category."), code="invalid")
    if not description.strip():
        errors["description"] = ValidationError(_("Describe the problem."), code="required")
    return errors


def _next_number(unit: InspectedUnit) -> int:
    return (unit.findings.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def finding_add(
    *,
    actor: Account,
    unit: InspectedUnit,
    category: str,
    description: str,
    evidence: str = "",
    warning=None,
) -> Finding:
    """A problem the inspection found at ``unit``, numbered after the unit's last; ``warning``
    (a comparison-model warning the actor may read) when the finding came from the data."""
    _require(actor, "inspections:round:edit")
    errors = _finding_errors(category, description)
    if warning is not None:
        from oversight.analytics.selectors import warning_list

        if (
            not has_perm(actor, "analytics:warning:view")
            or not warning_list(viewer=actor).filter(pk=warning.pk).exists()
        ):
            errors["warning"] = ValidationError(
                _("No warning with this number in your scope."), code="unknown_warning"
            )
    if errors:
        raise ValidationError(errors)
    InspectedUnit.objects.select_for_update().get(pk=unit.pk)  # numbers without gaps or twins
    finding = Finding.objects.create(
        unit=unit,
        number=_next_number(unit),
        category=category,
        description=description.strip(),
        evidence=evidence.strip(),
        warning=warning,
        created_by=actor,
    )
    _trace(actor, "inspections.finding.add", finding, None)
    return finding


IMPORT_COLUMNS = [
    ("unit", _lazy("inspected unit")),
    ("category", _lazy("category")),
    ("description", _lazy("problem")),
    ("evidence", _lazy("inspection evidence")),
]
IMPORT_REQUIRED = ["unit", "category", "description"]


def _choice(value: str, choices) -> str:
    """A choice given by its code or its label in either language."""
    value = value.strip()
    for code, label in choices:
        if value == code:
            return code
        for language in ("en", "zh-hans"):
            with translation.override(language):
                if value == str(label):
                    return code
    return value


@transaction.atomic
def findings_import(*, actor: Account, round: Round, rows: Sequence[dict]) -> int:
    """Add the findings of ``rows`` (read from the inspection group's sheet: the unit by name
    or code, the category by code or label, the problem, the evidence) to ``round``: all of
    them, or none, with every rejected row named and why."""
    _require(actor, "inspections:round:edit")
    if not rows:
        raise _refuse("file", _("The sheet has no rows."), "empty")
    units = list(InspectedUnit.objects.filter(round=round).select_related("node"))
    by_key = {}
    for unit in units:
        by_key[unit.node.name] = unit
        by_key[unit.node.code] = unit
    errors: list[str] = []
    accepted = []
    for row in rows:
        problems = []
        unit = by_key.get(row.get("unit", "").strip())
        if unit is None:
            problems.append(
                _("inspected unit: “%(unit)s” is not inspected in this round")
                % {"unit": row.get("unit", "")}
            )
        category = _choice(row.get("category", ""), Finding.Category.choices)
        for field, error in _finding_errors(category, row.get("description", "")).items():
            problems.append(f"{IMPORT_LABELS[field]}: {' '.join(error.messages)}")
        if problems:
            errors.append(
                _("Row %(n)d: %(errors)s") % {"n": row["_row"], "errors": "; ".join(problems)}
            )
            continue
        accepted.append((unit, category, row))
    if errors:
        raise ValidationError({"file": [ValidationError(e, code="row") for e in errors]})
    for unit, category, row in accepted:
        finding_add(
            actor=actor,
            unit=unit,
            category=category,
            description=row.get("description", ""),
            evidence=row.get("evidence", ""),
        )
    return len(accepted)


IMPORT_LABELS = dict(IMPORT_COLUMNS)


# --- rectification tasks -----------------------------------------------------------------------


@transaction.atomic
def task_assign(
    *,
    actor: Account,
    finding: Finding,
    measure: str,
    deadline: datetime.date,
    leader: Person | None = None,
    department: OrgNode | None = None,
    immediate: bool = False,
    reopens: Task | None = None,
) -> Task:
    """A rectification task for ``finding``: the measure, the leader in charge (a person of the
    unit), the department responsible (the unit or one of its parts) and the deadline; a work
    item of ``inspections.rectification`` assigned to the inspected unit, supervised by the
    inspecting body. An immediate task (立行立改) is due within ``IMMEDIATE_DAYS``.
    ``reopens`` names the closed task a look-back found not rectified (see ``check_decide``)."""
    if reopens is None:
        _require(actor, "inspections:round:edit")
    unit = finding.unit
    node = unit.node
    today = timing.today()
    errors = {}
    measure = measure.strip()
    if not measure:
        errors["measure"] = ValidationError(_("Say what will be done."), code="required")
    if deadline is None:
        errors["deadline"] = ValidationError(_("Give the deadline."), code="required")
    elif deadline < today:
        errors["deadline"] = ValidationError(_("The deadline cannot be in the past."), code="past")
    elif immediate and deadline > today + datetime.timedelta(days=IMMEDIATE_DAYS):
        errors["deadline"] = ValidationError(
            _("An immediate rectification is due within %(days)d days.") % {"days": IMMEDIATE_DAYS},
            code="too_late_for_immediate",
        )
    if leader is not None and not leader.org_node.path.startswith(node.path):
        errors["leader"] = ValidationError(
            _("The leader in charge must be a person of %(unit)s.") % {"unit": node.name},
            code="outside_unit",
        )
    if department is not None and not department.path.startswith(node.path):
        errors["department"] = ValidationError(
            _("The department must be %(unit)s or one of its parts.") % {"unit": node.name},
            code="outside_unit",
        )
    if errors:
        raise ValidationError(errors)
    round = unit.round
    item = loop.item_open(
        kind=KIND,
        title=f"{node.name} {finding.number}: {measure}"[:200],
        description=finding.description,
        actor=actor,
        responsible_node=node,
        supervising_node=round.inspecting_node,
        final_deadline=deadline,
        priority=1 if immediate else 0,
    )
    task = Task.objects.create(
        finding=finding,
        node=node,
        item=item,
        measure=measure,
        leader=leader,
        department=department,
        deadline=deadline,
        immediate=immediate,
        reopens=reopens,
    )
    _trace(actor, "inspections.task.assign", task, None)
    return task


# --- feedback, the two-month report, copy notices ------------------------------------------------


@transaction.atomic
def feedback_record(
    *, actor: Account, unit: InspectedUnit, feedback_on: datetime.date, body: str
) -> InspectedUnit:
    """The feedback meeting was held on ``feedback_on``: the inspecting body's feedback is
    issued to the unit as a formal document (its serial number taken), and the rectification
    report falls due two months later on the working-day calendar — a work item the schedule
    service opens, reminded and escalated by the loop."""
    _require(actor, "inspections:round:edit")
    if not has_perm(actor, "documents:document:issue"):
        raise PermissionDenied(_("Your role does not issue documents."))
    unit = InspectedUnit.objects.select_for_update().select_related("round", "node").get(pk=unit.pk)
    round = unit.round
    today = timing.today()
    if unit.feedback_on is not None:
        raise ValidationError(_("The feedback was recorded already."), code="recorded")
    errors = {}
    if feedback_on is None:
        errors["feedback_on"] = ValidationError(_("Give the date."), code="required")
    elif feedback_on > today:
        errors["feedback_on"] = ValidationError(
            _("Record the feedback once the meeting has been held."), code="future"
        )
    elif feedback_on < round.starts_on:
        errors["feedback_on"] = ValidationError(
            _("The feedback cannot come before the inspection starts."), code="before_start"
        )
    if not body.strip():
        errors["body"] = ValidationError(_("Write the feedback."), code="required")
    if errors:
        raise ValidationError(errors)
    due = schedule_due(feedback_on)
    if due < today:
        raise _refuse(
            "feedback_on",
            _("The two-month report would have been due on %(due)s: record a later meeting.")
            % {"due": due},
            "too_late",
        )
    before = snapshot(unit)
    issue_document(
        doc_type="inspection_feedback",
        issuer_node=round.inspecting_node,
        actor=actor,
        target=unit,
        context={
            "recipient_unit": unit.node.name,
            "title": _("Feedback of %(round)s on %(unit)s") % {"round": round, "unit": unit.node},
            "body": body,
            "deadline": due,
        },
        recipients=[unit.node],
        reply_by=due,
        evidence_required=True,
    )
    unit.feedback_on = feedback_on
    unit.report_item = schedule_event(
        schedule=TWO_MONTH_REPORT,
        node=unit.node,
        happened_on=feedback_on,
        key=f"unit-{unit.pk}",
        supervising_node=round.inspecting_node,
        title=_("Rectification report of %(unit)s on %(round)s")
        % {"unit": unit.node.name, "round": round.title},
    )
    unit.save(update_fields=["feedback_on", "report_item"])
    _trace(actor, "inspections.unit.feedback", unit, before)
    return unit


def schedule_due(feedback_on: datetime.date) -> datetime.date:
    """When the rectification report falls due after a feedback on ``feedback_on``."""
    from oversight.schedules.registry import SCHEDULES, autodiscover

    autodiscover()
    return SCHEDULES[TWO_MONTH_REPORT].rule.due(timing.calendar(), feedback_on)


@transaction.atomic
def copy_notice_issue(*, actor: Account, task: Task, body: str = ""):
    """A copy notice (抄告单) of ``task`` to its department (else its unit), naming the leader
    in charge: a formal document with its serial number, on the task's timeline."""
    if not has_perm(actor, "inspections:task:verify"):
        raise PermissionDenied(_("Your role does not do this."))
    item = task.item
    if loop.SUPERVISING not in loop.relations(item, actor):
        raise PermissionDenied(_("Only the inspecting body sends copy notices."))
    if not item.is_open:
        raise ValidationError(_("The task is closed."), code="closed")
    recipient = task.department or task.node
    leader = f"{task.leader.name}：" if task.leader else ""
    text = body.strip() or _(
        "%(leader)sThe rectification task “%(measure)s” of finding %(number)d is due on "
        "%(deadline)s and is %(state)s."
    ) % {
        "leader": leader,
        "measure": task.measure,
        "number": task.finding.number,
        "deadline": task.deadline,
        "state": item.state_label,
    }
    document = issue_document(
        doc_type="copy_notice",
        issuer_node=item.supervising_node,
        actor=actor,
        target=item,
        context={
            "recipient_unit": recipient.name,
            "title": _("Copy notice on %(title)s") % {"title": item.title},
            "body": text,
            "deadline": task.deadline,
        },
        recipients=[recipient],
    )
    loop.item_comment(
        item=item,
        actor=actor,
        comment=_("Copy notice %(serial)s sent to %(unit)s")
        % {"serial": document.serial, "unit": recipient.name},
        data={"document": document.pk},
    )
    return document


# --- look-backs (回头看) ----------------------------------------------------------------------


def lookback_sample(
    *,
    round: Round,
    categories: Sequence[str],
    last_days: int,
    random_share: int,
    seed: str,
    complaints: bool = False,
) -> list[tuple[Task, str]]:
    """The closed tasks of ``round`` a look-back draws, each with the first rule that drew it:
    a high-risk category, closed within ``last_days`` of its deadline, with ``complaints`` a
    task whose unit (or a unit below it) the public complained about after the task closed, or
    ``random_share`` % of the rest (a random draw repeatable from ``seed``). Tasks reopened
    before are left out: their successors are drawn instead once closed."""
    import random

    closed = list(
        Task.objects.filter(
            finding__unit__round=round, item__closed_at__isnull=False, reopened_as__isnull=True
        )
        .select_related("item", "finding", "node")
        .order_by("pk")
    )
    closed_days = {t.pk: t.verified_on or timezone.localdate(t.item.closed_at) for t in closed}
    latest = _latest_complaints(min(closed_days.values())) if complaints and closed else {}
    drawn, rest = [], []
    for task in closed:
        closed_on = closed_days[task.pk]
        if task.finding.category in categories:
            drawn.append((task, LookBackCheck.Reason.HIGH_RISK))
        elif last_days and (task.deadline - closed_on).days <= last_days:
            drawn.append((task, LookBackCheck.Reason.LAST_MINUTE))
        elif latest.get(task.node.path, closed_on) > closed_on:
            drawn.append((task, LookBackCheck.Reason.COMPLAINTS))
        else:
            rest.append(task)
    count = round_half_up(len(rest) * random_share / 100)
    for task in sorted(random.Random(seed).sample(rest, count), key=lambda t: t.pk):
        drawn.append((task, LookBackCheck.Reason.RANDOM))
    return drawn


def _latest_complaints(since: datetime.date) -> dict[str, datetime.date]:
    """For every org path, the latest day a public complaint was received about it or a unit
    below it, after ``since`` (one query: complaints are work items of the public channel's
    kind, held by the unit concerned)."""
    latest: dict[str, datetime.date] = {}
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.max))
    rows = (
        WorkItem.objects.filter(kind="public.complaint", opened_at__gt=start)
        .values_list("responsible_node__path", "opened_at")
        .order_by()
    )
    for path, opened_at in rows:
        day = timezone.localdate(opened_at)
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            key = "/" + "/".join(parts[:depth]) + "/"
            if key not in latest or latest[key] < day:
                latest[key] = day
    return latest


def check_rerun(*, actor: Account, check: LookBackCheck):
    """Rerun, over the newest data, the comparison model whose warning the checked task's
    finding came from (a run of that model alone, in the worker); the check then shows
    whether the pattern is still found (``selectors.data_recheck``)."""
    from oversight.analytics.services import run_start

    _require(actor, "inspections:task:verify")
    warning = check.task.finding.warning
    if warning is None:
        raise ValidationError(
            _("This task's finding did not come from a comparison model."), code="no_warning"
        )
    run = run_start(actor=actor, model_ids=[warning.model_id])
    _trace(actor, "inspections.lookback.rerun", check, snapshot(check), run=run.pk)
    return run


def round_half_up(value: float) -> int:
    return int(value + 0.5)


@transaction.atomic
def lookback_draw(
    *,
    actor: Account,
    round: Round,
    categories: Sequence[str] = (),
    last_days: int = 0,
    random_share: int = 0,
    complaints: bool = False,
) -> LookBack:
    """Draw a look-back of ``round``'s closed tasks by the rules of ``lookback_sample``; one
    check per task drawn, to re-verify."""
    _require(actor, "inspections:task:verify")
    errors = {}
    unknown = set(categories) - set(Finding.Category.values)
    if unknown:
        errors["categories"] = ValidationError(
            _("Unknown categories: %(list)s") % {"list": ", ".join(sorted(unknown))},
            code="invalid",
        )
    if not 0 <= (last_days or 0) <= 365:
        errors["last_days"] = ValidationError(_("Between 0 and 365 days."), code="out_of_range")
    if not 0 <= (random_share or 0) <= 100:
        errors["random_share"] = ValidationError(
            _("A share between 0 and 100."), code="out_of_range"
        )
    if errors:
        raise ValidationError(errors)
    if not categories and not last_days and not random_share and not complaints:
        raise ValidationError(
            _(
                "Choose at least one rule: a category, the days before the deadline, "
                "complaints since, or a share."
            ),
            code="no_rule",
        )
    lookback = LookBack.objects.create(
        round=round,
        drawn_on=timing.today(),
        categories=sorted(set(categories)),
        last_days=last_days or 0,
        random_share=random_share or 0,
        complaints=bool(complaints),
        created_by=actor,
    )
    sample = lookback_sample(
        round=round,
        categories=lookback.categories,
        last_days=lookback.last_days,
        random_share=lookback.random_share,
        seed=f"lookback-{lookback.pk}",
        complaints=lookback.complaints,
    )
    if not sample:
        raise ValidationError(
            _("These rules draw no closed task of the round."), code="empty_sample"
        )
    _trace(actor, "inspections.lookback.draw", lookback, None, drawn=len(sample))
    checks = LookBackCheck.objects.bulk_create(
        [
            LookBackCheck(lookback=lookback, task=task, node_id=task.node_id, reason=reason)
            for task, reason in sample
        ]
    )
    ledger.record_many(
        [
            ledger.Event(
                actor=actor,
                action="inspections.lookback.check",
                target=check,
                before=None,
                after=snapshot(check),
            )
            for check in checks
        ]
    )
    return lookback


@transaction.atomic
def check_decide(
    *,
    actor: Account,
    check: LookBackCheck,
    rectified: bool,
    comment: str,
    deadline: datetime.date | None = None,
) -> LookBackCheck:
    """Record the re-verification of a drawn task: really rectified, or not — then the task
    reopens as a new rectification task (same finding, measure, leader and department, a new
    deadline) linked to the closed one, whose timeline and file stay as they were and are told
    of the reopening."""
    _require(actor, "inspections:task:verify")
    check = LookBackCheck.objects.select_for_update().select_related("task__item").get(pk=check.pk)
    if check.outcome != LookBackCheck.Outcome.PENDING:
        raise ValidationError(_("This task was re-verified already."), code="decided")
    task = check.task
    if loop.SUPERVISING not in loop.relations(task.item, actor):
        raise PermissionDenied(_("Only the inspecting body re-verifies."))
    errors = {}
    if not comment.strip():
        errors["comment"] = ValidationError(
            _("Say what the re-verification found."), code="required"
        )
    if not rectified and deadline is None:
        errors["deadline"] = ValidationError(
            _("Give the new deadline of the reopened task."), code="required"
        )
    if errors:
        raise ValidationError(errors)
    before = snapshot(check)
    check.comment = comment.strip()
    check.checked_on = timing.today()
    check.checked_by = actor
    if rectified:
        check.outcome = LookBackCheck.Outcome.CONFIRMED
    else:
        check.outcome = LookBackCheck.Outcome.REOPENED
        successor = task_assign(
            actor=actor,
            finding=task.finding,
            measure=task.measure,
            deadline=deadline,
            leader=task.leader,
            department=task.department,
            reopens=task,
        )
        loop.item_comment(
            item=task.item,
            actor=actor,
            comment=_("Look-back: not really rectified (%(why)s). Reopened as task %(id)d.")
            % {"why": check.comment, "id": successor.item_id},
            data={"reopened_as": successor.item_id},
        )
    check.save(update_fields=["outcome", "comment", "checked_on", "checked_by"])
    _trace(actor, f"inspections.lookback.{check.outcome}", check, before)
    return check


@transaction.atomic
def round_summary_issue(*, actor: Account, round: Round):
    """The round's rectification summary as a Word document (its serial number taken): the
    completion rate per unit and per category, closed on time, overdue, reopened by look-backs,
    addressed to the body above the inspecting one."""
    from .selectors import completion

    if not has_perm(actor, "inspections:round:edit") or not has_perm(
        actor, "documents:document:issue"
    ):
        raise PermissionDenied(_("Your role does not do this."))
    by_unit = completion(viewer=actor, round=round, by="unit")
    if not by_unit:
        raise ValidationError(_("The round has no rectification tasks yet."), code="no_tasks")
    by_category = completion(viewer=actor, round=round, by="category")
    total = sum(c.tasks for c in by_unit)
    closed = sum(c.closed for c in by_unit)
    overdue = sum(c.overdue for c in by_unit)
    reopened = Task.objects.filter(finding__unit__round=round, reopens__isnull=False).count()

    def line(c) -> str:
        return _(
            "%(label)s: %(tasks)d tasks, %(closed)d closed (%(rate)s%%), %(overdue)d overdue."
        ) % {
            "label": c.label,
            "tasks": c.tasks,
            "closed": c.closed,
            "rate": c.rate if c.rate is not None else "—",
            "overdue": c.overdue,
        }

    paragraphs = [
        _(
            "%(round)s inspected %(units)d units: %(tasks)d rectification tasks, %(closed)d "
            "verified and closed, %(overdue)d overdue, %(reopened)d reopened by look-backs."
        )
        % {
            "round": round.title,
            "units": len(by_unit),
            "tasks": total,
            "closed": closed,
            "overdue": overdue,
            "reopened": reopened,
        },
        _("By unit:"),
        *[line(c) for c in by_unit],
        _("By category:"),
        *[line(c) for c in by_category],
    ]
    superior = round.inspecting_node.parent or round.inspecting_node
    return issue_document(
        doc_type="inspection_summary",
        issuer_node=round.inspecting_node,
        actor=actor,
        target=round,
        context={
            "recipient_unit": superior.name,
            "title": _("Rectification summary of %(round)s") % {"round": round.title},
            "paragraphs": paragraphs,
            "deadline": timing.today(),
        },
    )


# --- long-term tasks: milestones ---------------------------------------------------------------


def current_milestone(task: Task) -> Milestone | None:
    """The first milestone not yet reached, whose deadline the task's light follows."""
    return task.milestones.filter(reached_on__isnull=True).order_by("number").first()


def follow_milestone(task: Task) -> None:
    """Point the task's work item at its current milestone's deadline (inside a transaction)."""
    current = current_milestone(task)
    item = task.item
    if item.closed_at is None:
        loop.item_adjust(item=item, step_deadline=current.deadline if current else None)


@transaction.atomic
def milestones_set(*, actor, task: Task, milestones: Sequence[tuple[str, datetime.date]]) -> list:
    """Stage a long-term task: its milestones in order, each with its deadline, the last by the
    task's own; replaces milestones not yet reached or reported."""
    _require(actor, "inspections:round:edit")
    task = Task.objects.select_for_update().select_related("item").get(pk=task.pk)
    if task.item.closed_at is not None:
        raise _refuse("milestones", _("The task is closed."), "closed")
    if task.milestones.filter(reported_on__isnull=False).exists():
        raise _refuse(
            "milestones", _("Progress was reported on a milestone: they stay."), "reported"
        )
    errors, previous = [], None
    for number, (title, deadline) in enumerate(milestones, start=1):
        if not (title or "").strip():
            errors.append(_("Milestone %(n)d: give its title.") % {"n": number})
        elif deadline is None:
            errors.append(_("Milestone %(n)d: give its deadline.") % {"n": number})
        elif deadline > task.deadline:
            errors.append(
                _("Milestone %(n)d: its deadline falls after the task's.") % {"n": number}
            )
        elif previous is not None and deadline <= previous:
            errors.append(
                _("Milestone %(n)d: its deadline comes after the one before.") % {"n": number}
            )
        if deadline is not None:
            previous = deadline
    if errors:
        raise ValidationError({"milestones": [ValidationError(e, code="invalid") for e in errors]})
    for old in task.milestones.all():
        ledger.record(
            actor=actor,
            action="inspections.milestone.remove",
            target=old,
            before=snapshot(old),
            after=None,
        )
        old.delete()
    rows = []
    for number, (title, deadline) in enumerate(milestones, start=1):
        row = Milestone.objects.create(
            task=task, number=number, title=title.strip(), deadline=deadline
        )
        _trace(actor, "inspections.milestone.add", row, None)
        rows.append(row)
    before = snapshot(task.item)
    follow_milestone(task)
    loop_trace = snapshot(task.item)
    if loop_trace != before:
        ledger.record(
            actor=actor,
            action="loop.item.adjust",
            target=task.item,
            before=before,
            after=loop_trace,
        )
    return rows


@transaction.atomic
def milestone_report(
    *, actor, milestone: Milestone, comment: str, reached: bool, files: Sequence = ()
) -> Milestone:
    """The unit reports progress on a milestone (reached or not): the task's progress is the
    share of milestones reached, and once reached its light follows the next one."""
    milestone = (
        Milestone.objects.select_for_update().select_related("task__item").get(pk=milestone.pk)
    )
    task = milestone.task
    if milestone.reached_on is not None:
        raise _refuse("comment", _("This milestone was reached already."), "reached")
    current = current_milestone(task)
    if reached and current is not None and current.pk != milestone.pk:
        raise _refuse("comment", _("Reach the milestones in order."), "out_of_order")
    total = task.milestones.count()
    done = task.milestones.filter(reached_on__isnull=False).count() + (1 if reached else 0)
    loop.item_report_progress(
        item=task.item,
        actor=actor,
        percent=round(100 * done / total),
        comment=_("Milestone %(n)d, %(title)s: %(comment)s")
        % {"n": milestone.number, "title": milestone.title, "comment": (comment or "").strip()}
        if (comment or "").strip()
        else "",
        files=files,
    )
    before = snapshot(milestone)
    milestone.report = comment.strip()
    milestone.reported_on = timing.today()
    if reached:
        milestone.reached_on = timing.today()
    milestone.save(update_fields=["report", "reported_on", "reached_on"])
    _trace(actor, "inspections.milestone.report", milestone, before)
    task.item.refresh_from_db()
    before = snapshot(task.item)
    follow_milestone(task)
    after = snapshot(task.item)
    if after != before:
        ledger.record(
            actor=actor, action="loop.item.adjust", target=task.item, before=before, after=after
        )
    return milestone
