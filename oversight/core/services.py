"""Writes of platform-wide data: dictionaries and heartbeats."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot

from .models import DictItem, DictType, Heartbeat


@transaction.atomic
def dict_type_save(
    *,
    actor=None,
    dict_type: DictType | None,
    code: str,
    name: str,
    name_en: str = "",
    description: str = "",
    is_active: bool = True,
) -> DictType:
    """Create or change a dictionary type."""
    if (
        DictType.objects.filter(code__iexact=code)
        .exclude(pk=getattr(dict_type, "pk", None))
        .exists()
    ):
        raise ValidationError(
            {
                "code": ValidationError(
                    _("Another dictionary already uses this code (codes ignore case)."),
                    code="duplicate_code",
                )
            }
        )
    before = snapshot(dict_type) if dict_type is not None else None
    dict_type = dict_type or DictType()
    dict_type.code, dict_type.name, dict_type.name_en = code, name, name_en
    dict_type.description, dict_type.is_active = description, is_active
    dict_type.save()
    ledger.record(
        actor=actor,
        action="core.dict_type.save",
        target=dict_type,
        before=before,
        after=snapshot(dict_type),
    )
    return dict_type


@transaction.atomic
def dict_item_save(
    *,
    actor=None,
    item: DictItem | None,
    dict_type: DictType,
    value: str,
    label: str,
    label_en: str = "",
    sort: int = 0,
    is_default: bool = False,
    is_active: bool = True,
) -> DictItem:
    """Create or change a dictionary item; at most one item of a type is the default."""
    clash = DictItem.objects.filter(dict_type=dict_type, value=value)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise ValidationError({"value": _("This dictionary already has an item with this value.")})
    before = snapshot(item) if item is not None else None
    item = item or DictItem(dict_type=dict_type)
    item.value, item.label, item.label_en = value, label, label_en
    item.sort, item.is_default, item.is_active = sort, is_default, is_active
    item.save()
    if is_default:
        DictItem.objects.filter(dict_type=dict_type, is_default=True).exclude(pk=item.pk).update(
            is_default=False
        )
    ledger.record(
        actor=actor, action="core.dict_item.save", target=item, before=before, after=snapshot(item)
    )
    return item


def heartbeat(*, name: str, detail: str = "") -> None:
    """Record that a background process is alive now."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now(), "detail": detail})
