"""Two loop kinds.

``disclosure.period``: what a unit owes for one period (or one event), opened by the schedule
service ahead of its due date so that the loop reminds the unit; the check closes it once the
date has passed (a step of the platform).

``disclosure.lapse``: a lapse the check lit. The supervising body sends a supervision
suggestion with a deadline (a formal document with its serial number) or dismisses the lapse
with a reason; the unit feeds back with evidence; the body verifies it, or returns it with a
rectification notice.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.loop import timing
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

PERIOD = "disclosure.period"
LAPSE = "disclosure.lapse"
PLATFORM = "platform"  # the actor name of the check's own steps


def _suggested(*, item, event, actor) -> None:
    """The lapse notes when its supervision suggestion was sent (counted by a measure)."""
    _lapse_changed(item, actor, suggested_on=timing.today())


def _returned(*, item, event, actor) -> None:
    lapse = item.disclosure_lapse
    _lapse_changed(item, actor, notices=lapse.notices + 1)


def _lapse_changed(item, actor, **values) -> None:
    from oversight.ledger import services as ledger
    from oversight.ledger.targets import snapshot

    lapse = item.disclosure_lapse
    before = snapshot(lapse)
    for name, value in values.items():
        setattr(lapse, name, value)
    lapse.save(update_fields=list(values))
    ledger.record(
        actor=actor,
        action="disclosure.lapse.update",
        target=lapse,
        before=before,
        after=snapshot(lapse),
    )


def _lapse_url(item) -> str:
    return reverse("disclosure:lapse_detail", args=[item.pk])


register(
    Workflow(
        kind=PERIOD,
        label=_("Disclosure due"),
        initial="open",
        states=[
            State("open", _("To publish"), waiting_on=RESPONSIBLE),
            State("checked", _("Checked"), terminal=True),
        ],
        transitions=[
            Transition(
                "check",
                _("Checked against the catalogue"),
                source=["open"],
                target="checked",
                permission="disclosure:lapse:supervise",
                actor=PUBLIC,
            ),
        ],
        remind_days_before=3,
    )
)

register(
    Workflow(
        kind=LAPSE,
        label=_("Disclosure lapse"),
        initial="lit",
        states=[
            State(
                "lit",
                _("Lit, awaiting the supervising body"),
                waiting_on=SUPERVISING,
                limit=Limit(5, working=True),
            ),
            State(
                "suggested",
                _("Supervision suggestion sent, awaiting feedback"),
                waiting_on=RESPONSIBLE,
                limit=Limit(10, working=True),
            ),
            State(
                "answered",
                _("Fed back, awaiting verification"),
                waiting_on=SUPERVISING,
                limit=Limit(5, working=True),
            ),
            State("verified", _("Verified and closed"), terminal=True),
            State("dismissed", _("Dismissed"), terminal=True),
        ],
        transitions=[
            Transition(
                "suggest",
                _("Send a supervision suggestion"),
                source=["lit"],
                target="suggested",
                permission="disclosure:lapse:supervise",
                actor=SUPERVISING,
                requires_comment=True,
                on_enter=[issue_on_entry("supervision_suggestion"), _suggested],
            ),
            Transition(
                "dismiss",
                _("Dismiss"),
                source=["lit"],
                target="dismissed",
                permission="disclosure:lapse:supervise",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
            Transition(
                "feedback",
                _("Feed back with evidence"),
                source=["suggested"],
                target="answered",
                permission="loop:item:handle",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
            ),
            Transition(
                "return",
                _("Return with a rectification notice"),
                source=["answered"],
                target="suggested",
                permission="disclosure:lapse:supervise",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
                on_enter=[issue_on_entry("rectification_notice"), _returned],
            ),
            Transition(
                "verify",
                _("Verify and close"),
                source=["answered"],
                target="verified",
                permission="disclosure:lapse:supervise",
                actor=SUPERVISING,
            ),
        ],
        remind_days_before=2,
        detail_url=_lapse_url,
    )
)
