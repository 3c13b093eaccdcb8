"""Two loop kinds.

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
