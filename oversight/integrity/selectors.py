"""Reads of integrity files, scoped by the org tree: an officer sees the files of the people in
their scope (a cadre with the "own records" scope: their own), always through an opening of
their own with its reason (``FileView``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from oversight.analytics import selectors as analytics_selectors
from oversight.loop import selectors as loop_selectors
from oversight.loop import timing
from oversight.loop.models import WorkItem
from oversight.orgs.access import scope_q
from oversight.orgs.models import Person, Position

from . import rules
from .models import (
    FileRecord,
    FileView,
    MatterCheck,
    MatterReport,
    Opinion,
    OpinionRequest,
    OpinionRule,
    Relative,
    Sanction,
    SensitiveRequest,
)


def people(*, viewer, search: str = "") -> QuerySet[Person]:
    """The people whose files the viewer may open: those in their scope."""
    qs = Person.objects.filter(scope_q(viewer, node="org_node", owner="account")).select_related(
        "org_node"
    )
    search = search.strip()
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(resident_id__startswith=search)
    return qs.order_by("org_node__path", "name", "pk")


def in_scope(*, viewer, person: Person) -> bool:
    return people(viewer=viewer).filter(pk=person.pk).exists()


def person_get(*, viewer, pk: int) -> Person:
    """A person in the viewer's scope, or 404."""
    return get_object_or_404(people(viewer=viewer), pk=pk)


def view_get(*, viewer, pk: int, now: datetime.datetime | None = None) -> FileView:
    """The viewer's own current opening ``pk`` of a file still in their scope, or 404: a file
    is never shown without an opening on record, nor to someone else through it."""
    view = get_object_or_404(
        FileView.objects.select_related("person", "person__org_node"), pk=pk, viewer=viewer
    )
    if not view.is_current(now):
        raise Http404
    if not view.own and not in_scope(viewer=viewer, person=view.person):
        raise Http404
    return view


@dataclass(frozen=True)
class Relation:
    """A cadre and one relative, for the comparison models and the trace graph."""

    person_id: int
    relation: str
    name: str
    resident_id: str
    relative_person_id: int | None


def relations_of(person_ids, *, viewer) -> list[Relation]:
    """The family members and social relations of the people ``person_ids`` that ``viewer``
    may see (people outside the viewer's scope give nothing), with their resident IDs where
    known, ordered by person."""
    rows = (
        Relative.objects.filter(
            person__in=people(viewer=viewer).filter(pk__in=list(person_ids)).values("pk")
        )
        .order_by("person_id", "relation", "pk")
        .values_list("person_id", "relation", "name", "resident_id", "relative_person_id")
    )
    return [Relation(*row) for row in rows]


@dataclass
class SanctionLine:
    sanction: Sanction
    rule: rules.SanctionRule
    ends: datetime.date
    in_period: bool


@dataclass
class IntegrityFile:
    """Everything the platform holds about one person that the viewer may see."""

    person: Person
    positions: list[Position]
    relatives: list[Relative]
    sanctions: list[SanctionLine]
    reports: list[MatterReport]
    warnings: list = field(default_factory=list)
    clues: list[WorkItem] = field(default_factory=list)
    items: list[WorkItem] = field(default_factory=list)
    views: list[FileView] = field(default_factory=list)
    sensitive: bool = True  # family and property shown (own file, or a leader approved)
    request: SensitiveRequest | None = None  # the viewer's latest request to see them
    records: list[FileRecord] = field(default_factory=list)
    talks: list = field(default_factory=list)  # reminder talks, from ``risks``
    duty_results: list = field(default_factory=list)  # year-end results, from ``duties``

    def records_of(self, kind: str) -> list[FileRecord]:
        return [r for r in self.records if r.kind == kind]

    @property
    def gifts(self) -> list[FileRecord]:
        return self.records_of(FileRecord.Kind.GIFT)

    @property
    def integrity_talks(self) -> list[FileRecord]:
        return self.records_of(FileRecord.Kind.TALK)

    @property
    def accountability(self) -> list[FileRecord]:
        return self.records_of(FileRecord.Kind.ACCOUNTABILITY)

    @property
    def commendations(self) -> list[FileRecord]:
        return self.records_of(FileRecord.Kind.COMMENDATION)

    @property
    def departure_audits(self) -> list[FileRecord]:
        return self.records_of(FileRecord.Kind.DEPARTURE_AUDIT)

    @property
    def family(self) -> list[Relative]:
        return [r for r in self.relatives if r.is_family]

    @property
    def social(self) -> list[Relative]:
        return [r for r in self.relatives if not r.is_family]


def sanction_lines(person: Person, on: datetime.date) -> list[SanctionLine]:
    """The person's sanctions with the rule that sets each one's influence period."""
    lines = []
    for sanction in person.sanctions.order_by("-decided_on", "-pk"):
        lines.append(
            SanctionLine(
                sanction=sanction,
                rule=rules.rule_for(sanction),
                ends=rules.influence_ends(sanction),
                in_period=rules.in_influence(sanction, on),
            )
        )
    return lines


def file_of(*, viewer, view: FileView, on: datetime.date | None = None) -> IntegrityFile:
    """The integrity file behind the opening ``view`` (got through ``view_get``): the records
    kept here, the posts from ``orgs``, and the warnings, clues and work items about the person
    that the viewer may see in their own modules."""
    person = view.person
    on = on or timing.today()
    sensitive = view.own or sensitive_granted(viewer=viewer, person=person)
    warnings = list(
        analytics_selectors.warning_list(viewer=viewer).filter(subject_id=person.resident_id)
    )
    clue_ids = [w.clue_id for w in warnings if w.clue_id]
    visible_items = WorkItem.objects.filter(loop_selectors.item_scope(viewer))
    return IntegrityFile(
        person=person,
        positions=list(person.positions.select_related("org_node").order_by("-start_date")),
        relatives=[
            r
            for r in person.relatives.select_related("relative_person").order_by("relation")
            if sensitive or not r.is_family
        ],
        sanctions=sanction_lines(person, on),
        reports=_reports(person, sensitive),
        warnings=warnings,
        clues=list(visible_items.filter(pk__in=clue_ids).order_by("-opened_at")),
        items=list(
            visible_items.filter(assignee__person=person)
            .exclude(pk__in=clue_ids)
            .order_by("-opened_at")[:100]
        ),
        views=list(file_views(viewer=viewer, person=person)[:50]),
        sensitive=sensitive,
        request=None if view.own else latest_sensitive_request(viewer=viewer, person=person),
        records=list(person.file_records.order_by("-on", "-pk")),
        talks=_talks(viewer=viewer, view=view),
        duty_results=_duty_results(viewer=viewer, person=person, on=on),
    )


def _duty_results(*, viewer, person: Person, on: datetime.date) -> list:
    """The year-end duty assessments (from ``duties``, linked, not copied) of the units the
    person belongs to or holds a post in on ``on``, as far as the viewer's scope reaches."""
    from django.db.models import Q

    from oversight.duties.models import AssessmentResult
    from oversight.orgs.access import scope_q

    nodes = {person.org_node_id} | set(
        person.positions.filter(start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("org_node_id", flat=True)
    )
    return list(
        AssessmentResult.objects.filter(node_id__in=nodes)
        .filter(scope_q(viewer, node="node"))
        .select_related("node", "assessment__duty_list")
        .order_by("-assessment__duty_list__year", "node__name")
    )


def _talks(*, viewer, view: FileView) -> list:
    """The reminder talks held with the person (kept by ``risks``): all of them on one's own
    file, else those of units in the viewer's scope."""
    from oversight.risks import selectors as risk_selectors
    from oversight.risks.models import Talk

    if view.own:
        return list(Talk.objects.filter(person=view.person).order_by("-held_on", "-pk"))
    return list(risk_selectors.talk_list(viewer=viewer, person=view.person))


def _reports(person: Person, sensitive: bool) -> list[MatterReport]:
    """The person's reports; without ``sensitive``, their property items left out."""
    reports = list(person.matter_reports.prefetch_related("entries"))
    for report in reports:
        report.shown_entries = [e for e in report.entries.all() if sensitive or not e.is_property]
    return reports


def latest_sensitive_request(*, viewer, person: Person) -> SensitiveRequest | None:
    return (
        SensitiveRequest.objects.filter(person=person, requester=viewer)
        .select_related("item")
        .order_by("-item__opened_at", "-pk")
        .first()
    )


def sensitive_granted(*, viewer, person: Person, now: datetime.datetime | None = None) -> bool:
    """Whether a leader approved, within ``SensitiveRequest.VALID_FOR``, that ``viewer`` sees
    the family members and property matters of ``person``'s file."""
    since = (now or timezone.now()) - SensitiveRequest.VALID_FOR
    return SensitiveRequest.objects.filter(
        person=person, requester=viewer, item__state="approved", item__closed_at__gte=since
    ).exists()


def sensitive_get(*, viewer, pk: int) -> SensitiveRequest:
    """A request by its work item's id, if the viewer may see its work item; else 404."""
    return get_object_or_404(
        SensitiveRequest.objects.filter(
            item__in=WorkItem.objects.filter(loop_selectors.item_scope(viewer)).values("pk")
        ).select_related("person", "requester", "item"),
        item_id=pk,
    )


def file_views(*, viewer, person: Person) -> QuerySet[FileView]:
    """Who opened ``person``'s file, when and why (the file is in the viewer's scope)."""
    return person.file_views.select_related("viewer", "viewer__person").order_by("-at", "-pk")


def current_view(*, viewer, person: Person) -> FileView | None:
    """The viewer's latest opening of ``person``'s file that is still current, if any."""
    view = person.file_views.filter(viewer=viewer).order_by("-at", "-pk").first()
    return view if view is not None and view.is_current(timezone.now()) else None


# --- integrity opinions ------------------------------------------------------------------------


def request_list(*, viewer) -> QuerySet[OpinionRequest]:
    """Opinion requests whose work item the viewer may see."""
    return (
        OpinionRequest.objects.filter(
            item__in=WorkItem.objects.filter(loop_selectors.item_scope(viewer)).values("pk")
        )
        .select_related("item", "node", "created_by")
        .annotate(people=Count("opinions"))
        .order_by("-created_at", "-pk")
    )


def request_get(*, viewer, pk: int) -> OpinionRequest:
    """A request by its work item's id, if the viewer may see it; else 404."""
    return get_object_or_404(request_list(viewer=viewer), item_id=pk)


def opinions_of(*, request: OpinionRequest) -> list[Opinion]:
    return list(
        request.opinions.select_related("person", "person__org_node", "document").order_by("pk")
    )


def opinion_get(*, viewer, pk: int) -> Opinion:
    """An opinion of a request the viewer may see; else 404."""
    return get_object_or_404(
        Opinion.objects.filter(request__in=request_list(viewer=viewer).values("pk")).select_related(
            "document", "person", "request"
        ),
        pk=pk,
    )


def rule_list() -> QuerySet[OpinionRule]:
    return OpinionRule.objects.order_by("order", "code")


def rule_get(*, pk: int) -> OpinionRule:
    return get_object_or_404(OpinionRule, pk=pk)


def yearly_reporters(*, viewer, year: int, person_ids) -> set[int]:
    """Of ``person_ids`` in the viewer's scope, those who filed their yearly personal-matter
    report for ``year`` (the risk rules ask who has not)."""
    return set(
        MatterReport.objects.filter(
            kind=MatterReport.Kind.YEARLY,
            year=year,
            person__in=people(viewer=viewer).filter(pk__in=list(person_ids)).values("pk"),
        ).values_list("person_id", flat=True)
    )


# --- random checks of personal-matter reports ------------------------------------------------


def check_list(*, viewer) -> QuerySet[MatterCheck]:
    """Random checks whose work item the viewer may see."""
    return (
        MatterCheck.objects.filter(
            item__in=WorkItem.objects.filter(loop_selectors.item_scope(viewer)).values("pk")
        )
        .select_related("item", "node", "created_by")
        .order_by("-created_at", "-pk")
    )


def check_get(*, viewer, pk: int) -> MatterCheck:
    """A check by its work item's id, if the viewer may see it; else 404."""
    return get_object_or_404(check_list(viewer=viewer), item_id=pk)


def check_entries(*, check: MatterCheck) -> list:
    return list(
        check.entries.select_related(
            "report", "report__person", "report__person__org_node"
        ).order_by("report__person__name", "pk")
    )
