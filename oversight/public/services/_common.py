"""What the public channel's services share: limits, the citizen's name, text cleaning."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CITIZEN = "群众"
TEXT_MAX = 5000
COMMENT_MAX = 500
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


class DuplicateSubmission(ValidationError):
    """The same form was sent twice (a reload, a double tap): the first complaint stands."""


def clean_text(text: str, *, limit: int, field_name: str, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError(
            {field_name: ValidationError(_("This field is required."), code="required")}
        )
    if len(text) > limit:
        raise ValidationError(
            {
                field_name: ValidationError(
                    _("At most %(count)d characters.") % {"count": limit}, code="too_long"
                )
            }
        )
    return text


def complaint_recorded(complaint, *, actor, action: str, details=None) -> None:
    """Record the leaf of a change of ``complaint`` (a traced row: the ledger reads its state
    as this transaction leaves it), in the caller's transaction."""
    from oversight.ledger import services as ledger

    ledger.record(
        actor=actor, action=action, target=complaint, before=None, after=None, details=details
    )
