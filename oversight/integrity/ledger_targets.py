"""The records of integrity files as traced rows: the check compares each with the state its
latest leaf recorded (a sanction's date moved, a relative's resident ID changed or an opening's
reason rewritten with SQL are named)."""

from oversight.ledger.targets import TargetKind, traced

from .models import (
    FileRecord,
    FileView,
    MatterCheck,
    MatterCheckEntry,
    MatterEntry,
    MatterReport,
    Opinion,
    OpinionRequest,
    Relative,
    Sanction,
    SensitiveRequest,
)

TARGETS = [
    traced(Relative),
    traced(Sanction),
    traced(MatterReport),
    traced(MatterEntry),
    traced(FileView),
    traced(SensitiveRequest),
]


def _signed_opinion(record_id: str):
    """A signed opinion as it reads now (None if gone): compared with what was fixed."""
    from .services import signed_content

    opinion = (
        Opinion.objects.filter(pk=record_id, document__isnull=False)
        .select_related("person", "document")
        .first()
    )
    return signed_content(opinion) if opinion is not None else None


TARGETS += [
    traced(OpinionRequest),
    traced(Opinion),
    TargetKind(
        type="integrity.signed_opinion", snapshot=_signed_opinion, table="integrity_opinion"
    ),
]

TARGETS += [traced(FileRecord), traced(MatterCheck), traced(MatterCheckEntry)]
