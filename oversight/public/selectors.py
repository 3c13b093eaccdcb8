"""Every read of the public channel: staff reads limited by the viewer's scope (complaints
through the loop's item scope), and the public reads that show only what is published."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from oversight.core.prepared import NUMBER_MARKER, TEXT_MARKER, Prepared, loaded
from oversight.ledger import selectors as ledger_selectors
from oversight.loop import selectors as loop_selectors
from oversight.loop.models import WorkItem
from oversight.orgs.access import scope_q, sees_everything
from oversight.orgs.models import OrgNode

from . import keys, publishing
from .models import (
    Complaint,
    Dissatisfaction,
    PowerCategory,
    PowerItem,
    PublicMessage,
    PublicPoint,
    Rating,
    StyleReport,
)
from .workflows import KIND

# --- staff -----------------------------------------------------------------------------------


def items_in_scope(viewer, kind: str = KIND) -> QuerySet[WorkItem]:
    """Work items of ``kind`` that the viewer may see (the loop's item scope)."""
    return WorkItem.objects.filter(loop_selectors.item_scope(viewer), kind=kind)


@dataclass(frozen=True)
class ComplaintFilters:
    state: str = ""
    power_item: int | None = None
    named: bool | None = None
    repeats: bool = False
    search: str = ""
    received_from: date | None = None
    received_to: date | None = None


def complaint_list(
    *, viewer, filters: ComplaintFilters = ComplaintFilters()
) -> QuerySet[Complaint]:
    """Complaints whose work item the viewer may see: the discipline body sees what it
    receives, a department or town only what was routed to it."""
    qs = Complaint.objects.filter(item__in=items_in_scope(viewer)).select_related(
        "item",
        "item__responsible_node",
        "item__supervising_node",
        "power_item",
        "subject_node",
        "point",
        "unit",
    )
    f = filters
    if f.state:
        qs = qs.filter(item__state=f.state)
    if f.power_item:
        qs = qs.filter(power_item_id=f.power_item)
    if f.named is not None:
        qs = qs.filter(named=f.named)
    if f.repeats:
        qs = qs.filter(Q(repeat_of__isnull=False) | Q(repeats__isnull=False)).distinct()
    if f.search:
        qs = qs.filter(
            Q(reference__icontains=f.search)
            | Q(item__title__icontains=f.search)
            | Q(content__icontains=f.search)
        )
    if f.received_from:
        qs = qs.filter(received_on__gte=f.received_from)
    if f.received_to:
        qs = qs.filter(received_on__lte=f.received_to)
    return qs.order_by("item__closed_at", "-received_on", "-pk")


def complaint_get(*, viewer, pk: int) -> Complaint:
    """One complaint in scope by its work item's id, or 404."""
    return get_object_or_404(complaint_list(viewer=viewer), item_id=pk)


def complaint_related(*, viewer, complaint: Complaint) -> list[Complaint]:
    """The complaints about the same matter that the viewer may see (the root and its repeats)."""
    root_id = complaint.repeat_of_id or complaint.pk
    return list(
        complaint_list(viewer=viewer)
        .filter(Q(pk=root_id) | Q(repeat_of_id=root_id))
        .exclude(pk=complaint.pk)
    )


def dissatisfaction_list(*, viewer) -> QuerySet[Dissatisfaction]:
    """The dissatisfaction ledger in the viewer's scope (by the department concerned or the
    complaint's item)."""
    qs = Dissatisfaction.objects.select_related("complaint", "responsible_node", "review_item")
    if sees_everything(viewer):
        return qs
    in_scope = scope_q(viewer, node="responsible_node")
    return qs.filter(Q(complaint__item__in=items_in_scope(viewer)) | in_scope).distinct()


def style_report_list(*, viewer, status: str = "") -> QuerySet[StyleReport]:
    qs = StyleReport.objects.filter(scope_q(viewer, node="node")).select_related(
        "node", "checked_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def style_report_get(*, viewer, pk: int) -> StyleReport:
    return get_object_or_404(style_report_list(viewer=viewer), pk=pk)


def rating_list(*, viewer) -> QuerySet[Rating]:
    return Rating.objects.filter(scope_q(viewer, node="node")).select_related("node")


def poster_nodes(*, viewer, under: OrgNode) -> QuerySet[OrgNode]:
    """The service windows and units in ``under``'s subtree that the viewer may see."""
    return OrgNode.objects.filter(
        scope_q(viewer, node=""),
        path__startswith=under.path,
        is_active=True,
        type__in=[OrgNode.Type.SERVICE_WINDOW, OrgNode.Type.UNIT],
    ).order_by("path")


@dataclass
class StyleRow:
    node: OrgNode
    ratings: int = 0
    average: float | None = None
    satisfied: int = 0
    reports: int = 0
    verified: int = 0
    complaints: int = 0
    dissatisfied: int = 0
    responsible: int = 0

    @property
    def satisfaction_rate(self) -> float | None:
        return round(100 * self.satisfied / self.ratings, 1) if self.ratings else None

    @property
    def score(self) -> float | None:
        """The style score (0–100) for annual assessment: the mean rating on a 100-point scale,
        less 2 points per verified style report and 5 per established responsibility."""
        if not self.ratings and not self.verified and not self.responsible:
            return None
        base = (self.average or 5) * 20
        return round(max(0.0, base - 2 * self.verified - 5 * self.responsible), 1)


def style_table(*, viewer, start: date, end: date) -> list[StyleRow]:
    """The style-evaluation table (M16): per unit or town in scope, for ratings, style reports
    and complaints dated ``start``–``end``; windows and departments count for their unit."""
    units = list(
        OrgNode.objects.filter(
            scope_q(viewer, node=""),
            is_active=True,
            type__in=[OrgNode.Type.UNIT, OrgNode.Type.TOWN],
        ).order_by("path")
    )
    rows = {u.pk: StyleRow(node=u) for u in units}

    def unit_for(path: str) -> int | None:
        best = None
        for u in units:
            if path.startswith(u.path) and (best is None or len(u.path) > len(best.path)):
                best = u
        return best.pk if best else None

    paths = dict(OrgNode.objects.values_list("pk", "path"))
    ratings = (
        Rating.objects.filter(created_on__range=(start, end))
        .values("node")
        .annotate(n=Count("id"), avg=Avg("score"), good=Count("id", filter=Q(score__gte=4)))
    )
    sums: dict[int, float] = {}
    for r in ratings:
        key = unit_for(paths.get(r["node"], ""))
        if key is None:
            continue
        row = rows[key]
        row.ratings += r["n"]
        row.satisfied += r["good"]
        sums[key] = sums.get(key, 0.0) + r["avg"] * r["n"]
    for key, total in sums.items():
        rows[key].average = round(total / rows[key].ratings, 2)
    reports = (
        StyleReport.objects.filter(created_on__range=(start, end))
        .values("node")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(status=StyleReport.Status.VERIFIED)))
    )
    for r in reports:
        key = unit_for(paths.get(r["node"], ""))
        if key is not None:
            rows[key].reports += r["n"]
            rows[key].verified += r["ok"]
    complaints = (
        Complaint.objects.filter(received_on__range=(start, end), unit__isnull=False)
        .values("unit")
        .annotate(n=Count("id"), bad=Count("id", filter=Q(satisfied=False)))
    )
    for r in complaints:
        key = unit_for(paths.get(r["unit"], ""))
        if key is not None:
            rows[key].complaints += r["n"]
            rows[key].dissatisfied += r["bad"]
    findings = (
        Dissatisfaction.objects.filter(
            recorded_on__range=(start, end), finding=Dissatisfaction.Finding.RESPONSIBLE
        )
        .values("responsible_node")
        .annotate(n=Count("id"))
    )
    for r in findings:
        key = unit_for(paths.get(r["responsible_node"], ""))
        if key is not None:
            rows[key].responsible += r["n"]
    return [r for r in rows.values() if r.ratings or r.reports or r.complaints]


# --- public ----------------------------------------------------------------------------------


def point_by_token(token: str) -> PublicPoint:
    return get_object_or_404(
        PublicPoint.objects.select_related("org_node"), token=token, org_node__is_active=True
    )


def published_items() -> QuerySet[PowerItem]:
    return (
        PowerItem.objects.filter(published=True, category__published=True)
        .select_related("category", "responsible_node")
        .order_by("category__sort", "category__code", "sort", "code")
    )


def published_categories() -> list[tuple[PowerCategory, list[PowerItem]]]:
    """The published list grouped by category, in order."""
    groups: dict[int, tuple[PowerCategory, list[PowerItem]]] = {}
    for item in published_items():
        groups.setdefault(item.category_id, (item.category, []))[1].append(item)
    return list(groups.values())


# The tracking page's reads, the public channel's busiest: compiled once per process.
_PAGE_COLUMNS = (
    "pk", "reference", "received_on", "satisfied", "item_id", "power_item_id", "unit_id",
    "item__kind", "item__state", "item__step_deadline", "item__final_deadline",
    "item__closed_at", "power_item__name", "unit__name",
)  # fmt: skip
_PAGE_BY = {
    field: Prepared(
        lambda key, field=field: Complaint.objects.filter(**{field: key}).values_list(
            *_PAGE_COLUMNS
        )[:1],
        marker=marker,
    )
    for field, marker in (("tracking_hash", TEXT_MARKER), ("pk", NUMBER_MARKER))
}
_MESSAGE_COLUMNS = ("id", "at", "from_citizen", "kind", "text", "question_id")
_PAGE_MESSAGES = Prepared(
    lambda key: (
        PublicMessage.objects.filter(complaint_id=key)
        .order_by("at", "id")
        .values_list(*_MESSAGE_COLUMNS)
    ),
    marker=NUMBER_MARKER,
)


def tracking_page(
    *, code: str | None = None, pk: int | None = None
) -> tuple[Complaint, list[PublicMessage]] | None:
    """What the citizen's tracking page shows, found by tracking code or by id: the complaint
    with its work item, matter and unit (only the fields the page uses), and its messages in
    order; None when nothing matches (also for a malformed code)."""
    if code is not None:
        try:
            rows = _PAGE_BY["tracking_hash"].rows(keys.code_hash(code))
        except ValueError:
            return None
    else:
        rows = _PAGE_BY["pk"].rows(pk)
    if not rows:
        return None
    row = dict(zip(_PAGE_COLUMNS, rows[0], strict=True))
    complaint = loaded(Complaint, {**row, "id": row["pk"]})
    complaint.item = loaded(
        WorkItem,
        {"id": row["item_id"], **{k[6:]: v for k, v in row.items() if k.startswith("item__")}},
    )
    complaint.power_item = (
        loaded(PowerItem, {"id": row["power_item_id"], "name": row["power_item__name"]})
        if row["power_item_id"]
        else None
    )
    complaint.unit = (
        loaded(OrgNode, {"id": row["unit_id"], "name": row["unit__name"]})
        if row["unit_id"]
        else None
    )
    messages = [
        loaded(PublicMessage, {**dict(zip(_MESSAGE_COLUMNS, values, strict=True)),
                               "complaint_id": complaint.pk})
        for values in _PAGE_MESSAGES.rows(complaint.pk)
    ]  # fmt: skip
    return complaint, messages


# --- what a complaint's submission reads: compiled once per process ----------------------------

_ITEM_COLUMNS = tuple(f.attname for f in PowerItem._meta.concrete_fields)
_NODE_COLUMNS = tuple(f.attname for f in OrgNode._meta.concrete_fields)
_PUBLISHED_ITEM = Prepared(
    lambda pk: (
        PowerItem.objects.filter(pk=pk, published=True).order_by().values_list(*_ITEM_COLUMNS)
    ),
    marker=NUMBER_MARKER,
)
_ACTIVE_NODE = Prepared(
    lambda pk: OrgNode.objects.filter(pk=pk, is_active=True).order_by().values_list(*_NODE_COLUMNS),
    marker=NUMBER_MARKER,
)
_COMMISSIONS = Prepared(
    lambda: (
        OrgNode.objects.filter(type=OrgNode.Type.COMMISSION, is_active=True)
        .order_by("path")
        .values_list("pk", "parent_id")
    ),
    markers=(),
)
_SUBMITTED = Prepared(
    lambda key: Complaint.objects.filter(submission_hash=key).order_by().values_list("pk")[:1]
)
_LATEST_ABOUT = Prepared(
    lambda item, node: (
        Complaint.objects.filter(power_item_id=item, subject_node_id=node)
        .order_by("-received_on", "-pk")
        .values_list("pk", "repeat_of_id", "received_on")[:1]
    ),
    markers=(NUMBER_MARKER, NUMBER_MARKER - 1),
)


def published_power_item(pk: int) -> PowerItem | None:
    """The published matter ``pk`` of the small-power list, or None."""
    rows = _PUBLISHED_ITEM.rows(int(pk))
    return loaded(PowerItem, dict(zip(_ITEM_COLUMNS, rows[0], strict=True))) if rows else None


def active_node(pk: int) -> OrgNode | None:
    """The active unit ``pk`` of the tree, or None."""
    rows = _ACTIVE_NODE.rows(int(pk))
    return loaded(OrgNode, dict(zip(_NODE_COLUMNS, rows[0], strict=True))) if rows else None


def active_commissions() -> list[tuple[int, int | None]]:
    """``(id, parent id)`` of every active discipline commission, in tree order."""
    return _COMMISSIONS.rows()


def submission_received(submission_hash: str) -> bool:
    """Whether a complaint was already filed with this form's nonce."""
    return bool(_SUBMITTED.rows(submission_hash))


def latest_complaint_about(
    power_item: PowerItem, node: OrgNode
) -> tuple[int, int | None, date] | None:
    """``(id, repeat_of id, received on)`` of the latest complaint about this matter and unit."""
    rows = _LATEST_ABOUT.rows(power_item.pk, node.pk)
    return rows[0] if rows else None


CHOICES_SECONDS = 60


class _Choices(BaseChoiceIterator):
    """Choices already in Django's normal form: a form field takes them as they are, instead of
    walking 300 options again on every form."""

    def __init__(self, choices: list, version: str = ""):
        self.choices = choices
        self.version = version  # the same for the same list, new when it is built again

    def __iter__(self):
        return iter(self.choices)


def complaint_form_choices() -> tuple[_Choices, _Choices]:
    """The published matters and the units that the complaint form offers, in the active
    language, grouped for the select boxes. Every complaint form a citizen opens or sends needs
    them, so each web process keeps them ``CHOICES_SECONDS``; the small-power list's services
    forget them when they change it (a new or renamed unit shows within that minute)."""
    key = f"public:complaint-choices:{get_language()}"
    found = cache.get(key)
    if found is None:
        found = (_power_item_choices(), _subject_node_choices(), secrets.token_hex(8))
        cache.set(key, found, CHOICES_SECONDS)
    return _Choices(found[0], found[2]), _Choices(found[1], found[2])


def forget_complaint_choices() -> None:
    cache.delete_many([f"public:complaint-choices:{code}" for code, _name in settings.LANGUAGES])


def _power_item_choices() -> list:
    groups: dict[str, list] = {}
    for pk, name, category in (
        PowerItem.objects.filter(published=True, category__published=True)
        .order_by("category__sort", "category__code", "sort", "code")
        .values_list("pk", "name", "category__name")
    ):
        groups.setdefault(category, []).append((pk, name))
    return [("", _("— choose the matter —")), *groups.items(), ("other", _("Something else"))]


def _subject_node_choices() -> list:
    types = [
        OrgNode.Type.UNIT,
        OrgNode.Type.TOWN,
        OrgNode.Type.VILLAGE,
        OrgNode.Type.SERVICE_WINDOW,
        OrgNode.Type.DEPARTMENT,
    ]
    under_parent = (OrgNode.Type.VILLAGE, OrgNode.Type.SERVICE_WINDOW, OrgNode.Type.DEPARTMENT)
    top = _("Units and towns")
    groups: dict[str, list] = {}
    for pk, name, node_type, parent_name in (
        OrgNode.objects.filter(is_active=True, type__in=types)
        .order_by("path")
        .values_list("pk", "name", "type", "parent__name")
    ):
        label = parent_name if node_type in under_parent and parent_name else top
        groups.setdefault(label, []).append((pk, name))
    return [("", _("— choose if you know it —")), *groups.items()]


def with_receipts(replies) -> list[Complaint]:
    """The replies of a board page, each with ``ledger_index``: its last fixing leaf (whose
    receipt and public record the board links), or None if it was never fixed."""
    replies = list(replies)
    indexes = ledger_selectors.latest_fix_indexes(
        record_type=publishing.RECORD_TYPE, record_ids=[c.pk for c in replies]
    )
    for reply in replies:
        reply.ledger_index = indexes.get(str(reply.pk))
    return replies


def published_replies() -> QuerySet[Complaint]:
    return (
        Complaint.objects.filter(published=True, replied_at__isnull=False)
        .select_related("power_item", "unit")
        .order_by("-replied_at", "-pk")
    )


@dataclass
class Figure:
    label: str
    received: int = 0
    resolved: int = 0
    on_time: int = 0
    rated: int = 0
    satisfied: int = 0

    @property
    def on_time_rate(self):
        return round(100 * self.on_time / self.resolved, 1) if self.resolved else None

    @property
    def satisfaction_rate(self):
        return round(100 * self.satisfied / self.rated, 1) if self.rated else None


def _figures(qs, field: str, label) -> list[Figure]:
    rows = (
        qs.values(field)
        .annotate(
            received=Count("id"),
            resolved=Count("id", filter=Q(replied_at__isnull=False)),
            on_time=Count("id", filter=Q(replied_on_time=True)),
            rated=Count("id", filter=Q(satisfied__isnull=False)),
            satisfied=Count("id", filter=Q(satisfied=True)),
        )
        .order_by(field)
    )
    return [
        Figure(
            label=label(r[field]),
            **{k: r[k] for k in ("received", "resolved", "on_time", "rated", "satisfied")},
        )
        for r in rows
    ]


def board_figures(*, since: date) -> dict[str, list[Figure]]:
    """Counts only, per category, unit and month: received, resolved, on time, satisfaction."""
    from django.utils.translation import gettext as _

    qs = Complaint.objects.filter(received_on__gte=since)
    items = dict(PowerItem.objects.values_list("pk", "category__name"))
    nodes = dict(
        OrgNode.objects.filter(type__in=[OrgNode.Type.UNIT, OrgNode.Type.TOWN]).values_list(
            "pk", "name"
        )
    )
    by_category: dict[str, Figure] = {}
    for figure in _figures(qs, "power_item", lambda pk: items.get(pk) or _("Other matter")):
        total = by_category.setdefault(figure.label, Figure(label=figure.label))
        for attr in ("received", "resolved", "on_time", "rated", "satisfied"):
            setattr(total, attr, getattr(total, attr) + getattr(figure, attr))
    return {
        "category": sorted(by_category.values(), key=lambda f: -f.received),
        "unit": [
            f
            for f in _figures(qs.filter(unit__isnull=False), "unit", lambda pk: nodes.get(pk, "—"))
        ],
        "month": _figures(
            qs.annotate(month=TruncMonth("received_on")),
            "month",
            lambda m: m.strftime("%Y-%m") if m else "—",
        ),
    }
