"""A vehicle warning as a kind of work item (``fleet.warning``): the car's unit explains the
use (with the trip order or the sealing notice as evidence), the supervising body accepts the
explanation, returns it for more, or confirms the violation."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.loop.registry import register
from oversight.loop.workflow import RESPONSIBLE, SUPERVISING, Limit, State, Transition, Workflow

KIND = "fleet.warning"


def _warning_url(item) -> str:
    return reverse("fleet:warning_detail", args=[item.pk])


WARNING = register(
    Workflow(
        kind=KIND,
        label=_("Vehicle warning"),
        initial="open",
        states=[
            State("open", _("To explain"), waiting_on=RESPONSIBLE, limit=Limit(5, working=True)),
            State(
                "explained",
                _("Explained, awaiting verification"),
                waiting_on=SUPERVISING,
                limit=Limit(5, working=True),
            ),
            State("accepted", _("Explanation accepted"), terminal=True),
            State("confirmed", _("Violation confirmed"), terminal=True),
        ],
        transitions=[
            Transition(
                "explain",
                _("Explain with evidence"),
                source=["open"],
                target="explained",
                permission="loop:item:handle",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
            ),
            Transition(
                "return",
                _("Return for a better explanation"),
                source=["explained"],
                target="open",
                permission="fleet:warning:verify",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
            Transition(
                "accept",
                _("Accept the explanation"),
                source=["explained"],
                target="accepted",
                permission="fleet:warning:verify",
                actor=SUPERVISING,
                requires_comment=True,
            ),
            Transition(
                "confirm",
                _("Confirm the violation"),
                source=["open", "explained"],
                target="confirmed",
                permission="fleet:warning:verify",
                actor=SUPERVISING,
                requires_comment=True,
                style="danger",
            ),
        ],
        remind_days_before=2,
        detail_url=_warning_url,
    )
)
