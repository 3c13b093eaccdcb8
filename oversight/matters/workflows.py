"""Major matters (督查督办) and their tasks as kinds of work item.

A matter is the container a leader or supervisor registers; its tasks are sub-items assigned to
lead and assisting units. A task is reported with evidence, verified or returned by the
supervising side, and closed (销号) on verification; the matter closes when every task has.
"""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.loop.registry import register
from oversight.loop.services import issue_on_entry
from oversight.loop.workflow import RESPONSIBLE, SUPERVISING, Limit, State, Transition, Workflow


def _all_tasks_closed(*, item, event, actor) -> None:
    if item.children.filter(closed_at__isnull=True).exists():
        raise ValidationError(
            _("Every task must be closed before the matter closes."), code="tasks_open"
        )


def _matter_url(item) -> str:
    return reverse("matters:matter_detail", args=[item.pk])


MATTER = register(
    Workflow(
        kind="matters.matter",
        label=_("Major matter"),
        initial="in_progress",
        states=[
            State("in_progress", _("In progress")),
            State("closed", _("Closed"), terminal=True),
        ],
        transitions=[
            Transition(
                "close",
                _("Close the matter"),
                source=["in_progress"],
                target="closed",
                permission="matters:matter:close",
                actor=SUPERVISING,
                on_enter=[_all_tasks_closed],
            ),
        ],
        detail_url=_matter_url,
    )
)

TASK = register(
    Workflow(
        kind="matters.task",
        label=_("Matter task"),
        initial="assigned",
        states=[
            State("assigned", _("Assigned"), waiting_on=RESPONSIBLE),
            State(
                "submitted",
                _("Reported, awaiting verification"),
                waiting_on=SUPERVISING,
                limit=Limit(5, working=True),
            ),
            State(
                "returned",
                _("Returned for rework"),
                waiting_on=RESPONSIBLE,
                limit=Limit(10, working=True),
            ),
            State("closed", _("Verified and closed"), terminal=True),
        ],
        transitions=[
            Transition(
                "submit",
                _("Report completion"),
                source=["assigned", "returned"],
                target="submitted",
                permission="loop:item:handle",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
            ),
            Transition(
                "return",
                _("Return for rework"),
                source=["submitted"],
                target="returned",
                permission="loop:item:supervise",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
                on_enter=[issue_on_entry("rectification_notice")],
            ),
            Transition(
                "verify",
                _("Verify and close"),
                source=["submitted"],
                target="closed",
                permission="loop:item:supervise",
                actor=SUPERVISING,
            ),
        ],
    )
)
