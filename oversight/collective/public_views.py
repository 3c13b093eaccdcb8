"""Sunshine disclosure of the collectives (阳光三资) on the public channel, phone-first: a
village's published accounts (each month with its ledger receipt), its assets on lease and
their terms, and the subsidies and pensions it paid with the names masked. No account."""

from __future__ import annotations

from django.shortcuts import render

from oversight.loop import timing
from oversight.public.web import public_page

from . import selectors
from .services import mask_name


@public_page
def index(request):
    query = request.GET.get("q", "").strip()[:40]
    collectives = selectors.public_collectives()
    if query:
        collectives = collectives.filter(node__name__contains=query)
    return render(
        request,
        "collective/public_index.html",
        {"collectives": collectives[:300], "query": query},
    )


@public_page
def village(request, code: str):
    collective = selectors.public_collective(code=code)
    payouts = [(p, mask_name(p.beneficiary)) for p in selectors.public_payouts(collective)]
    return render(
        request,
        "collective/public_village.html",
        {
            "collective": collective,
            "statements": selectors.public_statements(collective),
            "leases": selectors.public_leases(collective, timing.today()),
            "payouts": payouts,
        },
    )
