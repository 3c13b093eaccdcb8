"""Writes of joint supervision: plans, findings and clue hand-overs; each records a ledger leaf
in its own transaction; hand-overs move only through the loop's services."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode

from .models import Handover, JointFinding, Plan
from .selectors import departments_of
from .workflows import KIND


def _require(actor, code: str) -> None:
    if not has_perm(actor, code):
        raise PermissionDenied(_("Your role does not do this."))


def _trace(actor, action: str, row, before) -> None:
    ledger.record(actor=actor, action=action, target=row, before=before, after=snapshot(row))


def department_in(actor, plan: Plan) -> OrgNode | None:
    """The member department of ``plan`` the actor works in (their node or an ancestor)."""
    chain = departments_of(actor)
    for member in plan.members.filter(pk__in=chain).order_by("-path"):
        return member
    return None


@transaction.atomic
def plan_create(
    *,
    actor: Account,
    title: str,
    lead: OrgNode,
    members: Sequence[OrgNode],
    units: Sequence[OrgNode],
    starts_on: datetime.date,
    ends_on: datetime.date,
    themes: str = "",
) -> Plan:
    """A joint plan: the lead department, the other members (the lead is always one), the
    units and themes, and the period."""
    _require(actor, "joint:plan:edit")
    title = title.strip()
    departments = {m.pk: m for m in [lead, *members] if m is not None}
    errors = {}
    if not title:
        errors["title"] = ValidationError(_("A title is required."), code="required")
    if lead is None:
        errors["lead"] = ValidationError(_("Choose the lead department."), code="required")
    if len(departments) < 2:
        errors["members"] = ValidationError(
            _("A joint plan has at least two departments."), code="too_few"
        )
    if not units:
        errors["units"] = ValidationError(_("Choose the units supervised."), code="required")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = ValidationError(
            _("The plan cannot end before it starts."), code="before_start"
        )
    if errors:
        raise ValidationError(errors)
    plan = Plan.objects.create(
        title=title,
        lead=lead,
        themes=themes.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    plan.members.set(list(departments.values()))
    plan.units.set(list(units))
    _trace(actor, "joint.plan.create", plan, None)
    return plan


@transaction.atomic
def finding_record(
    *, actor: Account, plan: Plan, unit: OrgNode, description: str, shared: bool = True
) -> JointFinding:
    """A member department records what it found at one of the plan's units."""
    _require(actor, "joint:finding:record")
    department = department_in(actor, plan)
    if department is None:
        raise PermissionDenied(_("Your department does not take part in this plan."))
    errors = {}
    if unit is None or not plan.units.filter(pk=unit.pk).exists():
        errors["unit"] = ValidationError(
            _("The unit is not one of the plan's."), code="not_in_plan"
        )
    if not description.strip():
        errors["description"] = ValidationError(_("Describe the finding."), code="required")
    if timing.today() > plan.ends_on:
        errors["description"] = ValidationError(_("The plan has ended."), code="plan_ended")
    if errors:
        raise ValidationError(errors)
    finding = JointFinding.objects.create(
        plan=plan,
        unit=unit,
        department=department,
        description=description.strip(),
        shared=shared,
        created_by=actor,
    )
    _trace(actor, "joint.finding.record", finding, None)
    return finding


@transaction.atomic
def handover(
    *,
    actor: Account,
    finding: JointFinding,
    to_department: OrgNode,
    feedback_by: datetime.date,
) -> Handover:
    """Hand ``finding`` over to the member department it belongs to: a ``joint.handover`` work
    item, to be accepted within 5 working days and its outcome reported back by
    ``feedback_by``."""
    _require(actor, "joint:finding:record")
    plan = finding.plan
    if finding.department_id not in departments_of(actor):
        raise PermissionDenied(_("Only the department that recorded a finding hands it over."))
    errors = {}
    if to_department is None or not plan.members.filter(pk=to_department.pk).exists():
        errors["to_department"] = ValidationError(
            _("Hand over to a department of the plan."), code="not_member"
        )
    elif to_department.pk == finding.department_id:
        errors["to_department"] = ValidationError(
            _("The finding is already this department's."), code="same_department"
        )
    accept_by = timing.calendar().add_working_days(timing.today(), 5)
    if feedback_by is None or feedback_by <= accept_by:
        errors["feedback_by"] = ValidationError(
            _("The feedback is due after the acceptance deadline (%(date)s).")
            % {"date": accept_by},
            code="too_soon",
        )
    if errors:
        raise ValidationError(errors)
    item = loop.item_open(
        kind=KIND,
        title=_("Hand-over: %(finding)s") % {"finding": finding.description[:80]},
        description=finding.description,
        actor=actor,
        responsible_node=to_department,
        supervising_node=finding.department,
        final_deadline=feedback_by,
    )
    row = Handover.objects.create(
        finding=finding, to_department=to_department, item=item, feedback_by=feedback_by
    )
    _trace(actor, "joint.handover.create", row, None)
    return row


@transaction.atomic
def report_issue(*, actor: Account, plan: Plan):
    """The joint report (Word, through ``documents``): the plan, then per unit each department's
    findings the lead department sees (shared with the plan, its own, handed to it) side by side with the unit's figures from the other
    modules, then the hand-overs and the outcomes reported back. Drafted by the lead department
    at the end of the plan (or before it, as an interim report as of today); addressed to the
    body above the lead."""
    from oversight.documents.services import issue_document

    from .selectors import combined, handover_list

    _require(actor, "documents:document:issue")
    if not has_perm(actor, "joint:plan:view") or plan.lead_id not in departments_of(actor):
        raise PermissionDenied(_("Only the plan's lead department drafts its joint report."))
    rows = combined(viewer=actor, plan=plan, department=plan.lead)
    handovers = list(handover_list(viewer=actor, plan=plan, department=plan.lead))
    if not any(any(cell) for row in rows for cell in row["cells"]) and not handovers:
        raise ValidationError(_("The plan has no findings yet."), code="no_findings")
    today = timing.today()
    members = list(plan.members.order_by("path"))
    findings = sum(len(cell) for row in rows for cell in row["cells"])
    paragraphs = [
        _(
            "%(plan)s: %(lead)s led %(count)d departments (%(members)s) in supervising "
            "%(units)d units from %(start)s to %(end)s; %(findings)d findings were recorded "
            "and %(handovers)d handed over to the department they belong to."
        )
        % {
            "plan": plan.title,
            "lead": plan.lead.name,
            "count": len(members),
            "members": "、".join(m.name for m in members),
            "units": len(rows),
            "start": plan.starts_on,
            "end": plan.ends_on,
            "findings": findings,
            "handovers": len(handovers),
        }
    ]
    if plan.themes.strip():
        paragraphs.append(_("Themes: %(themes)s") % {"themes": " ".join(plan.themes.split())})
    if today < plan.ends_on:
        paragraphs.append(
            _("This is an interim report as of %(today)s; the plan runs until %(end)s.")
            % {"today": today, "end": plan.ends_on}
        )
    paragraphs.append(_("Findings by unit:"))
    for row in rows:
        parts = [
            _("%(department)s: %(findings)s")
            % {
                "department": member.name,
                "findings": "；".join(f.description.strip() for f in cell),
            }
            for member, cell in zip(members, row["cells"], strict=True)
            if cell
        ]
        figures = [
            f"{measure.label} {figure.value}"
            for measure, figure in row["figures"]
            if figure.value is not None
        ]
        line = f"{row['unit'].name} — {'　'.join(parts) if parts else _('no findings')}"
        if figures:
            line += _(" (this month: %(figures)s)") % {"figures": "，".join(figures)}
        paragraphs.append(line)
    if handovers:
        paragraphs.append(_("Clue hand-overs:"))
        for h in handovers:
            paragraphs.append(
                _("%(finding)s — from %(source)s to %(target)s, feedback due %(due)s: %(state)s.")
                % {
                    "finding": h.finding.description.strip()[:120],
                    "source": h.finding.department.name,
                    "target": h.to_department.name,
                    "due": h.feedback_by,
                    "state": h.item.state_label,
                }
                + (
                    " " + _("Outcome: %(outcome)s") % {"outcome": h.outcome.strip()}
                    if h.outcome
                    else ""
                )
            )
    superior = plan.lead.parent or plan.lead
    return issue_document(
        doc_type="joint_report",
        issuer_node=plan.lead,
        actor=actor,
        target=plan,
        context={
            "recipient_unit": superior.name,
            "title": _("Joint supervision report: %(plan)s") % {"plan": plan.title},
            "paragraphs": paragraphs,
            "deadline": today,
        },
    )
