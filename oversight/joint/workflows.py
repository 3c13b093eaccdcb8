"""A clue hand-over (``joint.handover``): the receiving department (responsible) accepts within
5 working days, handles it and reports the outcome back by the feedback deadline; the handing
department (supervising) confirms the outcome or sends it back."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.loop.registry import register
from oversight.loop.workflow import RESPONSIBLE, SUPERVISING, Limit, State, Transition, Workflow

KIND = "joint.handover"


def _url(item) -> str:
    return reverse("joint:plan_detail", args=[item.handover.finding.plan_id])


HANDOVER = register(
    Workflow(
        kind=KIND,
        label=_("Clue hand-over"),
        initial="handed_over",
        states=[
            State(
                "handed_over",
                _("Handed over, awaiting acceptance"),
                waiting_on=RESPONSIBLE,
                limit=Limit(5, working=True),
            ),
            State("handling", _("Accepted, being handled"), waiting_on=RESPONSIBLE),
            State(
                "reported",
                _("Outcome reported back"),
                waiting_on=SUPERVISING,
                limit=Limit(5, working=True),
            ),
            State("closed", _("Outcome confirmed"), terminal=True),
        ],
        transitions=[
            Transition(
                "accept",
                _("Accept the hand-over"),
                source=["handed_over"],
                target="handling",
                permission="joint:finding:record",
                actor=RESPONSIBLE,
            ),
            Transition(
                "report",
                _("Report the outcome back"),
                source=["handling"],
                target="reported",
                permission="joint:finding:record",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
            ),
            Transition(
                "send_back",
                _("Send back for more"),
                source=["reported"],
                target="handling",
                permission="joint:finding:record",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
            Transition(
                "confirm",
                _("Confirm the outcome"),
                source=["reported"],
                target="closed",
                permission="joint:finding:record",
                actor=SUPERVISING,
            ),
        ],
        detail_url=_url,
    )
)
