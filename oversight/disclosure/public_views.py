"""Sunshine disclosure (阳光公开) on the public channel: a citizen on a phone finds a village
(or any unit the catalogue covers) and reads what it published, by disclosure. No account, the
public channel's privacy headers; only published notices are shown."""

from __future__ import annotations

from django.shortcuts import render

from oversight.public.web import public_page

from . import selectors


@public_page
def index(request):
    query = request.GET.get("q", "").strip()[:40]
    units = selectors.public_units()
    if query:
        units = units.filter(name__contains=query)
    return render(request, "disclosure/public_index.html", {"units": units[:300], "query": query})


@public_page
def unit(request, code: str):
    node = selectors.public_unit(code=code)
    return render(
        request,
        "disclosure/public_unit.html",
        {"node": node, "sections": selectors.public_notices(node=node)},
    )
