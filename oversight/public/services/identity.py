"""Reporters' identities: viewing one (with a reason, recorded), and re-encrypting them all
under the current key."""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.lib.crypto import DecryptionError
from oversight.orgs.access import has_perm

from .. import keys
from ..models import (
    Complaint,
    IdentityView,
)


@transaction.atomic
def identity_reveal(*, complaint: Complaint, viewer, reason: str) -> dict[str, str]:
    """The reporter's name, phone and contact for ``viewer``, who must hold the permission and
    say why; the viewing is recorded here and in the ledger, with the reason."""
    if not has_perm(viewer, "public:identity:view"):
        raise PermissionDenied(_("Your role may not see reporters' identities."))
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Say why you need to see the reporter's identity."), code="required"
                )
            }
        )
    reason = reason[:300]
    IdentityView.objects.create(complaint=complaint, viewer=viewer, reason=reason)
    ledger.record(
        actor=viewer,
        action="public.identity.view",
        target=complaint,
        before=None,
        after=None,
        details={"reason": reason, "reference": complaint.reference},
    )
    return {
        "name": keys.decrypt(complaint.name_enc, context="public.Complaint.name"),
        "phone": keys.decrypt(complaint.phone_enc, context="public.Complaint.phone"),
        "contact": keys.decrypt(complaint.contact_enc, context="public.Complaint.contact"),
    }


IDENTITY_FIELDS = ("name_enc", "phone_enc", "contact_enc")


def _identity_context(field_name: str) -> str:
    return f"public.Complaint.{field_name.removesuffix('_enc')}"


def _with_identity() -> QuerySet[Complaint]:
    return Complaint.objects.exclude(name_enc="", phone_enc="", contact_enc="")


def identity_key_use() -> Counter:
    """How many stored identity tokens each key id holds: a key can be retired when it holds
    none."""
    cipher = keys.cipher()
    use: Counter = Counter()
    for tokens in _with_identity().values_list(*IDENTITY_FIELDS).iterator():
        use.update(cipher.key_id_of(token) for token in tokens if token)
    return use


def identity_reencrypt(*, actor=None, batch: int = 500) -> int:
    """Re-encrypt every reporter's identity under the current key (after a new key was put
    first), ``batch`` complaints per transaction, each batch recorded in the ledger; returns how
    many complaints changed. Every token is authenticated as it is read: one that no key opens
    stops the run, naming its complaint, with the batches before it kept."""
    cipher = keys.cipher()
    changed, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                _with_identity()
                .select_for_update()
                .filter(pk__gt=last)
                .order_by("pk")
                .only("pk", "reference", *IDENTITY_FIELDS)[:batch]
            )
            if not rows:
                return changed
            dirty = []
            for complaint in rows:
                before = [getattr(complaint, name) for name in IDENTITY_FIELDS]
                for name in IDENTITY_FIELDS:
                    token = getattr(complaint, name)
                    if not token:
                        continue
                    try:
                        setattr(
                            complaint, name, cipher.rotate(token, context=_identity_context(name))
                        )
                    except DecryptionError as exc:
                        raise DecryptionError(
                            f"complaint {complaint.reference}: {name} cannot be decrypted ({exc})"
                        ) from None
                if [getattr(complaint, name) for name in IDENTITY_FIELDS] != before:
                    dirty.append(complaint)
            if dirty:
                Complaint.objects.bulk_update(dirty, IDENTITY_FIELDS)
                # Each complaint's new tokens in its own leaf (a traced row), in bulk.
                ledger.record_many(
                    [
                        ledger.Event(
                            actor=actor,
                            action="public.complaint.reencrypt",
                            target=row,
                            before=None,
                            after=None,
                        )
                        for row in dirty
                    ]
                )
                ledger.record(
                    actor=actor,
                    action="public.identity.reencrypt",
                    target=("public.keys", cipher.current),
                    before=None,
                    after=None,
                    details={"complaints": len(dirty), "key": cipher.current},
                )
            changed += len(dirty)
            last = rows[-1].pk
