"""Reads of inspection rounds, scoped by the org tree: an inspected unit sees its own findings,
tasks and report; the inspecting body sees those of the units in its scope. A round is visible
to whoever sees its inspecting body or one of its units."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from oversight.loop.models import WorkItem
from oversight.orgs.access import scope_q
from oversight.orgs.models import Position

from .models import Finding, InspectedUnit, Round, Task


def unit_list(*, viewer, round: Round | None = None) -> QuerySet[InspectedUnit]:
    """The inspected units in the viewer's scope."""
    qs = InspectedUnit.objects.filter(scope_q(viewer, node="node")).select_related(
        "round", "node", "head", "report_item"
    )
    if round is not None:
        qs = qs.filter(round=round)
    return qs.order_by("-round__year", "-round__number", "node__path")


def unit_get(*, viewer, pk: int) -> InspectedUnit:
    return get_object_or_404(unit_list(viewer=viewer), pk=pk)


def round_list(*, viewer) -> QuerySet[Round]:
    """Rounds whose inspecting body is in the viewer's scope, or that inspect a unit in it."""
    own = scope_q(viewer, node="inspecting_node")
    qs = Round.objects.all()
    if own:  # an empty Q is "everything": or-ing anything to it would narrow it
        inspected = InspectedUnit.objects.filter(scope_q(viewer, node="node")).values("round")
        qs = qs.filter(own | Q(pk__in=inspected))
    return (
        qs.select_related("inspecting_node")
        .annotate(unit_count=Count("units", distinct=True))
        .order_by("-year", "-number", "-pk")
    )


def round_get(*, viewer, pk: int) -> Round:
    return get_object_or_404(round_list(viewer=viewer), pk=pk)


def finding_list(*, viewer, unit: InspectedUnit | None = None) -> QuerySet[Finding]:
    qs = Finding.objects.filter(scope_q(viewer, node="unit__node")).select_related(
        "unit", "unit__node", "unit__round"
    )
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs


def finding_get(*, viewer, pk: int) -> Finding:
    return get_object_or_404(finding_list(viewer=viewer), pk=pk)


@dataclass(frozen=True)
class TaskFilters:
    round: Round | None = None
    unit: InspectedUnit | None = None
    category: str = ""
    state: str = ""
    overdue: bool = False
    immediate: bool | None = None


def task_list(*, viewer, filters: TaskFilters = TaskFilters()) -> QuerySet[Task]:
    """Rectification tasks whose unit is in the viewer's scope, filtered."""
    qs = Task.objects.filter(scope_q(viewer, node="node")).select_related(
        "item", "node", "finding", "finding__unit", "finding__unit__round", "leader", "department"
    )
    f = filters
    if f.round is not None:
        qs = qs.filter(finding__unit__round=f.round)
    if f.unit is not None:
        qs = qs.filter(finding__unit=f.unit)
    if f.category:
        qs = qs.filter(finding__category=f.category)
    if f.state:
        qs = qs.filter(item__state=f.state)
    if f.overdue:
        qs = qs.filter(item__closed_at__isnull=True, item__light=WorkItem.Light.RED)
    if f.immediate is not None:
        qs = qs.filter(immediate=f.immediate)
    return qs.order_by("finding__unit__round", "finding__unit__node__path", "finding__number", "pk")


def task_get(*, viewer, pk: int) -> Task:
    """A task by its work item's id, if its unit is in the viewer's scope; else 404."""
    return get_object_or_404(task_list(viewer=viewer), item_id=pk)


# --- completion -------------------------------------------------------------------------------


@dataclass
class Completion:
    """How far a unit (or a category) has come: tasks, closed, closed on time, overdue."""

    label: str
    tasks: int = 0
    closed: int = 0
    on_time: int = 0
    overdue: int = 0
    key: object = None

    @property
    def rate(self) -> float | None:
        return round(100 * self.closed / self.tasks, 1) if self.tasks else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.closed, 1) if self.closed else None


def completion(*, viewer, round: Round, by: str = "unit") -> list[Completion]:
    """The round's completion per unit (``by="unit"``) or per category (``"category"``), over
    the tasks in the viewer's scope, in one grouped query."""
    group = "finding__unit__node__name" if by == "unit" else "finding__category"
    rows = (
        task_list(viewer=viewer, filters=TaskFilters(round=round))
        .order_by()
        .values(group)
        .annotate(
            tasks=Count("pk"),
            closed=Count("pk", filter=Q(item__closed_at__isnull=False)),
            on_time=Count("pk", filter=Q(item__closed_at__isnull=False, item__closed_on_time=True)),
            overdue=Count(
                "pk", filter=Q(item__closed_at__isnull=True, item__light=WorkItem.Light.RED)
            ),
        )
        .order_by(group)
    )
    labels = dict(Finding.Category.choices)
    return [
        Completion(
            label=str(labels.get(row[group], row[group])) if by != "unit" else row[group],
            key=row[group],
            tasks=row["tasks"],
            closed=row["closed"],
            on_time=row["on_time"],
            overdue=row["overdue"],
        )
        for row in rows
    ]


def signs_for(account, unit: InspectedUnit) -> bool:
    """Whether ``account`` signs ``unit``'s report as its head: the head named for the round,
    else anyone holding a current leading post at the unit."""
    person_id = getattr(account, "person_id", None)
    if person_id is None:
        return False
    if unit.head_id is not None:
        return unit.head_id == person_id
    return Position.objects.filter(
        person_id=person_id, org_node_id=unit.node_id, is_leader=True, end_date__isnull=True
    ).exists()


# --- look-backs -------------------------------------------------------------------------------


def lookback_list(*, viewer, round: Round):
    """The look-backs of a round the viewer sees (its checks are scoped on their own)."""
    from .models import LookBack

    return LookBack.objects.filter(round=round).annotate(
        drawn=Count("checks"),
        reopened=Count("checks", filter=Q(checks__outcome="reopened")),
    )


def lookback_get(*, viewer, pk: int):
    from .models import LookBack

    lookback = get_object_or_404(LookBack.objects.select_related("round"), pk=pk)
    round_get(viewer=viewer, pk=lookback.round_id)  # 404 outside the round's scope
    return lookback


def check_list(*, viewer, lookback=None):
    """Look-back checks whose unit is in the viewer's scope."""
    from .models import LookBackCheck

    qs = LookBackCheck.objects.filter(scope_q(viewer, node="node")).select_related(
        "node",
        "task",
        "task__item",
        "task__finding",
        "task__finding__warning",
        "task__reopened_as",
        "checked_by",
    )
    if lookback is not None:
        qs = qs.filter(lookback=lookback)
    return qs


def check_get(*, viewer, pk: int):
    return get_object_or_404(check_list(viewer=viewer), pk=pk)


@dataclass(frozen=True)
class DataRecheck:
    """Whether the pattern a data-derived finding came from is still in the data: ``state``
    is ``gone`` (the model, run again, no longer finds it), ``found`` (still found by a run
    after the task closed) or ``not_rerun`` (no run of the model since the task closed)."""

    warning: object
    state: str
    run: object | None


def data_recheck(task: Task) -> DataRecheck | None:
    """What the comparison model says now about the warning ``task``'s finding came from."""
    from oversight.analytics.models import AnalysisRun

    warning = task.finding.warning
    if warning is None:
        return None
    if warning.gone_run_id is not None:
        return DataRecheck(warning, "gone", warning.gone_run)
    closed_at = task.item.closed_at
    runs = AnalysisRun.objects.filter(status=AnalysisRun.Status.DONE).order_by("-finished_at")
    if closed_at is not None:
        runs = runs.filter(finished_at__gt=closed_at)
    latest = next((r for r in runs[:50] if warning.model_id in r.model_ids), None)
    if latest is None:
        return DataRecheck(warning, "not_rerun", None)
    return DataRecheck(warning, "found", latest)
