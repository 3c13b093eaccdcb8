"""Risk reminders and the yearly review of risk points as kinds of work item.

``risks.reminder``: fired by a rule for the recipient unit (responsible), which acknowledges it
stating the measures taken within 5 working days; the commission over it (supervising) confirms
or returns it. The loop's sweep lights, reminds and escalates it like any other item.

``risks.review``: opened each year by the schedule service (``schedules.py``) for every unit with
risk points assigned; the unit reviews its points and reports, the commission accepts."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.loop.registry import register
from oversight.loop.workflow import RESPONSIBLE, SUPERVISING, Limit, State, Transition, Workflow

KIND = "risks.reminder"
REVIEW_KIND = "risks.review"


def _url(item) -> str:
    return reverse("risks:reminder_detail", args=[item.pk])


REMINDER = register(
    Workflow(
        kind=KIND,
        label=_("Integrity risk reminder"),
        initial="sent",
        states=[
            State(
                "sent",
                _("Sent, to be acknowledged"),
                waiting_on=RESPONSIBLE,
                limit=Limit(5, working=True),
            ),
            State(
                "answered",
                _("Measures stated, awaiting confirmation"),
                waiting_on=SUPERVISING,
                limit=Limit(5, working=True),
            ),
            State("closed", _("Confirmed"), terminal=True),
        ],
        transitions=[
            Transition(
                "acknowledge",
                _("Acknowledge and state the measures taken"),
                source=["sent"],
                target="answered",
                permission="risks:reminder:answer",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
            ),
            Transition(
                "return",
                _("Return: measures insufficient"),
                source=["answered"],
                target="sent",
                permission="risks:reminder:confirm",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
            Transition(
                "confirm",
                _("Confirm the measures"),
                source=["answered"],
                target="closed",
                permission="risks:reminder:confirm",
                actor=SUPERVISING,
            ),
        ],
        detail_url=_url,
    )
)


def _review_url(item) -> str:
    return reverse("loop:item_detail", args=[item.pk])


REVIEW = register(
    Workflow(
        kind=REVIEW_KIND,
        label=_("Yearly review of integrity risk points"),
        initial="due",
        states=[
            State("due", _("To be reviewed"), waiting_on=RESPONSIBLE),
            State(
                "submitted",
                _("Review submitted"),
                waiting_on=SUPERVISING,
                limit=Limit(10, working=True),
            ),
            State("accepted", _("Review accepted"), terminal=True),
        ],
        transitions=[
            Transition(
                "submit",
                _("Submit the review of the unit's risk points"),
                source=["due"],
                target="submitted",
                permission="risks:reminder:answer",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
            ),
            Transition(
                "return",
                _("Return the review"),
                source=["submitted"],
                target="due",
                permission="risks:reminder:confirm",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
            Transition(
                "accept",
                _("Accept the review"),
                source=["submitted"],
                target="accepted",
                permission="risks:reminder:confirm",
                actor=SUPERVISING,
            ),
        ],
        detail_url=_review_url,
    )
)
