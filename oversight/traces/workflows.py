"""A flagged path taken up for checking as a kind of work item (``traces.finding``): the unit
of the person explains (checking → explained), the commission confirms it as a problem or
dismisses it. Moved only by ``loop.services``."""

from django.utils.translation import gettext_lazy as _

from oversight.loop.registry import register
from oversight.loop.workflow import RESPONSIBLE, SUPERVISING, Limit, State, Transition, Workflow

KIND = "traces.finding"

FINDING = register(
    Workflow(
        kind=KIND,
        label=_("Flagged path of the trace graph"),
        initial="checking",
        states=[
            State(
                "checking",
                _("To be explained by the unit"),
                waiting_on=RESPONSIBLE,
                limit=Limit(10, working=True),
            ),
            State("explained", _("Explained, awaiting the commission"), waiting_on=SUPERVISING),
            State("confirmed", _("Confirmed as a problem"), terminal=True),
            State("dismissed", _("Dismissed"), terminal=True),
        ],
        transitions=[
            Transition(
                "explain",
                _("Explain"),
                source=["checking"],
                target="explained",
                permission="traces:finding:explain",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
            ),
            Transition(
                "confirm",
                _("Confirm as a problem"),
                source=["explained"],
                target="confirmed",
                permission="traces:finding:handle",
                actor=SUPERVISING,
                requires_comment=True,
            ),
            Transition(
                "dismiss",
                _("Dismiss"),
                source=["explained"],
                target="dismissed",
                permission="traces:finding:handle",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
        ],
    )
)
