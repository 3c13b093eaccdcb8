"""Clues: a warning turned into a problem clue, a work item of the ``analytics.clue`` kind."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.ledger.targets import snapshot
from oversight.loop import services as loop
from oversight.orgs.models import Account, OrgNode

from .. import bridge
from ..models import Warning
from ..workflows import KIND as CLUE_KIND
from ._common import record, require
from .warnings import locked_new_warning


def default_supervising_node(node: OrgNode) -> OrgNode:
    """The discipline commission over ``node``: the node itself or an ancestor that is one,
    else a commission placed beside an ancestor (a county's commission sits under the county);
    the node itself when there is none."""
    commission = OrgNode.Type.COMMISSION
    chain = list(OrgNode.objects.filter(pk__in=node.ancestor_ids)) + [node]
    chain.sort(key=lambda n: n.depth, reverse=True)
    for candidate in chain:
        if candidate.type == commission:
            return candidate
        beside = candidate.children.filter(type=commission, is_active=True).order_by("sort").first()
        if beside is not None:
            return beside
    return node


@transaction.atomic
def warning_to_clue(
    *, warning: Warning, actor: Account, responsible_node: OrgNode,
    supervising_node: OrgNode | None = None, note: str = "",
):  # fmt: skip
    """Turn a warning into a problem clue: a work item the responsible office studies and
    proposes a disposal for, approved on the supervising side."""
    require(actor, "analytics:warning:dispose")
    warning = locked_new_warning(warning)
    entry = bridge.library_entry(warning.model_id)
    name = entry.model.name_zh if entry is not None else warning.model_id
    subject = warning.subject_name or warning.subject_id or warning.unit_name
    description = "\n".join(
        line
        for line in (
            warning.reason_zh,
            _("Unit: %(unit)s") % {"unit": warning.unit_name} if warning.unit_name else "",
            _("How it matched: %(method)s") % {"method": warning.match_method},
            note.strip(),
        )
        if line
    )
    item = loop.item_open(
        kind=CLUE_KIND, title=f"{name}：{subject}"[:200], description=description, actor=actor,
        responsible_node=responsible_node,
        supervising_node=supervising_node or default_supervising_node(responsible_node),
    )  # fmt: skip
    before = snapshot(warning)
    warning.status, warning.clue = Warning.Status.CLUE, item
    warning.decided_by, warning.decided_at = actor, timezone.now()
    warning.save()
    record(actor, "analytics.warning.clue", warning, before, model=warning.model_id, item=item.pk)
    return item
