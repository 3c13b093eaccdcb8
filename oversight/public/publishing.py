"""What the public board shows of a published reply, and its fixed record in the ledger;
the masking of a reply's text before it is published."""

from __future__ import annotations

import re

from django.utils import timezone

from oversight.ledger import services as ledger

RECORD_TYPE = "public.reply"

_MASKS = [
    (re.compile(r"https?://\S+", re.IGNORECASE), "[link]"),
    (re.compile(r"\d{17}[\dXx]"), "******************"),
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "***********"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), "***@***"),
    (re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"), "****-*******"),
]


def anonymise(text: str) -> str:
    """The text with links, identity numbers, phone numbers and e-mail addresses masked;
    reviewers edit out names before publishing."""
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return text


def published_content(complaint, fixed: dict | None = None) -> dict:
    """Exactly what the public board shows of a published reply (the fixed record's content).

    Given ``fixed`` (the content the ledger fixed), the category's and the unit's names are
    those it fixed, as long as the reply still points at the same ones: renaming a unit or a
    small-power item through the platform does not change a reply already published.
    """
    if not complaint.published:
        return {"reference": complaint.reference, "withdrawn": True}
    fixed = fixed or {}

    def frozen(key: str, id_key: str, value_id, live) -> str:
        if value_id is None:
            return ""
        if id_key in fixed and fixed[id_key] == value_id:
            return fixed.get(key, "")
        return live().name

    return {
        "reference": complaint.reference,
        "category_id": complaint.power_item_id,
        "category": frozen(
            "category", "category_id", complaint.power_item_id, lambda: complaint.power_item
        ),
        "unit_id": complaint.unit_id,
        "unit": frozen("unit", "unit_id", complaint.unit_id, lambda: complaint.unit),
        "received_on": complaint.received_on.isoformat(),
        "replied_on": timezone.localdate(complaint.replied_at).isoformat()
        if complaint.replied_at
        else "",
        "text": complaint.public_text,
    }


def fix_published(complaint, *, actor) -> None:
    ledger.fix_record(
        actor=actor,
        record_type=RECORD_TYPE,
        record_id=complaint.pk,
        content=published_content(complaint),
        action="public.reply.publish",
        public=True,
    )
