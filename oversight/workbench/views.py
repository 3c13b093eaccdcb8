"""The workbench (工作台), everyone's first page: their work to do and, within their scope, the
figures of the org tree and of the closed loop; for a leader, the cockpit's tiles and trend;
for a calendar administrator, a gap in next year's working-day calendar.

It composes the apps below it and nothing imports it, which is why it is an app of its own at
the top of the house."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from oversight.cockpit import selectors as cockpit
from oversight.loop import selectors as loop_selectors
from oversight.loop import timing
from oversight.loop.models import WorkItem
from oversight.measures import selectors as measures
from oversight.measures.registry import Period
from oversight.orgs import selectors as org_selectors
from oversight.orgs.access import has_perm
from oversight.schedules.selectors import calendar_gap

from .search import global_search


@login_required
def home(request):
    viewer = request.user
    todo = loop_selectors.my_work(viewer=viewer, tab="todo")
    figures = {
        "todo": todo.count(),
        "todo_red": loop_selectors.my_overdue_count(viewer=viewer),
        "nodes": org_selectors.node_list(viewer=viewer).count(),
        "people": org_selectors.person_list(viewer=viewer).count(),
    }
    context = {"figures": figures, "urgent": todo[:8], "calendar_gap": None, "cockpit": None}
    if has_perm(viewer, "cockpit:screen:view"):
        # The leader's home is a view of the cockpit: its tiles and trend for the viewer's scope.
        tops = cockpit.home_nodes(viewer)
        if tops:
            context["cockpit"] = cockpit.screen(
                viewer=viewer,
                tops=tops,
                period=Period.containing(measures.today()),
                parts=frozenset({"trend"}),
            )
    if context["cockpit"] is None and has_perm(viewer, "loop:item:view"):
        # Without the cockpit's tiles, the open and overdue items of the viewer's lists.
        visible = loop_selectors.item_list(viewer=viewer).filter(closed_at__isnull=True)
        figures["open"] = visible.count()
        figures["red"] = visible.filter(light=WorkItem.Light.RED).count()
    if has_perm(viewer, "loop:calendar:edit"):
        context["calendar_gap"] = calendar_gap(on=timing.today())
    return render(request, "workbench/home.html", context)


@login_required
def search(request):
    """One search over what the viewer may open (``workbench.search``)."""
    query = request.GET.get("q", "").strip()[:100]
    sections = global_search(viewer=request.user, query=query)
    return render(request, "workbench/search.html", {"q": query, "sections": sections})
