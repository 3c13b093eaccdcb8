"""Units of warnings: the units named in the data that nothing resolves, for the county's
officers to assign, and the officers' rules, which they see and correct."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.orgs.access import require_perm

from .. import selectors, services
from ..forms import UnitAssignForm
from ._common import attempt

ASSIGN = "analytics:unit:assign"


@require_perm(ASSIGN)
def unit_rules(request, form=None):
    context = {
        "unresolved": selectors.unresolved_units(),
        "unnamed": selectors.unnamed_unit_warnings(),
        "rules": selectors.unit_rule_list(),
        "form": form or UnitAssignForm(viewer=request.user),
    }
    return render(request, "analytics/unit_rules.html", context, status=400 if form else 200)


@require_POST
@require_perm(ASSIGN)
def unit_assign(request):
    form = UnitAssignForm(request.POST, viewer=request.user)
    if not form.is_valid():
        return unit_rules(request, form=form)
    rule = attempt(request, services.unit_rule_save, actor=request.user,
                   text=form.cleaned_data["text"], node=form.cleaned_data["node"])  # fmt: skip
    if rule is not None:
        request.operation_target = rule
        messages.success(request, _("“%(text)s” is now %(node)s for every warning naming it.")
                         % {"text": rule.text, "node": rule.node})  # fmt: skip
    return redirect("analytics:unit_rules")


@require_POST
@require_perm(ASSIGN)
def unit_rule_delete(request, pk: int):
    rule = selectors.unit_rule_get(pk=pk)
    try:
        services.unit_rule_delete(actor=request.user, rule=rule)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The rule was removed; its warnings are resolved again."))
    return redirect("analytics:unit_rules")


@require_POST
@require_perm(ASSIGN)
def warning_assign(request, pk: int):
    warning = selectors.unresolved_warning_get(pk=pk)
    form = UnitAssignForm(request.POST, viewer=request.user)
    if not form.is_valid():
        return unit_rules(request, form=form)
    done = attempt(request, services.warning_assign_unit, actor=request.user, warning=warning,
                   node=form.cleaned_data["node"])  # fmt: skip
    if done is not None:
        request.operation_target = done
        messages.success(request, _("The warning was assigned to %(node)s.") % {"node": done.unit})
    return redirect("analytics:unit_rules")
