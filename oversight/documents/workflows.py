"""The document draft as a kind of work item: drafting (拟稿), review (审核), signing (签发).

The serial number is taken by the signing step, in its transaction: a draft returned, left or
withdrawn takes none, and concurrent signings of one node's drafts queue on the counter row.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.loop.registry import register
from oversight.loop.workflow import RESPONSIBLE, SUPERVISING, Limit, State, Transition, Workflow


def _sign(*, item, event, actor) -> None:
    from .services import draft_issue

    draft_issue(item=item, actor=actor)


def _draft_url(item) -> str:
    return reverse("documents:draft_detail", args=[item.pk])


DRAFT = register(
    Workflow(
        kind="documents.draft",
        label=_("Document draft"),
        initial="drafting",
        states=[
            State("drafting", _("Being drafted"), waiting_on=RESPONSIBLE),
            State(
                "review",
                _("Under review, awaiting signature"),
                waiting_on=SUPERVISING,
                limit=Limit(3, working=True),
            ),
            State("signed", _("Signed and issued"), terminal=True),
            State("withdrawn", _("Withdrawn"), terminal=True),
        ],
        transitions=[
            Transition(
                "submit",
                _("Submit for review"),
                source=["drafting"],
                target="review",
                permission="documents:document:draft",
                actor=RESPONSIBLE,
            ),
            Transition(
                "return",
                _("Return to the drafter"),
                source=["review"],
                target="drafting",
                permission="documents:document:issue",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
            Transition(
                "sign",
                _("Sign and issue"),
                source=["review"],
                target="signed",
                permission="documents:document:issue",
                actor=SUPERVISING,
                on_enter=[_sign],
            ),
            Transition(
                "withdraw",
                _("Withdraw the draft"),
                source=["drafting", "review"],
                target="withdrawn",
                permission="documents:document:draft",
                actor=RESPONSIBLE,
                style="danger",
            ),
        ],
        detail_url=_draft_url,
    )
)
