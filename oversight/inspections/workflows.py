"""Two kinds of work item:

``inspections.rectification``: a rectification task, assigned to the inspected unit → being
rectified → reported with evidence → verified and closed against the list (对账销号), or
returned with a rectification notice; immediate tasks (立行立改) carry short deadlines.

``inspections.report``: the unit's rectification report, due two months after the feedback
(巡视工作条例 art. 27), opened by the schedule service: drafted with evidence, signed by the
unit's head (签字背书: someone holding a leading post at the unit), then accepted or returned by
the inspecting body."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.loop import timing
from oversight.loop.registry import register
from oversight.loop.services import issue_on_entry
from oversight.loop.workflow import (
    AUDIENCE_RESPONSIBLE,
    AUDIENCE_RESPONSIBLE_LEADERS,
    AUDIENCE_SUPERVISING,
    RESPONSIBLE,
    SUPERVISING,
    Audience,
    Limit,
    Rung,
    State,
    Transition,
    Workflow,
)

KIND = "inspections.rectification"
REPORT_KIND = "inspections.report"


def _trace(actor, action: str, row, before) -> None:
    ledger.record(actor=actor, action=action, target=row, before=before, after=snapshot(row))


def _reported(*, item, event, actor) -> None:
    task = item.rectification
    before = snapshot(task)
    task.result = event.comment
    task.reported_on = timing.today()
    task.save(update_fields=["result", "reported_on"])
    _trace(actor, "inspections.task.report", task, before)


def _verified(*, item, event, actor) -> None:
    task = item.rectification
    before = snapshot(task)
    task.verified_on = timing.today()
    task.save(update_fields=["verified_on"])
    _trace(actor, "inspections.task.verify", task, before)


def _follow_milestone(*, item, event, actor) -> None:
    """A long-term task's step deadline is its current milestone's, whatever state it enters."""
    from .models import Milestone

    current = (
        Milestone.objects.filter(task__item=item, reached_on__isnull=True)
        .order_by("number")
        .first()
    )
    if current is not None:
        from oversight.loop.services import item_adjust

        item_adjust(item=item, step_deadline=current.deadline)


def _signed_by_head(*, item, event, actor) -> None:
    """Only the unit's head signs: its named head, else anyone holding a leading post there."""
    from .selectors import signs_for

    if not signs_for(actor, item.inspected_unit):
        raise ValidationError(
            _("Only the unit's head signs its rectification report."), code="not_head"
        )


def _leader_in_charge(item) -> list:
    """The accounts of the task's leader in charge (分管领导), if the task names one."""
    from oversight.orgs.models import Account

    task = getattr(item, "rectification", None)
    if task is None or task.leader_id is None:
        return []
    return list(Account.objects.filter(person_id=task.leader_id, is_active=True))


LEADER_IN_CHARGE = "leader_in_charge"

# Jiangjin's practice, the commission's to change (``loop.KindSetting.ladder``, on the loop's
# calendar and lights page): green to the officer in charge 20 days before, yellow adding the
# leader in charge at 10 days, red to the unit and its party secretary once overdue.
LADDER = (
    Rung("green", 20, (AUDIENCE_RESPONSIBLE,)),
    Rung("yellow", 10, (AUDIENCE_RESPONSIBLE, LEADER_IN_CHARGE)),
    Rung(
        "red",
        0,
        (
            AUDIENCE_RESPONSIBLE,
            LEADER_IN_CHARGE,
            AUDIENCE_RESPONSIBLE_LEADERS,
            AUDIENCE_SUPERVISING,
        ),
    ),
)


def _task_url(item) -> str:
    return reverse("inspections:task_detail", args=[item.pk])


def _report_url(item) -> str:
    return reverse("inspections:unit_detail", args=[item.inspected_unit.pk])


RECTIFICATION = register(
    Workflow(
        kind=KIND,
        label=_("Rectification task"),
        initial="assigned",
        states=[
            State("assigned", _("Assigned"), waiting_on=RESPONSIBLE),
            State("rectifying", _("Being rectified"), waiting_on=RESPONSIBLE),
            State(
                "reported",
                _("Reported, awaiting verification"),
                waiting_on=SUPERVISING,
                limit=Limit(10, working=True),
            ),
            State("closed", _("Verified and closed (销号)"), terminal=True),
        ],
        transitions=[
            Transition(
                "start",
                _("Start rectifying"),
                source=["assigned"],
                target="rectifying",
                permission="loop:item:handle",
                actor=RESPONSIBLE,
                on_enter=[_follow_milestone],
            ),
            Transition(
                "report",
                _("Report the result with evidence"),
                source=["assigned", "rectifying"],
                target="reported",
                permission="loop:item:handle",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
                on_enter=[_reported],
            ),
            Transition(
                "return",
                _("Return: not rectified"),
                source=["reported"],
                target="rectifying",
                permission="inspections:task:verify",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
                on_enter=[issue_on_entry("rectification_notice"), _follow_milestone],
            ),
            Transition(
                "verify",
                _("Verify and close against the list"),
                source=["reported"],
                target="closed",
                permission="inspections:task:verify",
                actor=SUPERVISING,
                on_enter=[_verified],
            ),
        ],
        yellow_days=10,
        remind_days_before=20,
        escalate_every_days=5,
        detail_url=_task_url,
        ladder=LADDER,
        audiences=(
            Audience(LEADER_IN_CHARGE, _("the task's leader in charge"), _leader_in_charge),
        ),
    )
)

REPORT = register(
    Workflow(
        kind=REPORT_KIND,
        label=_("Inspection rectification report"),
        initial="open",
        states=[
            State("open", _("To write"), waiting_on=RESPONSIBLE),
            State("signing", _("Awaiting the head's signature"), waiting_on=RESPONSIBLE),
            State(
                "filed",
                _("Signed and filed, awaiting review"),
                waiting_on=SUPERVISING,
                limit=Limit(10, working=True),
            ),
            State("accepted", _("Accepted"), terminal=True),
        ],
        transitions=[
            Transition(
                "submit",
                _("Submit the report"),
                source=["open"],
                target="signing",
                permission="loop:item:handle",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
            ),
            Transition(
                "sign",
                _("Sign as the unit's head"),
                source=["signing"],
                target="filed",
                permission="inspections:report:sign",
                actor=RESPONSIBLE,
                on_enter=[_signed_by_head],
            ),
            Transition(
                "return",
                _("Return the report"),
                source=["filed"],
                target="open",
                permission="inspections:task:verify",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
            Transition(
                "accept",
                _("Accept the report"),
                source=["filed"],
                target="accepted",
                permission="inspections:task:verify",
                actor=SUPERVISING,
            ),
        ],
        yellow_days=10,
        remind_days_before=10,
        detail_url=_report_url,
    )
)
