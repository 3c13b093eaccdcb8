"""Partner apps that submit complaints through Open311 with a key."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.lib.crypto import random_token

from .. import keys
from ..models import (
    Partner,
)
from ._common import clean_text


@transaction.atomic
def partner_create(*, name: str, actor) -> tuple[Partner, str]:
    """Register a partner app; its API key is returned once and stored only as a keyed hash."""
    name = clean_text(name, limit=100, field_name="name", required=True)
    if Partner.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A partner of that name exists.")})
    key = random_token(160).replace("-", "")
    partner = Partner.objects.create(
        name=name,
        key_hash=keys.secret_hash(key, purpose="public.partner_key"),
        key_hint=key[-4:],
        created_by=actor,
    )
    ledger.record(
        actor=actor,
        action="public.partner.create",
        target=partner,
        before=None,
        after=snapshot(partner),
    )
    return partner, key


@transaction.atomic
def partner_set_active(*, partner: Partner, actor, active: bool) -> Partner:
    """Revoke (or restore) a partner's key."""
    before = snapshot(partner)
    partner.is_active = active
    partner.save(update_fields=["is_active"])
    ledger.record(
        actor=actor,
        action="public.partner.activate" if active else "public.partner.revoke",
        target=partner,
        before=before,
        after=snapshot(partner),
    )
    return partner


def partner_by_key(key: str) -> Partner | None:
    if not key or len(key) > 100:
        return None
    return Partner.objects.filter(
        key_hash=keys.secret_hash(key.strip(), purpose="public.partner_key"), is_active=True
    ).first()
