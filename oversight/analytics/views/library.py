"""The model library: browse (names in both languages, SQL, precision so far), enable or
disable, set parameters, test on a sample, add or edit a model from its TOML and SQL."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.core.forms_flow import call_service, render_form
from oversight.orgs.access import require_perm

from .. import bridge, selectors, services
from ..forms import ModelParamsForm, ModelTestForm, ModelTextForm
from ._common import attempt

VIEW = "analytics:model:view"
EDIT = "analytics:model:edit"


@require_perm(VIEW)
def model_list(request):
    stats = selectors.model_stats(viewer=request.user)
    entries = bridge.library()
    rows = [(entry, stats.get(entry.id, selectors.ModelStats())) for entry in entries]
    return render(request, "analytics/model_list.html", {"rows": rows})


def _entry(model_id: str) -> bridge.LibraryEntry:
    entry = bridge.library_entry(model_id)
    if entry is None:
        raise Http404
    return entry


def _params_form(entry, data=None) -> ModelParamsForm:
    defaults = entry.defaults
    current = entry.setting.params if entry.setting else {}
    return ModelParamsForm(data, defaults=defaults, current=current)


@require_perm(VIEW)
def model_detail(request, model_id: str, params_form=None, status: int = 200):
    entry = _entry(model_id)
    stats = selectors.model_stats(viewer=request.user).get(entry.id, selectors.ModelStats())
    context = {
        "entry": entry,
        "model": entry.model,
        "stats": stats,
        "params_form": params_form or _params_form(entry),
        "test_form": ModelTestForm(),
        "sql": entry.model.rendered_sql(as_of=None) if not entry.problem else "",
    }
    return render(request, "analytics/model_detail.html", context, status=status)


@require_POST
@require_perm(EDIT)
def model_enable(request, model_id: str):
    entry = _entry(model_id)
    enabled = request.POST.get("enabled") == "1"
    if attempt(
        request, services.model_enable, actor=request.user, model_id=entry.id, enabled=enabled
    ):
        messages.success(
            request, _("The model is enabled.") if enabled else _("The model is disabled.")
        )
    return redirect("analytics:model_detail", model_id=entry.id)


@require_POST
@require_perm(EDIT)
def model_params(request, model_id: str):
    entry = _entry(model_id)
    form = _params_form(entry, request.POST)
    if form.is_valid():
        params = form.params()
        if not form.errors and call_service(
            form, services.model_params_save, actor=request.user, model_id=entry.id, params=params
        ):
            messages.success(request, _("The parameters were saved."))
            return redirect("analytics:model_detail", model_id=entry.id)
    return model_detail(request, model_id, params_form=form, status=400)


@require_POST
@require_perm(EDIT)
def model_test(request, model_id: str):
    entry = _entry(model_id)
    form = ModelTestForm(request.POST)
    sample = form.cleaned_data["percent"] / 100 if form.is_valid() else 0.1
    setting = attempt(
        request, services.model_test, actor=request.user, model_id=entry.id, sample=sample
    )
    if setting is not None:
        if setting.test_result.get("ok"):
            messages.success(request, _("The test ran: %(n)d hits on the sample.")
                             % {"n": setting.test_result["hit_count"]})  # fmt: skip
        else:
            messages.error(request, _("The test found problems; see below."))
    return redirect("analytics:model_detail", model_id=entry.id)


@require_perm(EDIT)
def model_add(request):
    form = ModelTextForm(
        request.POST or None, initial={"metadata": TEMPLATE_TOML, "sql": TEMPLATE_SQL}
    )
    if request.method == "POST" and form.is_valid():
        setting = call_service(form, services.model_add, actor=request.user, **form.cleaned_data)
        if setting:
            request.operation_target = setting
            messages.success(
                request, _("The model was added. Test it on a sample, then enable it.")
            )
            return redirect("analytics:model_detail", model_id=setting.model_id)
    return render_form(request, "analytics/model_form.html", {"form": form, "entry": None}, form)


@require_perm(EDIT)
def model_edit(request, model_id: str):
    entry = _entry(model_id)
    if entry.setting is None or not entry.setting.is_custom:
        raise Http404
    initial = {"metadata": entry.setting.metadata_text, "sql": entry.setting.sql_text}
    form = ModelTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        setting = call_service(form, services.model_update, actor=request.user, model_id=entry.id,
                               **form.cleaned_data)  # fmt: skip
        if setting:
            messages.success(request, _("The model was saved; test it again before enabling it."))
            return redirect("analytics:model_detail", model_id=entry.id)
    return render_form(request, "analytics/model_form.html", {"form": form, "entry": entry}, form)


TEMPLATE_TOML = """id = "my_model"
name_zh = "模型名称"
name_en = "Model name"
domain = "benefits"
datasets = ["deaths", "benefit_payments"]
exact_key = true

[severity]
measure = "amount"
yellow = 0
red = 3000

[reason]
zh = "{subject_name}：{detail}，金额{amount}元"
en = "{subject_name}: {detail}, {amount} yuan"

[params]
"""

TEMPLATE_SQL = """SELECT
    d.resident_id AS subject_id,
    min(p.name) AS subject_name,
    min(p.town) AS unit,
    sum(p.amount) AS amount,
    min(p.period) AS period,
    list({'dataset': 'benefit_payments', 'key': p.payment_id}) AS evidence,
    'resident_id' AS match_method,
    d.resident_id || '|' || p.program_code AS fingerprint_key,
    p.program_code AS detail
FROM deaths d
JOIN benefit_payments p ON p.resident_id = d.resident_id
GROUP BY d.resident_id, p.program_code
"""
