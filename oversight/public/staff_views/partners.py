"""Open311 partner apps and their keys."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from oversight.core.forms_flow import call_service, render_form
from oversight.orgs.access import require_perm

from .. import services
from ..forms import (
    PartnerForm,
)
from ..models import Partner


@require_perm("public:partner:manage")
def partner_list(request):
    form = PartnerForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        created = call_service(
            form, services.partner_create, actor=request.user, **form.cleaned_data
        )
        if created:
            partner, key = created
            request.operation_target = partner
    response = render_form(
        request,
        "public/staff/partner_list.html",
        {"form": form, "key": key, "partners": Partner.objects.all()},
        form,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@require_perm("public:partner:manage")
def partner_toggle(request, pk: int):
    partner = get_object_or_404(Partner, pk=pk)
    services.partner_set_active(partner=partner, actor=request.user, active=not partner.is_active)
    request.operation_target = partner
    return redirect("public_staff:partner_list")
