"""Writes of major-matter supervision: registering matters, decomposing them into tasks,
ticking milestones. Deadlines, states and the trace belong to the loop engine."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.loop import services as loop
from oversight.loop.models import CoOwner, WorkItem
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode

from .models import Matter, Milestone


@transaction.atomic
def matter_register(
    *,
    actor: Account,
    title: str,
    category: str,
    description: str,
    source: str,
    lead_node: OrgNode,
    supervising_node: OrgNode,
    final_deadline: date,
    priority: int = 0,
    leader: Account | None = None,
) -> Matter:
    """Register a major matter led by ``lead_node`` and supervised by ``supervising_node``."""
    if not has_perm(actor, "matters:matter:register"):
        raise PermissionDenied(_("Your role does not register matters."))
    item = loop.item_open(
        kind="matters.matter",
        title=title,
        description=description,
        actor=actor,
        responsible_node=lead_node,
        supervising_node=supervising_node,
        final_deadline=final_deadline,
        priority=priority,
        co_owners=[(lead_node, CoOwner.Role.LEAD)],
    )
    return Matter.objects.create(
        item=item, category=category, source=source, leader=leader or actor
    )


@transaction.atomic
def task_add(
    *,
    actor: Account,
    parent: WorkItem,
    title: str,
    description: str,
    lead_node: OrgNode,
    assisting_nodes: Sequence[OrgNode] = (),
    final_deadline: date,
    milestones: Sequence[tuple[str, date]] = (),
    assignee: Account | None = None,
) -> WorkItem:
    """Decompose a matter (or a task) into a task for a lead unit and its assisting units."""
    if not has_perm(actor, "matters:matter:register"):
        raise PermissionDenied(_("Your role does not decompose matters."))
    if any(due > final_deadline for _title, due in milestones):
        raise ValidationError(
            {
                "milestones": ValidationError(
                    _("A milestone cannot fall after the task's deadline."), code="after_deadline"
                )
            }
        )
    co_owners = [(lead_node, CoOwner.Role.LEAD)] + [
        (node, CoOwner.Role.ASSIST) for node in assisting_nodes if node.pk != lead_node.pk
    ]
    task = loop.item_open(
        kind="matters.task",
        title=title,
        description=description,
        actor=actor,
        responsible_node=lead_node,
        supervising_node=parent.supervising_node,
        parent=parent,
        final_deadline=final_deadline,
        co_owners=co_owners,
        assignee=assignee,
    )
    Milestone.objects.bulk_create(
        [
            Milestone(item=task, title=name.strip(), due=due)
            for name, due in milestones
            if name.strip()
        ]
    )
    return task


@transaction.atomic
def milestone_done(*, milestone: Milestone, actor: Account, on: date) -> Milestone:
    """Tick a milestone; only the responsible side of its task may."""
    item = milestone.item
    if loop.RESPONSIBLE not in loop.relations(item, actor):
        raise PermissionDenied(_("Only the responsible unit ticks its milestones."))
    milestone.done_on = on
    milestone.save(update_fields=["done_on"])
    ledger.record(
        actor=actor,
        action="matters.milestone.done",
        target=item,
        before=None,
        after=None,
        details={"milestone": milestone.title, "done_on": str(on)},
    )
    return milestone
