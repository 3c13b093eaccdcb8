"""Integrity opinions' measures, for the answering body: requests received in the period, and
those signed (their opinions issued) in the period. Counted on the requests the viewer's work
items scope lets them see, as the request list does."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.core.measure_registry import Measure, Source
from oversight.loop.models import WorkItem
from oversight.loop.selectors import item_scope

from .models import FileView, MatterCheck, OpinionRequest


def request_scope(viewer) -> Q:
    return Q(item__in=WorkItem.objects.filter(item_scope(viewer)).values("pk"))


REQUESTS = Source(
    id="integrity.opinion_requests",
    label=_("Integrity opinion requests"),
    model=OpinionRequest,
    scope=request_scope,
    node="node",
    record_url=lambda request: reverse("integrity:request_detail", args=[request.item_id]),
    record_label=lambda request: f"{request.requester} · {request.get_purpose_display()}",
    select_related=("node", "item"),
)

MEASURES = [
    Measure(
        "integrity.opinion_requests",
        _("Integrity opinions requested"),
        source=REQUESTS,
        where=lambda w: Q(created_at__gte=w.start_at, created_at__lt=w.end_at),
        definition=_("Requests for integrity opinions (廉政意见回复) received in the period."),
        perm="integrity:opinion:draft",
        order=10,
    ),
    Measure(
        "integrity.opinions_signed",
        _("Integrity opinions signed"),
        source=REQUESTS,
        where=lambda w: Q(item__closed_at__gte=w.start_at, item__closed_at__lt=w.end_at),
        definition=_("Requests whose opinions were signed and issued in the period."),
        perm="integrity:opinion:draft",
        order=20,
    ),
]


def opening_scope(viewer) -> Q:
    from .selectors import people

    return Q(person__in=people(viewer=viewer).values("pk"))


OPENINGS = Source(
    id="integrity.file_openings",
    label=_("Openings of integrity files"),
    model=FileView,
    scope=opening_scope,
    node="person__org_node",
    record_url=lambda view: reverse("integrity:file_gate", args=[view.person_id]),
    record_label=lambda view: f"{view.person.name} · {view.reason}",
    select_related=("person",),
)

CHECKS = Source(
    id="integrity.checks",
    label=_("Random checks of personal-matter reports"),
    model=MatterCheck,
    scope=request_scope,
    node="node",
    record_url=lambda check: reverse("integrity:check_detail", args=[check.item_id]),
    record_label=lambda check: f"{check.year} · {check.seed}",
    select_related=("node", "item"),
)

# Overdue personal-matter reports are counted by ``risks.reports_overdue`` (no twin here).
MEASURES += [
    Measure(
        "integrity.files_opened",
        _("Integrity files opened with a reason"),
        source=OPENINGS,
        where=lambda w: Q(own=False, at__gte=w.start_at, at__lt=w.end_at),
        definition=_(
            "Openings of someone else's integrity file in the period, each with its stated "
            "reason (one's own file left out), by the unit of the person whose file it is."
        ),
        perm="integrity:file:view",
        order=30,
    ),
    Measure(
        "integrity.checks_drawn",
        _("Random checks of reports drawn"),
        source=CHECKS,
        where=lambda w: Q(created_at__gte=w.start_at, created_at__lt=w.end_at),
        definition=_("Random checks of personal-matter reports (抽查核实) drawn in the period."),
        perm="integrity:check",
        order=40,
    ),
]
