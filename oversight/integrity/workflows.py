"""An integrity opinion request as a kind of work item (``integrity.opinion``): drafted by the
platform and checked by its officer (drafted), reviewed by a second officer (reviewed), signed
by a leader (signed). Signing issues each opinion's Word document with its serial number and
fixes its content in the ledger; the signer is never the drafter."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.loop.registry import register
from oversight.loop.workflow import RESPONSIBLE, SUPERVISING, Limit, State, Transition, Workflow

KIND = "integrity.opinion"


def _sign(*, item, event, actor) -> None:
    from .services import opinions_sign

    opinions_sign(item=item, actor=actor)


def _not_drafter(*, item, event, actor) -> None:
    if actor is not None and actor.pk == item.created_by_id:
        raise ValidationError(
            _("An opinion is reviewed by someone other than its drafter."),
            code="reviewer_is_drafter",
        )


def _url(item) -> str:
    return reverse("integrity:request_detail", args=[item.pk])


OPINION = register(
    Workflow(
        kind=KIND,
        label=_("Integrity opinion"),
        initial="drafted",
        states=[
            State("drafted", _("Drafted, to be checked"), waiting_on=RESPONSIBLE),
            State(
                "review",
                _("Awaiting review"),
                waiting_on=SUPERVISING,
                limit=Limit(2, working=True),
            ),
            State(
                "reviewed",
                _("Reviewed, awaiting signature"),
                waiting_on=SUPERVISING,
                limit=Limit(2, working=True),
            ),
            State("signed", _("Signed and issued"), terminal=True),
        ],
        transitions=[
            Transition(
                "submit",
                _("Submit for review"),
                source=["drafted"],
                target="review",
                permission="integrity:opinion:draft",
                actor=RESPONSIBLE,
            ),
            Transition(
                "review",
                _("Reviewed: pass to signature"),
                source=["review"],
                target="reviewed",
                permission="integrity:opinion:review",
                actor=SUPERVISING,
                on_enter=[_not_drafter],
            ),
            Transition(
                "return",
                _("Return to the drafter"),
                source=["review", "reviewed"],
                target="drafted",
                permission="integrity:opinion:review",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
            Transition(
                "sign",
                _("Sign and issue"),
                source=["reviewed"],
                target="signed",
                permission="integrity:opinion:sign",
                actor=SUPERVISING,
                on_enter=[_sign],
            ),
        ],
        detail_url=_url,
    )
)


SENSITIVE_KIND = "integrity.sensitive"


def _not_requester(*, item, event, actor) -> None:
    if actor is not None and actor.pk == item.created_by_id:
        raise ValidationError(
            _("A request to see sensitive parts is decided by someone other than its requester."),
            code="approver_is_requester",
        )


def _sensitive_url(item) -> str:
    return reverse("integrity:sensitive_detail", args=[item.pk])


SENSITIVE = register(
    Workflow(
        kind=SENSITIVE_KIND,
        label=_("Request to see sensitive parts of a file"),
        initial="requested",
        states=[
            State(
                "requested",
                _("Awaiting a leader's approval"),
                waiting_on=SUPERVISING,
                limit=Limit(2, working=True),
            ),
            State("approved", _("Approved"), terminal=True),
            State("refused", _("Refused"), terminal=True),
        ],
        transitions=[
            Transition(
                "approve",
                _("Approve"),
                source=["requested"],
                target="approved",
                permission="integrity:file:approve",
                actor=SUPERVISING,
                on_enter=[_not_requester],
            ),
            Transition(
                "refuse",
                _("Refuse"),
                source=["requested"],
                target="refused",
                permission="integrity:file:approve",
                actor=SUPERVISING,
                requires_comment=True,
                style="danger",
                on_enter=[_not_requester],
            ),
        ],
        detail_url=_sensitive_url,
    )
)


CHECK_KIND = "integrity.check"


def _check_url(item) -> str:
    return reverse("integrity:check_detail", args=[item.pk])


CHECK = register(
    Workflow(
        kind=CHECK_KIND,
        label=_("Random check of personal-matter reports"),
        initial="compared",
        states=[
            State(
                "compared",
                _("Drawn and compared, discrepancies to examine"),
                waiting_on=RESPONSIBLE,
                limit=Limit(10, working=True),
            ),
            State(
                "talks",
                _("Talks to hold on the discrepancies"),
                waiting_on=RESPONSIBLE,
                limit=Limit(20, working=True),
            ),
            State("closed", _("Closed"), terminal=True),
        ],
        transitions=[
            Transition(
                "to_talks",
                _("Discrepancies confirmed: hold talks"),
                source=["compared"],
                target="talks",
                permission="integrity:check",
                actor=RESPONSIBLE,
            ),
            Transition(
                "close",
                _("Close the check"),
                source=["compared", "talks"],
                target="closed",
                permission="integrity:check",
                actor=RESPONSIBLE,
                requires_comment=True,
            ),
        ],
        detail_url=_check_url,
    )
)
