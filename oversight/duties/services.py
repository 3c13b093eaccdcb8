"""Writes of duty lists: templates (lists, areas, items), issuing a year's list to units, a
unit signing for its list, a supervisor scoring or reopening a report. Every write records a
ledger leaf in its own transaction; reports move only through the loop's services."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from oversight.core.measure_registry import MEASURES
from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.loop.models import WorkItem
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode
from oversight.schedules.rules import Monthly, Quarterly, next_working_day

from . import rules
from .models import DutyArea, DutyItem, DutyList, DutyRating, DutyReport, UnitList
from .workflows import KIND, is_locked

FIRST_YEAR, LAST_YEAR = 2000, 2100
TOTAL_POINTS = Decimal(100)


def _require(actor, code: str, message: str) -> None:
    if not has_perm(actor, code):
        raise PermissionDenied(message)


def _refuse(field: str, message: str, code: str):
    return ValidationError({field: ValidationError(message, code=code)})


def _points(value: Decimal) -> str:
    """Points as people write them: 110, 12.5."""
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def _issued(duty_list: DutyList) -> bool:
    return duty_list.unit_lists.exists()


# --- templates ---------------------------------------------------------------------------------


@transaction.atomic
def list_create(
    *, actor: Account, kind: str, title: str, year: int, owner_node: OrgNode
) -> DutyList:
    """A new (empty) duty list of ``kind`` for ``year``, issued by ``owner_node``."""
    _require(actor, "duties:template:edit", _("Your role does not edit duty lists."))
    title = title.strip()
    if not title:
        raise _refuse("title", _("A title is required."), "required")
    if kind not in DutyList.Kind.values:
        raise _refuse("kind", _("Choose a kind of list."), "invalid")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _refuse(
            "year",
            _("The year lies between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            "out_of_range",
        )
    if DutyList.objects.filter(kind=kind, year=year, title=title).exists():
        raise _refuse("title", _("This year already has a list of that kind and title."), "exists")
    duty_list = DutyList.objects.create(
        kind=kind, title=title, year=year, owner_node=owner_node, created_by=actor
    )
    ledger.record(
        actor=actor,
        action="duties.list.create",
        target=duty_list,
        before=None,
        after=snapshot(duty_list),
    )
    return duty_list


def _editable(duty_list: DutyList) -> None:
    if _issued(duty_list):
        raise ValidationError(
            _("This list has been issued to units: its items no longer change."), code="issued"
        )


@transaction.atomic
def area_add(*, actor: Account, duty_list: DutyList, title: str) -> DutyArea:
    """Add an area (the first level of the list's tree)."""
    _require(actor, "duties:template:edit", _("Your role does not edit duty lists."))
    _editable(duty_list)
    title = title.strip()
    if not title:
        raise _refuse("title", _("A title is required."), "required")
    area = DutyArea.objects.create(
        duty_list=duty_list, title=title, order=duty_list.areas.count() + 1
    )
    ledger.record(
        actor=actor,
        action="duties.area.add",
        target=duty_list,
        before=None,
        after=snapshot(area),
        details={"area": title},
    )
    return area


@transaction.atomic
def item_add(
    *,
    actor: Account,
    area: DutyArea,
    title: str,
    points: Decimal,
    requirement: str = "",
    evidence: str = "",
    schedule: str = DutyItem.Schedule.ONCE,
    due_on: datetime.date | None = None,
    due_day: int | None = None,
    rule: str = DutyItem.Rule.POINTS,
    params: dict | None = None,
    measure: str = "",
    unit_types: Sequence[str] = (),
    unit: OrgNode | None = None,
) -> DutyItem:
    """Add a duty to ``area``, with its points, reporting schedule and typed scoring rule (see
    ``rules``); an item computed from a measure has no reports and no schedule."""
    _require(actor, "duties:template:edit", _("Your role does not edit duty lists."))
    duty_list = area.duty_list
    _editable(duty_list)
    title = title.strip()
    errors = {}
    if not title:
        errors["title"] = ValidationError(_("A title is required."), code="required")
    if rule == rules.VETO:
        if points is None or points != 0:
            errors["points"] = ValidationError(
                _("A veto item is worth no points: enter 0."), code="veto_points"
            )
    elif points is None or points <= 0:
        errors["points"] = ValidationError(
            _("An item is worth more than 0 points."), code="not_positive"
        )
    measure = (measure or "").strip()
    if measure:
        if measure not in MEASURES:
            errors["measure"] = ValidationError(
                _("There is no measure %(id)s.") % {"id": measure}, code="unknown_measure"
            )
        elif rule not in rules.MEASURABLE:
            errors["rule"] = ValidationError(
                _(
                    "An item computed from a measure is scored per occurrence, by deduction, "
                    "threshold plus slope, rank or veto."
                ),
                code="not_measurable",
            )
    if measure:
        schedule = DutyItem.Schedule.ONCE  # computed over the list's year: no reports
    elif schedule == DutyItem.Schedule.ONCE:
        if due_on is None:
            errors["due_on"] = ValidationError(
                _("A duty reported once needs its due date."), code="required"
            )
        elif due_on.year != duty_list.year:
            errors["due_on"] = ValidationError(
                _("The due date must fall within the list's year (%(year)d).")
                % {"year": duty_list.year},
                code="outside_year",
            )
    elif schedule == DutyItem.Schedule.MONTHLY:
        if due_day is None or not 1 <= due_day <= 31:
            errors["due_day"] = ValidationError(
                _("A monthly duty needs the day of the month (1 to 31)."), code="invalid"
            )
    elif schedule == DutyItem.Schedule.QUARTERLY:
        if due_day is None or not 1 <= due_day <= 30:
            errors["due_day"] = ValidationError(
                _("A quarterly duty needs the working days after the quarter (1 to 30)."),
                code="invalid",
            )
    else:
        errors["schedule"] = ValidationError(_("Choose a reporting schedule."), code="invalid")
    if rule not in DutyItem.Rule.values:
        errors["rule"] = ValidationError(_("Choose a scoring rule."), code="invalid")
    else:
        try:
            params = rules.clean_params(rule, params, points)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    unknown = set(unit_types) - set(OrgNode.Type.values)
    if unknown:
        errors["unit_types"] = ValidationError(
            _("Unknown unit types: %(types)s") % {"types": ", ".join(sorted(unknown))},
            code="invalid",
        )
    if errors:
        raise ValidationError(errors)
    item = DutyItem.objects.create(
        area=area,
        title=title,
        requirement=requirement.strip(),
        evidence=evidence.strip(),
        points=points,
        schedule=schedule,
        due_on=due_on if schedule == DutyItem.Schedule.ONCE and not measure else None,
        due_day=None if schedule == DutyItem.Schedule.ONCE else due_day,
        rule=rule,
        params=params,
        measure=measure,
        unit_types=[] if unit else sorted(set(unit_types)),
        unit=unit,
        order=area.items.count() + 1,
    )
    ledger.record(
        actor=actor,
        action="duties.item.add",
        target=duty_list,
        before=None,
        after=snapshot(item),
        details={"item": title},
    )
    return item


@transaction.atomic
def item_remove(*, actor: Account, item: DutyItem) -> None:
    """Remove a duty from a list not issued yet (to change it: remove it and add it anew)."""
    _require(actor, "duties:template:edit", _("Your role does not edit duty lists."))
    duty_list = item.area.duty_list
    _editable(duty_list)
    before = snapshot(item)
    item.delete()
    ledger.record(
        actor=actor,
        action="duties.item.remove",
        target=duty_list,
        before=before,
        after=None,
        details={"item": before["title"]},
    )


@transaction.atomic
def reports_recheck(*, actor: Account, duty_list: DutyList) -> int:
    """Compare every report of the list's year again with its peers (after the commission
    changed the threshold, say) and set which each resembles; returns how many changed."""
    from .selectors import recheck_year

    _require(actor, "duties:report:score", _("Your role does not review duty reports."))
    found = recheck_year(duty_list)
    changed = [
        DutyReport(pk=pk, copied_from_id=peer)
        for pk, was in DutyReport.objects.filter(pk__in=list(found)).values_list(
            "pk", "copied_from"
        )
        if found[pk] != was
        for peer in [found[pk]]
    ]
    DutyReport.objects.bulk_update(changed, ["copied_from"], batch_size=1000)
    ledger.record(
        actor=actor,
        action="duties.list.recheck",
        target=duty_list,
        before=None,
        after=None,
        details={
            "reports": len(found),
            "changed": len(changed),
            "flagged": sum(1 for peer in found.values() if peer is not None),
            "threshold": str(duty_list.copy_threshold),
        },
    )
    return len(changed)


MIN_COPY_THRESHOLD, MAX_COPY_THRESHOLD = Decimal("0.30"), Decimal("1.00")


@transaction.atomic
def list_settings(*, actor: Account, duty_list: DutyList, copy_threshold: Decimal) -> DutyList:
    """The commission sets how alike two reports are before one is flagged as copied."""
    _require(actor, "duties:template:edit", _("Your role does not edit duty lists."))
    if copy_threshold is None or not MIN_COPY_THRESHOLD <= copy_threshold <= MAX_COPY_THRESHOLD:
        raise _refuse(
            "copy_threshold",
            _("Give a share from %(low)s to %(high)s.")
            % {"low": MIN_COPY_THRESHOLD, "high": MAX_COPY_THRESHOLD},
            "out_of_range",
        )
    duty_list = DutyList.objects.select_for_update().get(pk=duty_list.pk)
    before = snapshot(duty_list)
    duty_list.copy_threshold = copy_threshold
    duty_list.save(update_fields=["copy_threshold"])
    ledger.record(
        actor=actor,
        action="duties.list.settings",
        target=duty_list,
        before=before,
        after=snapshot(duty_list),
    )
    return duty_list


def _same_day(day: datetime.date | None, year: int) -> datetime.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return datetime.date(year, 2, 28)


@transaction.atomic
def list_copy(*, actor: Account, duty_list: DutyList, year: int) -> DutyList:
    """The list's version for ``year``: the same kind, title, areas and items (their dates
    moved to that year, each item keeping its line across the years), not yet issued."""
    _require(actor, "duties:template:edit", _("Your role does not edit duty lists."))
    duty_list = DutyList.objects.get(pk=duty_list.pk)  # as it stands (its threshold)
    copy = list_create(
        actor=actor,
        kind=duty_list.kind,
        title=duty_list.title,
        year=year,
        owner_node=duty_list.owner_node,
    )
    copy.copy_threshold = duty_list.copy_threshold
    copy.save(update_fields=["copy_threshold"])
    for area in duty_list.areas.prefetch_related("items"):
        new_area = DutyArea.objects.create(duty_list=copy, title=area.title, order=area.order)
        DutyItem.objects.bulk_create(
            DutyItem(
                area=new_area,
                title=i.title,
                requirement=i.requirement,
                evidence=i.evidence,
                points=i.points,
                schedule=i.schedule,
                due_on=_same_day(i.due_on, year),
                due_day=i.due_day,
                rule=i.rule,
                params=i.params,
                measure=i.measure,
                unit_types=i.unit_types,
                order=i.order,
                lineage=i.lineage,
                unit=i.unit,
            )
            for i in area.items.all()
        )
    ledger.record(
        actor=actor,
        action="duties.list.copy",
        target=copy,
        before=None,
        after=snapshot(copy),
        details={
            "from": duty_list.pk,
            "from_year": duty_list.year,
            "items": DutyItem.objects.filter(area__duty_list=copy).count(),
        },
    )
    return copy


# --- issuing to units --------------------------------------------------------------------------


def occurrences(item: DutyItem, year: int) -> list[tuple[str, datetime.date]]:
    """The reporting deadlines of ``item`` in ``year``, on the working-day calendar (a date
    falling on a holiday moves to the next working day, as the schedule service's rules do)."""
    cal = timing.calendar()
    if item.schedule == DutyItem.Schedule.ONCE:
        return [(str(year), next_working_day(cal, item.due_on))]
    rule = (
        Monthly(day=item.due_day)
        if item.schedule == DutyItem.Schedule.MONTHLY
        else Quarterly(working_days=item.due_day)
    )
    found = rule.occurrences(cal, datetime.date(year, 1, 1), datetime.date(year + 1, 3, 31))
    return [(o.key, o.due) for o in found if o.key.startswith(str(year))]


@transaction.atomic
def list_issue(
    *,
    actor: Account,
    duty_list: DutyList,
    nodes: Sequence[OrgNode] = (),
    supervising_node: OrgNode,
    node_types: Sequence[str] = (),
) -> list[UnitList]:
    """Issue ``duty_list`` to each of ``nodes`` and to every active unit of ``node_types`` in
    the actor's scope not issued to yet: a unit list, and for each item that applies to the
    unit's type one report (a ``duties.report`` work item) per deadline still ahead."""
    _require(actor, "duties:list:issue", _("Your role does not issue duty lists."))
    nodes = list(nodes)
    if node_types:
        from oversight.orgs.selectors import node_list

        issued_to = UnitList.objects.filter(duty_list=duty_list).values("node")
        chosen = {n.pk for n in nodes}
        nodes += [
            n
            for n in node_list(viewer=actor, include_inactive=False)
            .filter(type__in=list(node_types))
            .exclude(pk__in=issued_to)
            .order_by("path")
            if n.pk not in chosen
        ]
    items = list(DutyItem.objects.filter(area__duty_list=duty_list))
    if not items:
        raise ValidationError(_("The list has no items yet."), code="empty")
    if not nodes:
        raise _refuse("nodes", _("Choose the units to issue the list to."), "required")
    already = UnitList.objects.filter(duty_list=duty_list, node__in=nodes).select_related("node")
    if already:
        raise _refuse(
            "nodes",
            _("Already issued to: %(units)s") % {"units": ", ".join(u.node.name for u in already)},
            "already_issued",
        )
    for node in nodes:
        total = sum((i.points for i in items if i.applies_to(node)), Decimal(0))
        if total != TOTAL_POINTS:
            raise _refuse(
                "nodes",
                _(
                    "The items that apply to %(unit)s total %(total)s points; a list is issued "
                    "when they total %(full)s."
                )
                % {"unit": node.name, "total": _points(total), "full": TOTAL_POINTS},
                "points_total",
            )
    today = timing.today()
    schedule = {
        item.pk: [] if item.is_measured else occurrences(item, duty_list.year) for item in items
    }
    issued = []
    for node in nodes:
        unit_list = UnitList.objects.create(
            duty_list=duty_list, node=node, supervising_node=supervising_node, issued_by=actor
        )
        for item in items:
            if not item.applies_to(node):
                continue
            for key, due in schedule[item.pk]:
                if due < today:
                    continue
                work = loop.item_open(
                    kind=KIND,
                    title=f"{item.title} ({key})",
                    description=item.requirement,
                    actor=actor,
                    responsible_node=node,
                    supervising_node=supervising_node,
                    final_deadline=due,
                    announce=False,
                )
                DutyReport.objects.create(
                    unit_list=unit_list, duty_item=item, key=key, due=due, item=work
                )
        ledger.record(
            actor=actor,
            action="duties.list.issue",
            target=unit_list,
            before=None,
            after=snapshot(unit_list),
            details={"list": str(duty_list), "unit": node.name},
        )
        issued.append(unit_list)
    return issued


@transaction.atomic
def unit_list_sign(*, actor: Account, unit_list: UnitList) -> UnitList:
    """The unit signs for its list (签收): once, by someone of the unit."""
    if actor.org_node_id != unit_list.node_id or not has_perm(actor, "duties:list:view"):
        raise PermissionDenied(_("Only the unit itself signs for its list."))
    unit_list = UnitList.objects.select_for_update().get(pk=unit_list.pk)
    if unit_list.signed_at is not None:
        raise ValidationError(_("The list has been signed for already."), code="signed")
    before = snapshot(unit_list)
    unit_list.signed_at = timezone.now()
    unit_list.signed_by = actor
    unit_list.save(update_fields=["signed_at", "signed_by"])
    ledger.record(
        actor=actor,
        action="duties.list.sign",
        target=unit_list,
        before=before,
        after=snapshot(unit_list),
    )
    return unit_list


# --- reports -----------------------------------------------------------------------------------


def _supervises(actor, report: DutyReport) -> None:
    if not has_perm(actor, "duties:report:score") or loop.SUPERVISING not in loop.relations(
        report.item, actor
    ):
        raise PermissionDenied(_("Only the supervising body reviews this report."))


@transaction.atomic
def report_reopen(
    *, actor: Account, report: DutyReport, until: datetime.date, reason: str
) -> DutyReport:
    """Reopen a report locked after its deadline, until ``until``, for a recorded reason."""
    _supervises(actor, report)
    report = DutyReport.objects.select_for_update().select_related("item").get(pk=report.pk)
    today = timing.today()
    errors = {}
    if not reason.strip():
        errors["reason"] = ValidationError(_("Say why the entry is reopened."), code="required")
    if until is None or until < today:
        errors["until"] = ValidationError(_("Reopen until today or a later day."), code="past")
    if errors:
        raise ValidationError(errors)
    if not report.item.is_open or not is_locked(report, today):
        raise ValidationError(_("This report's entry is not locked."), code="not_locked")
    before = snapshot(report)
    report.reopened_until = until
    report.save(update_fields=["reopened_until"])
    ledger.record(
        actor=actor,
        action="duties.report.reopen",
        target=report.item,
        before=before,
        after=snapshot(report),
        details={"until": until.isoformat(), "reason": reason.strip()},
    )
    return report


def report_accept(
    *,
    actor: Account,
    report: DutyReport,
    score: Decimal | None = None,
    value: Decimal | None = None,
    reason: str = "",
) -> WorkItem:
    """Accept a report (the loop's ``accept`` step, whose hook scores it by its item's rule):
    with ``score`` (points within the item's) under the rule ``points``, with ``value`` under
    the rules that compute points from a value, with neither under ``average`` (the mean of
    the ratings given)."""
    _supervises(actor, report)
    data = {}
    if score is not None:
        data["score"] = str(score)
    if value is not None:
        data["value"] = str(value)
    return loop.item_transition(
        item=report.item, name="accept", actor=actor, comment=reason, data=data
    )


@transaction.atomic
def report_rate(
    *, actor: Account, report: DutyReport, score: Decimal, reason: str = ""
) -> DutyRating:
    """One rater's points for a report of an item scored as the average of several raters;
    a rater who rates again replaces their points (both recorded)."""
    _supervises(actor, report)
    report = DutyReport.objects.select_related("item", "duty_item").get(pk=report.pk)
    item = report.duty_item
    if item.rule != rules.AVERAGE:
        raise ValidationError(
            _("This item is not scored as the average of several raters."), code="not_average"
        )
    if report.item.state != "submitted":
        raise ValidationError(_("Only a report awaiting review is rated."), code="not_submitted")
    if score is None or not Decimal(0) <= score <= item.points:
        raise _refuse(
            "score",
            _("The score lies between 0 and %(points)s.") % {"points": _points(item.points)},
            "out_of_range",
        )
    rating = DutyRating.objects.filter(report=report, rater=actor).first()
    before = snapshot(rating) if rating else None
    if rating is None:
        rating = DutyRating(report=report, rater=actor)
    rating.score, rating.reason, rating.rated_at = score, reason.strip(), timezone.now()
    rating.save()
    ledger.record(
        actor=actor,
        action="duties.report.rate",
        target=report.item,
        before=before,
        after=snapshot(rating),
        details={"score": str(score)},
    )
    return rating


# --- Excel import of a list's items --------------------------------------------------------------

IMPORT_COLUMNS = [
    ("area", _lazy("area")),
    ("title", _lazy("duty")),
    ("requirement", _lazy("requirement")),
    ("evidence", _lazy("evidence expected")),
    ("points", _lazy("points")),
    ("schedule", _lazy("reporting schedule")),
    ("due_on", _lazy("due date")),
    ("due_day", _lazy("day of the deadline")),
    ("rule", _lazy("scoring rule")),
    ("unit_types", _lazy("unit types")),
    ("params", _lazy("parameters of the rule")),
    ("measure", _lazy("computed from the measure")),
]
IMPORT_REQUIRED = ["area", "title", "points"]


def parse_params(text: str) -> tuple[dict, str]:
    """Parameters written ``per=2; cap=10`` (a rank table ``table=10,8,6``): the dict, and the
    first part that is not ``name=value`` (empty when all are)."""
    params = {}
    for part in (text or "").replace("；", ";").split(";"):
        if not part.strip():
            continue
        name, sep, value = part.replace("＝", "=").partition("=")
        if not sep or not name.strip():
            return params, part.strip()
        params[name.strip()] = value.strip()
    return params, ""


def _choice(value: str, choices) -> str:
    """A choice given by its code or its label in either language."""
    from django.utils import translation

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
def items_import(*, actor: Account, duty_list: DutyList, rows: Sequence[dict]) -> int:
    """Add the items of ``rows`` (read from an Excel sheet: one item a row, its area by title,
    created when new) to ``duty_list``: all of them, or none, with every row's errors named."""
    _require(actor, "duties:template:edit", _("Your role does not edit duty lists."))
    _editable(duty_list)
    if not rows:
        raise _refuse("file", _("The sheet has no rows."), "empty")
    errors: list[str] = []
    areas = {a.title: a for a in duty_list.areas.all()}
    created = 0
    for row in rows:
        number = row["_row"]
        problems: list[str] = []
        try:
            points = Decimal(row.get("points", "") or "x")
        except ArithmeticError:
            points = None
            problems.append(_("points: give a number"))
        due_on = None
        if row.get("due_on"):
            try:
                due_on = datetime.date.fromisoformat(row["due_on"][:10])
            except ValueError:
                problems.append(_("due date: write it as 2026-06-30"))
        due_day = None
        if row.get("due_day"):
            try:
                due_day = int(float(row["due_day"]))
            except ValueError:
                problems.append(_("day of the deadline: give a whole number"))
        params, bad = parse_params(row.get("params", ""))
        if bad:
            problems.append(
                _("parameters of the rule: write them as per=2; cap=10, not %(text)s")
                % {"text": bad}
            )
        if problems:
            errors.append(_("Row %(n)d: %(errors)s") % {"n": number, "errors": "; ".join(problems)})
            continue
        area_title = row.get("area", "").strip()
        try:
            with transaction.atomic():
                area = areas.get(area_title)
                if area is None:
                    area = areas[area_title] = area_add(
                        actor=actor, duty_list=duty_list, title=area_title
                    )
                item_add(
                    actor=actor,
                    area=area,
                    title=row.get("title", ""),
                    requirement=row.get("requirement", ""),
                    evidence=row.get("evidence", ""),
                    points=points,
                    schedule=_choice(row.get("schedule") or "once", DutyItem.Schedule.choices),
                    due_on=due_on,
                    due_day=due_day,
                    rule=_choice(row.get("rule") or "points", DutyItem.Rule.choices),
                    params=params,
                    measure=row.get("measure", ""),
                    unit_types=[
                        _choice(t, OrgNode.Type.choices)
                        for t in row.get("unit_types", "").replace("、", ",").split(",")
                        if t.strip()
                    ],
                )
                created += 1
        except ValidationError as exc:
            if not DutyArea.objects.filter(pk=getattr(areas.get(area_title), "pk", None)).exists():
                areas.pop(area_title, None)  # the area made for this row was rolled back
            messages = (
                [
                    f"{IMPORT_LABELS.get(field, field)}: {' '.join(texts)}"
                    for field, texts in exc.message_dict.items()
                ]
                if hasattr(exc, "error_dict")
                else exc.messages
            )
            errors.append(_("Row %(n)d: %(errors)s") % {"n": number, "errors": "; ".join(messages)})
    if errors:
        raise ValidationError({"file": [ValidationError(e, code="row") for e in errors]})
    return created


IMPORT_LABELS = dict(IMPORT_COLUMNS)
