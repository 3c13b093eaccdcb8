"""A place taken on a board task as a kind of work item (``team.task``): the officer does the
work and reports with evidence, the publishing side returns the report or verifies it, and
verification awards the task's points to the officer (on verification only)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.loop import timing
from oversight.loop.registry import register
from oversight.loop.services import TransitionRefused
from oversight.loop.workflow import RESPONSIBLE, SUPERVISING, Limit, State, Transition, Workflow

KIND = "team.task"


def _assignee_only(*, item, event, actor) -> None:
    # The officer's whole unit stands on the responsible side; the task is the officer's own.
    if item.assignee_id != getattr(actor, "pk", None):
        raise TransitionRefused(
            _("Only the officer who took the task reports on it."), code="not_assignee"
        )


def _award(*, item, event, actor) -> None:
    from .models import Claim

    if item.assignee_id == getattr(actor, "pk", None):
        raise TransitionRefused(_("An officer does not verify their own task."), code="own_task")
    from oversight.ledger import services as ledger
    from oversight.ledger.targets import snapshot

    claim = Claim.objects.select_for_update().select_related("task").get(item=item)
    before = snapshot(claim)
    claim.points_awarded = claim.task.points
    claim.awarded_on = timing.today()
    claim.save(update_fields=["points_awarded", "awarded_on"])
    ledger.record(
        actor=actor,
        action="team.claim.award",
        target=claim,
        before=before,
        after=snapshot(claim),
        details={"task": claim.task_id, "points": claim.points_awarded},
    )


def _claim_url(item) -> str:
    return reverse("team:task_detail", args=[item.team_claim.task_id])


TASK = register(
    Workflow(
        kind=KIND,
        label=_("Board task"),
        initial="doing",
        states=[
            State("doing", _("Being done"), waiting_on=RESPONSIBLE),
            State(
                "reported",
                _("Reported, awaiting verification"),
                waiting_on=SUPERVISING,
                limit=Limit(5, working=True),
            ),
            State(
                "returned",
                _("Returned for more work"),
                waiting_on=RESPONSIBLE,
                limit=Limit(5, working=True),
            ),
            State("verified", _("Verified, points awarded"), terminal=True),
        ],
        transitions=[
            Transition(
                "report",
                _("Report with evidence"),
                source=["doing", "returned"],
                target="reported",
                permission="team:task:claim",
                actor=RESPONSIBLE,
                requires_comment=True,
                allows_attachments=True,
                on_enter=[_assignee_only],
            ),
            Transition(
                "return",
                _("Return for more work"),
                source=["reported"],
                target="returned",
                permission="team:task:verify",
                actor=SUPERVISING,
                requires_comment=True,
                style="secondary",
            ),
            Transition(
                "verify",
                _("Verify and award the points"),
                source=["reported"],
                target="verified",
                permission="team:task:verify",
                actor=SUPERVISING,
                on_enter=[_award],
            ),
        ],
        remind_days_before=2,
        detail_url=_claim_url,
    )
)


TRAINING_KIND = "team.training"


def _all_completed(*, item, event, actor) -> None:
    from .selectors import required_missing

    missing = required_missing(item=item)
    if missing:
        raise TransitionRefused(
            _("Not everyone has completed the course yet: %(names)s")
            % {"names": ", ".join(missing)},
            code="not_completed",
        )


TRAINING = register(
    Workflow(
        kind=TRAINING_KIND,
        label=_("Required course"),
        initial="learning",
        states=[
            State("learning", _("Being learnt"), waiting_on=RESPONSIBLE),
            State("completed", _("Completed by everyone"), terminal=True),
        ],
        transitions=[
            Transition(
                "complete",
                _("Report that everyone has completed it"),
                source=["learning"],
                target="completed",
                permission="team:course:learn",
                actor=RESPONSIBLE,
                on_enter=[_all_completed],
            ),
        ],
        remind_days_before=5,
    )
)
