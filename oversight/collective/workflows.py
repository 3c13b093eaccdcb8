"""Four loop kinds.

``collective.period``: a month's accounts a collective owes the public, opened by the schedule
service ahead of the 10th of the following month; publishing the month's statement closes it.

``collective.anomaly``: what a rule found in a collective's contracts or accounts (rent far
below comparable contracts, a contract expiring or expired). The town asks the village to
explain (a supervision suggestion, a formal document) or dismisses it with a reason; the village
explains with evidence; the town verifies, or returns it.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.loop.registry import register
from oversight.loop.services import issue_on_entry
from oversight.loop.workflow import (
    PUBLIC,
    RESPONSIBLE,
    SUPERVISING,
    Limit,
    State,
    Transition,
    Workflow,
)

PERIOD = "collective.period"
ANOMALY = "collective.anomaly"
PLATFORM = "platform"  # the actor name of the platform's own steps


def _anomaly_url(item) -> str:
    return reverse("collective:anomaly_detail", args=[item.pk])


register(
    Workflow(
        kind=PERIOD,
        label=_("Collective accounts due"),
        initial="open",
        states=[
            State("open", _("To publish"), waiting_on=RESPONSIBLE),
            State("published", _("Published"), terminal=True),
        ],
        transitions=[
            Transition(
                "publish",
                _("Published"),
                source=["open"],
                target="published",
                permission="collective:record",
                actor=PUBLIC,
            ),
        ],
        remind_days_before=3,
    )
)

register(
    Workflow(
        kind=ANOMALY,
        label=_("Collective anomaly"),
        initial="found",
        states=[
            State(
                "found",
                _("Found, awaiting the town"),
                waiting_on=SUPERVISING,
                limit=Limit(5, working=True),
            ),
            State(
                "asked",
                _("Explanation asked, awaiting the village"),
                waiting_on=RESPONSIBLE,
                limit=Limit(10, working=True),
            ),
            State(
                "explained",
                _("Explained, awaiting verification"),
                waiting_on=SUPERVISING,
                limit=Limit(5, working=True),
            ),
            State("verified", _("Verified and closed"), terminal=True),
            State("dismissed", _("Dismissed"), terminal=True),
        ],
        transitions=[
            Transition(
                "ask",
                _("Ask the village to explain"),
                source=["found"],
                target="asked",
                permission="collective:anomaly:supervise",
                actor=SUPERVISING,
                requires_comment=True,
                on_enter=[issue_on_entry("supervision_suggestion")],
            ),
            Transition(
                "dismiss",
                _("Dismiss"),
                source=["found"],
                target="dismissed",
                permission="collective:anomaly:supervise",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
            Transition(
                "explain",
                _("Explain with evidence"),
                source=["asked"],
                target="explained",
                permission="loop:item:handle",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
            ),
            Transition(
                "return",
                _("Return the explanation"),
                source=["explained"],
                target="asked",
                permission="collective:anomaly:supervise",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
            Transition(
                "verify",
                _("Verify and close"),
                source=["explained"],
                target="verified",
                permission="collective:anomaly:supervise",
                actor=SUPERVISING,
            ),
        ],
        remind_days_before=2,
        detail_url=_anomaly_url,
    )
)


REIMBURSEMENT = "collective.reimbursement"
ASSET_STEP = "collective.asset_step"


def _reimbursement_url(item) -> str:
    return reverse("collective:reimbursement_detail", args=[item.pk])


def _asset_step_url(item) -> str:
    return reverse("collective:asset_step_detail", args=[item.pk])


def _approve_reimbursement(*, item, event, actor) -> None:
    from .services import reimbursement_approved

    reimbursement_approved(item=item, actor=actor)


def _approve_asset_step(*, item, event, actor) -> None:
    from .services import asset_step_approved

    asset_step_approved(item=item, actor=actor)


def _review(kind: str, label, approve_hook, detail_url) -> Workflow:
    """The village proposes with its evidence (the item opens proposed); the town approves,
    returns it with a reason (the village proposes again, or withdraws it) or refuses it."""
    return Workflow(
        kind=kind,
        label=label,
        initial="proposed",
        states=[
            State(
                "proposed",
                _("Proposed, awaiting the town's review"),
                waiting_on=SUPERVISING,
                limit=Limit(5, working=True),
            ),
            State(
                "returned",
                _("Returned to the village"),
                waiting_on=RESPONSIBLE,
                limit=Limit(10, working=True),
            ),
            State("approved", _("Approved"), terminal=True),
            State("refused", _("Refused"), terminal=True),
            State("withdrawn", _("Withdrawn"), terminal=True),
        ],
        transitions=[
            Transition(
                "approve",
                _("Approve"),
                source=["proposed"],
                target="approved",
                permission="collective:review",
                actor=SUPERVISING,
                on_enter=[approve_hook],
            ),
            Transition(
                "return",
                _("Return with a reason"),
                source=["proposed"],
                target="returned",
                permission="collective:review",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
            Transition(
                "refuse",
                _("Refuse"),
                source=["proposed"],
                target="refused",
                permission="collective:review",
                actor=SUPERVISING,
                requires_comment=True,
                style="danger",
            ),
            Transition(
                "repropose",
                _("Propose again"),
                source=["returned"],
                target="proposed",
                permission="collective:record",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
            ),
            Transition(
                "withdraw",
                _("Withdraw"),
                source=["returned"],
                target="withdrawn",
                permission="collective:record",
                actor=RESPONSIBLE,
                requires_comment=True,
                style="secondary",
            ),
        ],
        remind_days_before=2,
        detail_url=detail_url,
    )


register(
    _review(
        REIMBURSEMENT, _("Collective reimbursement"), _approve_reimbursement, _reimbursement_url
    )
)
register(_review(ASSET_STEP, _("Asset lifecycle step"), _approve_asset_step, _asset_step_url))
