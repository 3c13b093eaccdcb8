"""The workbench (工作台), everyone's first page: their work to do and, within their scope,
the figures of the org tree and of the closed loop."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from oversight.orgs import selectors as org_selectors
from oversight.orgs.access import has_perm

from . import selectors
from .models import WorkItem


@login_required
def home(request):
    viewer = request.user
    todo = selectors.my_work(viewer=viewer, tab="todo")
    figures = {
        "todo": todo.count(),
        "todo_red": selectors.my_overdue_count(viewer=viewer),
        "nodes": org_selectors.node_list(viewer=viewer).count(),
        "people": org_selectors.person_list(viewer=viewer).count(),
    }
    if has_perm(viewer, "loop:item:view"):
        visible = selectors.item_list(viewer=viewer).filter(closed_at__isnull=True)
        figures["open"] = visible.count()
        figures["red"] = visible.filter(light=WorkItem.Light.RED).count()
    return render(request, "loop/home.html", {"figures": figures, "urgent": todo[:8]})
