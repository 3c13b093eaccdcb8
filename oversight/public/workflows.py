"""Complaints and responsibility reviews as kinds of work item.

A complaint: received → accepted (or not accepted, the reason told to the citizen) → routed to
the responsible department (or transferred elsewhere) → handled → reply drafted → reviewed by
the discipline body (approved, or returned for a new draft) → replied → evaluated by the
citizen → closed. The citizen's steps are declared with ``actor=PUBLIC``: citizens have no
account, so ``loop.services.item_public_transition`` performs them, recording "群众" as the actor.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.loop.registry import register
from oversight.loop.workflow import (
    PUBLIC,
    RESPONSIBLE,
    SUPERVISING,
    Limit,
    State,
    Transition,
    Workflow,
)

from . import hooks

KIND = "public.complaint"
REVIEW_KIND = "public.review"


def _complaint_url(item) -> str:
    return reverse("public_staff:complaint_detail", args=[item.pk])


def _days(name: str) -> Limit:
    return Limit(getattr(settings, name), working=True)


COMPLAINT = register(
    Workflow(
        kind=KIND,
        label=_("Public complaint"),
        initial="received",
        states=[
            State(
                "received",
                _("Received, awaiting acceptance"),
                waiting_on=SUPERVISING,
                limit=_days("PUBLIC_ACCEPT_DAYS"),
            ),
            State(
                "accepted",
                _("Accepted, to be routed"),
                waiting_on=SUPERVISING,
                limit=_days("PUBLIC_ROUTE_DAYS"),
            ),
            State(
                "handling",
                _("Being handled"),
                waiting_on=RESPONSIBLE,
                limit=_days("PUBLIC_HANDLE_DAYS"),
            ),
            State(
                "handled",
                _("Handled, reply to be drafted"),
                waiting_on=RESPONSIBLE,
                limit=_days("PUBLIC_DRAFT_DAYS"),
            ),
            State(
                "reviewing",
                _("Reply under review"),
                waiting_on=SUPERVISING,
                limit=_days("PUBLIC_REVIEW_DAYS"),
            ),
            State("replied", _("Replied, awaiting the citizen's rating")),
            State(
                "evaluated",
                _("Rated by the citizen"),
                waiting_on=SUPERVISING,
                limit=_days("PUBLIC_CLOSE_DAYS"),
            ),
            State("closed", _("Closed"), terminal=True),
            State("not_accepted", _("Not accepted"), terminal=True),
            State("transferred", _("Transferred elsewhere"), terminal=True),
        ],
        transitions=[
            Transition(
                "accept",
                _("Accept"),
                source=["received"],
                target="accepted",
                permission="public:complaint:accept",
                actor=SUPERVISING,
                on_enter=[hooks.told_accepted],
            ),
            Transition(
                "reject",
                _("Do not accept"),
                source=["received"],
                target="not_accepted",
                permission="public:complaint:accept",
                actor=SUPERVISING,
                requires_comment=True,
                style="danger",
                on_enter=[hooks.told_not_accepted],
            ),
            Transition(
                "transfer",
                _("Transfer elsewhere"),
                source=["received", "accepted"],
                target="transferred",
                permission="public:complaint:accept",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
                on_enter=[hooks.told_transferred],
            ),
            Transition(
                "route",
                _("Route to the responsible department"),
                source=["accepted"],
                target="handling",
                permission="public:complaint:accept",
                actor=SUPERVISING,
                on_enter=[hooks.routed],
            ),
            Transition(
                "object",
                _("Not ours: send back for routing"),
                source=["handling"],
                target="accepted",
                permission="public:complaint:handle",
                actor=RESPONSIBLE,
                requires_comment=True,
                style="secondary",
                on_enter=[hooks.sent_back],
            ),
            Transition(
                "handle",
                _("Record the handling"),
                source=["handling"],
                target="handled",
                permission="public:complaint:handle",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
            ),
            Transition(
                "draft",
                _("Submit the reply for review"),
                source=["handled"],
                target="reviewing",
                permission="public:complaint:handle",
                actor=RESPONSIBLE,
                requires_comment=True,
                on_enter=[hooks.drafted],
            ),
            Transition(
                "approve",
                _("Approve and reply"),
                source=["reviewing"],
                target="replied",
                permission="public:complaint:review",
                actor=SUPERVISING,
                on_enter=[hooks.approved],
            ),
            Transition(
                "return",
                _("Return the draft"),
                source=["reviewing"],
                target="handled",
                permission="public:complaint:review",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
            Transition(
                "evaluate",
                _("Rated by the citizen"),
                source=["replied"],
                target="evaluated",
                permission="",
                actor=PUBLIC,
            ),
            Transition(
                "expire",
                _("Closed without a rating"),
                source=["replied"],
                target="closed",
                permission="",
                actor=PUBLIC,
            ),
            Transition(
                "close",
                _("Close"),
                source=["replied", "evaluated"],
                target="closed",
                permission="public:complaint:review",
                actor=SUPERVISING,
            ),
        ],
        detail_url=_complaint_url,
    )
)

REVIEW = register(
    Workflow(
        kind=REVIEW_KIND,
        label=_("Responsibility review after a dissatisfied rating"),
        initial="explaining",
        states=[
            State(
                "explaining",
                _("Department to explain"),
                waiting_on=RESPONSIBLE,
                limit=Limit(5, working=True),
            ),
            State(
                "explained",
                _("Explained, under review"),
                waiting_on=SUPERVISING,
                limit=Limit(10, working=True),
            ),
            State("concluded", _("Concluded"), terminal=True),
        ],
        transitions=[
            Transition(
                "explain",
                _("Explain"),
                source=["explaining"],
                target="explained",
                permission="public:complaint:handle",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
            ),
            Transition(
                "conclude_responsible",
                _("Conclude: responsibility established"),
                source=["explained"],
                target="concluded",
                permission="public:review:conclude",
                actor=SUPERVISING,
                requires_comment=True,
                style="danger",
                on_enter=[hooks.concluded],
            ),
            Transition(
                "conclude_clear",
                _("Conclude: no responsibility"),
                source=["explained"],
                target="concluded",
                permission="public:review:conclude",
                actor=SUPERVISING,
                requires_comment=True,
                on_enter=[hooks.concluded],
            ),
            Transition(
                "ask_again",
                _("Ask for more explanation"),
                source=["explained"],
                target="explaining",
                permission="public:review:conclude",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
        ],
    )
)
