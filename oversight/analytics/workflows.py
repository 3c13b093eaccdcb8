"""A problem clue (问题线索) raised from a warning, as a kind of work item.

The handling office studies the clue and proposes one of the four ways of disposal — talk or
written inquiry (谈话函询), preliminary verification (初步核实), hold for later (暂存待查),
conclusion (予以了结) — or a transfer to review and investigation (审查调查). A proposal takes
effect only after the leader in charge has endorsed it and the head of the body has approved it;
either may send it back. A hold, a conclusion and a transfer carry their reason. After a talk or
a verification the office proposes again what follows from it.

    study ──propose_<way>──> proposed_<way> ──endorse_<way>──> endorsed_<way> ──approve_<way>──> <way>
      ^                           │ send_back                      │ refuse
      └───────────────────────────┴────────────────────────────────┘
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.loop.registry import register
from oversight.loop.workflow import RESPONSIBLE, SUPERVISING, Limit, State, Transition, Workflow

KIND = "analytics.clue"

PROPOSE = "analytics:clue:propose"
ENDORSE = "analytics:clue:endorse"
APPROVE = "analytics:clue:approve"

# way, label, the state it leads to, the states it may be proposed from, whether a reason is due
WAYS = [
    ("talk", _("Talk or written inquiry"), "talk", ["study"], False),
    ("verify", _("Preliminary verification"), "verify", ["study", "talk"], False),
    ("hold", _("Hold for later"), "hold", ["study", "verify"], True),
    ("conclude", _("Conclude"), "concluded", ["study", "talk", "verify"], True),
    (
        "transfer",
        _("Transfer to review and investigation"),
        "transferred",
        ["study", "verify"],
        True,
    ),
]
WAY_LABELS = {way: label for way, label, *_rest in WAYS}

_PROPOSED = {
    "talk": _("Talk or written inquiry proposed, awaiting review"),
    "verify": _("Preliminary verification proposed, awaiting review"),
    "hold": _("Hold proposed, awaiting review"),
    "conclude": _("Conclusion proposed, awaiting review"),
    "transfer": _("Transfer proposed, awaiting review"),
}
_ENDORSED = {
    "talk": _("Talk or written inquiry endorsed, awaiting approval"),
    "verify": _("Preliminary verification endorsed, awaiting approval"),
    "hold": _("Hold endorsed, awaiting approval"),
    "conclude": _("Conclusion endorsed, awaiting approval"),
    "transfer": _("Transfer endorsed, awaiting approval"),
}
_PROPOSE_LABELS = {
    "talk": _("Propose a talk or written inquiry"),
    "verify": _("Propose preliminary verification"),
    "hold": _("Propose to hold it (give the reason)"),
    "conclude": _("Propose to conclude it (give the reason)"),
    "transfer": _("Propose transfer to review and investigation"),
}
APPROVAL = Limit(5, working=True)


def _clue_url(item) -> str:
    return reverse("analytics:clue_detail", args=[item.pk])


def _states() -> list[State]:
    states = [State("study", _("Being studied"), waiting_on=RESPONSIBLE)]
    for way, *_rest in WAYS:
        states.append(State(f"proposed_{way}", _PROPOSED[way], SUPERVISING, APPROVAL))
        states.append(State(f"endorsed_{way}", _ENDORSED[way], SUPERVISING, APPROVAL))
    states += [
        State("talk", _("Talk or written inquiry under way"), waiting_on=RESPONSIBLE),
        State("verify", _("Preliminary verification under way"), waiting_on=RESPONSIBLE),
        State("hold", _("On hold for later")),
        State("concluded", _("Concluded"), terminal=True),
        State("transferred", _("Transferred to review and investigation"), terminal=True),
    ]
    return states


def _transitions() -> list[Transition]:
    transitions = []
    for way, _label, target, sources, needs_reason in WAYS:
        transitions += [
            Transition(
                f"propose_{way}",
                _PROPOSE_LABELS[way],
                source=sources,
                target=f"proposed_{way}",
                permission=PROPOSE,
                actor=RESPONSIBLE,
                requires_comment=needs_reason,
                allows_attachments=True,
            ),
            Transition(
                f"endorse_{way}",
                _("Endorse the proposal"),
                source=[f"proposed_{way}"],
                target=f"endorsed_{way}",
                permission=ENDORSE,
                actor=SUPERVISING,
            ),
            Transition(
                f"approve_{way}",
                _("Approve the disposal"),
                source=[f"endorsed_{way}"],
                target=target,
                permission=APPROVE,
                actor=SUPERVISING,
            ),
        ]
    transitions += [
        Transition(
            "send_back",
            _("Send the proposal back"),
            source=[f"proposed_{way}" for way, *_rest in WAYS],
            target="study",
            permission=ENDORSE,
            actor=SUPERVISING,
            requires_comment=True,
            style="secondary",
        ),
        Transition(
            "refuse",
            _("Refuse the disposal"),
            source=[f"endorsed_{way}" for way, *_rest in WAYS],
            target="study",
            permission=APPROVE,
            actor=SUPERVISING,
            requires_comment=True,
            style="secondary",
        ),
        Transition(
            "reopen",
            _("Take it up again"),
            source=["hold"],
            target="study",
            permission=PROPOSE,
            actor=RESPONSIBLE,
            requires_comment=True,
            style="secondary",
        ),
    ]
    return transitions


CLUE = register(
    Workflow(
        kind=KIND,
        label=_("Problem clue"),
        initial="study",
        states=_states(),
        transitions=_transitions(),
        detail_url=_clue_url,
    )
)


def disposal_of(state: str) -> str:
    """The way of disposal a state stands for ("" while the clue is studied or proposed)."""
    for way, _label, target, *_rest in WAYS:
        if state == target:
            return way
    return ""
