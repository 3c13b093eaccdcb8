"""The kinds the engine's own tests run on, declared here so the loop is tested without any
module above it: a case (a container that closes once every step below it has) and a step
(reported with evidence by the responsible side, verified or returned by the supervising side,
a return issuing a rectification notice). Each module tests its own kinds beside their
declaration (``matters/tests/test_workflows.py`` …)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from oversight.loop.services import issue_on_entry
from oversight.loop.workflow import RESPONSIBLE, SUPERVISING, Limit, State, Transition, Workflow

CASE = "looptest.case"
STEP = "looptest.step"


def _children_closed(*, item, event, actor) -> None:
    if item.children.filter(closed_at__isnull=True).exists():
        raise ValidationError("Every step must be closed before the case closes.", code="open")


CASE_KIND = Workflow(
    kind=CASE,
    label="Test case",
    initial="in_progress",
    states=[State("in_progress", "In progress"), State("closed", "Closed", terminal=True)],
    transitions=[
        Transition(
            "close",
            "Close the case",
            source=["in_progress"],
            target="closed",
            permission="loop:item:supervise",
            actor=SUPERVISING,
            on_enter=[_children_closed],
        )
    ],
)

STEP_KIND = Workflow(
    kind=STEP,
    label="Test step",
    initial="assigned",
    states=[
        State("assigned", "Assigned", waiting_on=RESPONSIBLE),
        State("submitted", "Submitted", waiting_on=SUPERVISING, limit=Limit(5, working=True)),
        State("returned", "Returned", waiting_on=RESPONSIBLE, limit=Limit(10, working=True)),
        State("closed", "Closed", terminal=True),
    ],
    transitions=[
        Transition(
            "submit",
            "Submit",
            source=["assigned", "returned"],
            target="submitted",
            permission="loop:item:handle",
            actor=RESPONSIBLE,
            requires_comment=True,
            allows_attachments=True,
        ),
        Transition(
            "return",
            "Return",
            source=["submitted"],
            target="returned",
            permission="loop:item:supervise",
            actor=SUPERVISING,
            requires_comment=True,
            on_enter=[issue_on_entry("rectification_notice")],
        ),
        Transition(
            "verify",
            "Verify",
            source=["submitted"],
            target="closed",
            permission="loop:item:supervise",
            actor=SUPERVISING,
        ),
    ],
)

KINDS = (CASE_KIND, STEP_KIND)
