"""Sunshine disclosure of the collectives (阳光三资) on the public channel, phone-first: a
village's published accounts (each month with its ledger receipt), its assets on lease and
their terms, and the subsidies and pensions it paid with the names masked. No account."""

from __future__ import annotations

from django.shortcuts import render

from oversight.loop import timing
from oversight.public import ratelimit
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
    reimbursements = [(r, mask_name(r.payee)) for r in selectors.public_reimbursements(collective)]
    return render(
        request,
        "collective/public_village.html",
        {
            "collective": collective,
            "statements": selectors.public_statements(collective),
            "leases": selectors.public_leases(collective, timing.today()),
            "payouts": payouts,
            "reimbursements": reimbursements,
        },
    )


@public_page
def member(request, code: str):
    """A member proves who they are (name + resident ID on the roster, then the code sent to
    the phone on record); verified, they see the full accounts and may raise an objection.
    Only the check's state is kept, in the visitor's session."""
    from django.core.exceptions import ValidationError

    from . import services

    collective = selectors.public_collective(code=code)
    key = f"collective-member-{collective.pk}"
    state = dict(request.session.get(key, {}))
    client = ratelimit.session_key(request)
    errors: list[str] = []
    filed = None
    sent = False
    status = 200
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "start":
                services.member_check_start(
                    collective=collective,
                    name=request.POST.get("name", "")[:50],
                    resident_id=request.POST.get("resident_id", "")[:18],
                    state=state,
                    client=client,
                )
                sent = True
            elif step == "code":
                services.member_check_code(
                    collective=collective,
                    code=request.POST.get("code", "")[:6],
                    state=state,
                    client=client,
                )
            elif step == "object" and state.get("verified"):
                member_row = collective.members.get(pk=state["member"])
                filed = services.objection_raise(
                    member=member_row, text=request.POST.get("text", "")
                )
        except ValidationError as exc:
            errors = exc.messages
            status = 400
        request.session[key] = state
    entries = (
        collective.entries.filter(month__in=collective.statements.values("month")).order_by(
            "-booked_on"
        )[:200]
        if state.get("verified")
        else []
    )
    return render(
        request,
        "collective/public_member.html",
        {
            "collective": collective,
            "verified": state.get("verified", False),
            "sent": sent or bool(state.get("digest")),
            "errors": errors,
            "entries": entries,
            "assets": selectors.member_assets(collective, timing.today())
            if state.get("verified")
            else [],
            "filed": filed,
        },
        status=status,
    )
