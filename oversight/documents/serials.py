"""Serial numbers (文号): ``清纪建〔2026〕7号`` — a prefix, the year, the number.

Numbers run per issuing org node, document type and year, from 1, without gaps or duplicates.
"""

from __future__ import annotations

from oversight.ledger import services as ledger

from .models import DocType, SerialCounter, SerialPrefix

# The character of each type in a default prefix: the first character of the node's name,
# 纪 for the discipline body, and this one (清纪建, 清纪整 …).
TYPE_CHARACTERS = {
    DocType.SUPERVISION_SUGGESTION: "建",
    DocType.RECTIFICATION_NOTICE: "整",
    DocType.WARNING_NOTICE: "警",
    DocType.SUPERVISION_OPINION: "意",
    DocType.FEEDBACK_SUGGESTION: "反",
    DocType.EVALUATION_REPORT: "评",
    DocType.ASSESSMENT_RESULT: "考",
    DocType.CIRCULAR: "通",
    DocType.INTEGRITY_OPINION: "廉",
    DocType.INSPECTION_FEEDBACK: "巡",
    DocType.COPY_NOTICE: "抄",
    DocType.INSPECTION_SUMMARY: "结",
    DocType.JOINT_REPORT: "联",
}
FORBIDDEN_IN_PREFIX = "〔〕[]()（）"


def default_prefix(node, doc_type: str) -> str:
    """The prefix used until an administrator sets one: ``清纪建`` for 清河县纪委监委."""
    first = (node.name.strip() or node.code)[:1]
    return f"{first}纪{TYPE_CHARACTERS[DocType(doc_type)]}"


def prefix_for(node, doc_type: str) -> str:
    """The configured prefix of ``node`` for ``doc_type``, or the default."""
    stored = (
        SerialPrefix.objects.filter(node=node, doc_type=doc_type)
        .values_list("prefix", flat=True)
        .first()
    )
    return stored or default_prefix(node, doc_type)


def format_serial(prefix: str, year: int, number: int) -> str:
    return f"{prefix}〔{year}〕{number}号"


def take_number(node, doc_type: str, year: int, *, actor=None) -> int:
    """The next number of (node, type, year), locked until the caller's transaction ends.

    Call inside ``transaction.atomic``: the counter row stays locked (on PostgreSQL; SQLite
    serialises writers anyway) until the issue commits, so concurrent issues queue and get
    consecutive numbers, and a rollback returns the number. The counter is a traced row: its
    leaf (by ``actor``) is recorded in the same transaction.
    """
    counter, _created = SerialCounter.objects.select_for_update().get_or_create(
        node=node, doc_type=doc_type, year=year, defaults={"last_number": 0}
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    ledger.record(
        actor=actor,
        action="documents.serial.take",
        target=counter,
        before=None,
        after=None,  # the ledger records the row as this transaction leaves it
        details={"number": counter.last_number},
    )
    return counter.last_number
