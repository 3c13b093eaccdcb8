"""Units of warnings: every warning is meant for the org unit responsible (the paying department,
the recipient's town or village, the cadre's unit). The unit named in the data is resolved by
officers' rules first, then the built-in ones (``bridge.UnitResolver``); a warning nothing
resolves is listed for the county's officers, who assign it, and may keep the choice as a rule
for every warning naming the same unit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.orgs.models import Account, OrgNode

from .. import bridge
from ..models import UnitRule, Warning, record_warning_changes
from ._common import record, require

ASSIGN = "analytics:unit:assign"


def _apply(*, text: str, node: OrgNode | None, actor=None) -> int:
    """Point the undecided warnings naming ``text`` (and those without a unit) at ``node``."""
    resolver = bridge.UnitResolver()
    area = resolver.area_of(node)[:120] if node is not None else ""
    undecided = Warning.objects.filter(unit_name=text).filter(
        Q(status=Warning.Status.NEW) | Q(unit__isnull=True)
    )
    pks = list(undecided.values_list("pk", flat=True))
    moved = Warning.objects.filter(pk__in=pks).update(unit=node, area=area)
    record_warning_changes(pks, action="analytics.warning.unit", actor=actor)
    return moved


@transaction.atomic
def unit_rule_save(*, actor: Account, text: str, node: OrgNode) -> UnitRule:
    """Resolve the unit named ``text`` in the data to ``node`` from now on; the warnings naming
    it that nobody has decided on yet (and any without a unit) move to ``node`` at once."""
    require(actor, ASSIGN)
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": ValidationError(_("Give the unit as the data names it."), code="required")}
        )
    if not node.is_active:
        raise ValidationError(
            {"node": ValidationError(_("Choose a unit that is in use."), code="inactive")}
        )
    rule = UnitRule.objects.select_for_update().filter(text=text).first()
    before = snapshot(rule) if rule is not None else None
    if rule is None:
        rule = UnitRule(text=text[:200], created_by=actor)
    rule.node = node
    rule.save()
    moved = _apply(text=rule.text, node=node, actor=actor)
    record(actor, "analytics.unit_rule.save", rule, before, warnings=moved)
    return rule


@transaction.atomic
def unit_rule_delete(*, actor: Account, rule: UnitRule) -> None:
    """Remove an officer's rule; the undecided warnings naming its unit are resolved again by
    the built-in rules (and listed for assignment if nothing resolves them)."""
    require(actor, ASSIGN)
    rule = UnitRule.objects.select_for_update().get(pk=rule.pk)
    before = snapshot(rule)
    target = ("analytics.unitrule", str(rule.pk))
    text = rule.text
    rule.delete()
    resolver = bridge.UnitResolver()
    node = resolver.resolve(text)
    pks = list(
        Warning.objects.filter(unit_name=text, status=Warning.Status.NEW).values_list(
            "pk", flat=True
        )
    )
    moved = Warning.objects.filter(pk__in=pks).update(unit=node, area=resolver.area_of(node)[:120])
    record_warning_changes(pks, action="analytics.warning.unit", actor=actor)
    ledger.record(
        actor=actor, action="analytics.unit_rule.delete", target=target, before=before,
        after=None, details={"text": text, "warnings": moved},
    )  # fmt: skip


@transaction.atomic
def warning_assign_unit(
    *, actor: Account, warning: Warning, node: OrgNode, remember: bool = True
) -> Warning:
    """Give a warning its responsible unit. With ``remember`` (and a unit named in the data),
    the choice becomes a rule for every warning naming the same unit."""
    require(actor, ASSIGN)
    if not node.is_active:
        raise ValidationError(
            {"node": ValidationError(_("Choose a unit that is in use."), code="inactive")}
        )
    if remember and warning.unit_name:
        unit_rule_save(actor=actor, text=warning.unit_name, node=node)
    warning = Warning.objects.select_for_update().get(pk=warning.pk)
    before = snapshot(warning)
    warning.unit = node
    warning.area = bridge.UnitResolver().area_of(node)[:120]
    warning.save(update_fields=["unit", "area"])
    record(actor, "analytics.warning.assign_unit", warning, before, node=node.pk)
    return warning
