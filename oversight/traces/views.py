from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from oversight.core.paging import Column, export_or
from oversight.orgs.access import require_perm

from . import selectors, services


def _people_columns() -> list[Column]:
    return [
        Column("name", _lazy("name"), lambda p: p.name, sort="name"),
        Column("unit", _lazy("unit"), lambda p: p.org_node.name, sort="org_node__path"),
    ]


@require_perm("traces:graph:view")
def person_list(request):
    people = selectors.people(viewer=request.user, search=request.GET.get("q", ""))
    return export_or(
        request,
        people,
        columns=_people_columns(),
        filename="trace-graph-people.xlsx",
        title=_("Trace graph"),
        export_perm="traces:graph:view",
        render=lambda page: render(
            request, "traces/person_list.html", {"page": page, "q": request.GET.get("q", "")}
        ),
    )


@require_perm("traces:graph:view")
def graph_detail(request, pk: int):
    """A person's graph drawn by ECharts, with the flagged paths explained hop by hop."""
    person, graph, findings = selectors.person_graph(viewer=request.user, pk=pk)
    services.graph_opened(actor=request.user, person=person)
    return render(
        request,
        "traces/graph.html",
        {"person": person, "graph": graph.as_echarts(), "findings": findings},
    )


@require_perm("traces:graph:view")
def graph_json(request, pk: int):
    _person, graph, _findings = selectors.person_graph(viewer=request.user, pk=pk)
    return JsonResponse(graph.as_echarts())


@require_POST
@require_perm("traces:finding:handle")
def finding_take_up(request, pk: int, number: int):
    try:
        item = services.finding_take_up(actor=request.user, person_pk=pk, number=number)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("traces:graph_detail", pk)
    messages.success(request, _("The flagged path was taken up as a work item."))
    return redirect("loop:item_detail", item.pk)
