"""The documents' measures on hand-counted examples: documents issued, sign-offs overdue and
replies late or on time, each counted for the unit that owes it and hidden from outsiders."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from oversight.documents import services
from oversight.documents.models import DocType, Receipt
from oversight.measures import selectors
from oversight.measures.registry import Period, get

D = datetime.date
FEBRUARY = Period.parse("2026-02")  # closed: the loop's today is frozen at 2026-03-02


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def sent(loop_county):
    """Three documents of the commission in February, to Unit A and Town 1."""
    c = loop_county
    made = []
    for issued, reply_by in ((D(2026, 2, 2), D(2026, 2, 10)), (D(2026, 2, 16), D(2026, 2, 27)),
                             (D(2026, 2, 26), D(2026, 3, 20))):  # fmt: skip
        made.append(
            services.issue_document(
                doc_type=DocType.RECTIFICATION_NOTICE,
                issuer_node=c.commission,
                actor=c.admin,
                context={"recipient_unit": "Unit A", "title": "Canteen", "body": "Fix it."},
                issued_on=issued,
                recipients=[c.unit_a, c.town1],
                reply_by=reply_by,
            )
        )
    first, second, third = made

    def mark(document, node, *, signed=None, replied=None):
        Receipt.objects.filter(document=document, node=node).update(
            signed_at=at(signed) if signed else None, replied_at=at(replied) if replied else None
        )

    mark(first, c.unit_a, signed=D(2026, 2, 3), replied=D(2026, 2, 10))  # all in time
    mark(first, c.town1, signed=D(2026, 2, 12), replied=D(2026, 2, 12))  # both late
    mark(second, c.unit_a, signed=D(2026, 3, 1))  # signed after February: overdue on 02-28
    mark(second, c.town1)  # never signed, never replied
    # the third was issued 02-26: within the 3-day limit on 02-28, its reply due in March
    return c


def figure(viewer, measure_id, node):
    measure = get(measure_id)
    result = selectors.figures(viewer=viewer, measures=[measure], nodes=[node], period=FEBRUARY)
    return result[measure_id][node.pk]


def test_each_figure_is_counted_for_the_unit_that_owes_it(sent):
    c, admin = sent, sent.admin
    assert figure(admin, "documents.issued", c.commission).count == 3
    assert figure(admin, "documents.issued", c.unit_a).count == 0
    # on 02-28: the second document (issued 02-16) is unsigned at Unit A and Town 1
    assert figure(admin, "documents.sign_offs_overdue", c.unit_a).count == 1
    assert figure(admin, "documents.sign_offs_overdue", c.town1).count == 1
    assert figure(admin, "documents.sign_offs_overdue", c.county).count == 2
    # replies due in February: the first and the second document, at each unit
    on_time = figure(admin, "documents.replies_on_time", c.unit_a)
    assert (on_time.count, on_time.numerator, on_time.value) == (2, 1, 50.0)
    assert figure(admin, "documents.replies_on_time", c.town1).value == 0.0
    assert figure(admin, "documents.replies_late", c.town1).count == 2
    assert figure(admin, "documents.replies_late", c.unit_a).count == 1
    assert figure(admin, "documents.replies_late", c.county).count == 3


def test_someone_outside_the_recipient_unit_counts_none_of_its_receipts(sent):
    c = sent
    for officer in (c.town1_officer, c.town2_officer):
        for role in officer.roles.all():
            role.permissions = sorted({*role.permissions, "documents:received:view"})
            role.save()
        officer.__dict__.pop("_perm_codes", None)
    outsider = c.town2_officer
    assert figure(outsider, "documents.replies_late", c.county).count == 0
    assert figure(outsider, "documents.sign_offs_overdue", c.town1).count == 0
    assert figure(outsider, "documents.issued", c.commission).count == 0
    assert figure(c.town1_officer, "documents.replies_late", c.town1).count == 2
