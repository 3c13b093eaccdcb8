"""Pages of the fleet module; warnings' states, deadlines, evidence files and timelines are
the loop's (the warning page extends the item page)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from oversight.core.forms_flow import call_service
from oversight.core.paging import Column, export_or, paginate
from oversight.loop import selectors as loop_selectors
from oversight.loop import timing
from oversight.loop.views import detail_context
from oversight.orgs.access import has_perm, require_perm

from . import positions, selectors, services
from .forms import (
    FenceForm,
    PositionsForm,
    RuleForm,
    RunForm,
    SealingCalendarForm,
    SealingForm,
    TripForm,
    TripsImportForm,
    VehicleForm,
)
from .models import Rule

VEHICLE_COLUMNS = [
    Column("plate", _lazy("plate"), lambda v: v.plate, "plate"),
    Column("unit", _lazy("unit"), lambda v: v.unit.name, "unit__path"),
    Column("kind", _lazy("kind of vehicle"), lambda v: v.kind, "kind"),
    Column("driver", _lazy("driver"), lambda v: v.driver.name if v.driver else "", None),
    Column("status", _lazy("status"), lambda v: v.get_status_display(), "status"),
    Column("open", _lazy("open warnings"), lambda v: v.open_warnings, "open_warnings"),
]
WARNING_COLUMNS = [
    Column("vehicle", _lazy("vehicle"), lambda w: w.vehicle.plate, "vehicle__plate"),
    Column("unit", _lazy("unit"), lambda w: w.vehicle.unit.name, "vehicle__unit__path"),
    Column("rule", _lazy("rule"), lambda w: w.get_rule_display(), "rule"),
    Column("from", _lazy("from"), lambda w: w.started_at, "started_at"),
    Column("minutes", _lazy("minutes"), lambda w: w.evidence.get("minutes"), None),
    Column("state", _lazy("state"), lambda w: w.item.state_label, "item__state"),
]


def _day(request) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return None


@require_perm("fleet:vehicle:view")
def vehicle_list(request, form=None, trips_form=None):
    vehicles = selectors.vehicle_list(viewer=request.user, search=request.GET.get("q", "").strip())
    can_edit = has_perm(request.user, "fleet:vehicle:edit")
    form = form or (VehicleForm(viewer=request.user) if can_edit else None)
    trips_form = trips_form or (TripsImportForm() if can_edit else None)
    refused = any(f is not None and f.is_bound for f in (form, trips_form))
    return export_or(
        request,
        vehicles,
        columns=VEHICLE_COLUMNS,
        filename="vehicles.xlsx",
        title=_("Vehicles"),
        render=lambda page: render(
            request,
            "fleet/vehicle_list.html",
            {"page": page, "form": form, "trips_form": trips_form},
            status=400 if refused else 200,
        ),
    )


@require_perm("fleet:vehicle:edit")
@require_POST
def trips_import(request):
    form = TripsImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = positions.rows_from_file(
                upload.name, upload.read(), fields=services.TRIP_FIELDS, key="trip_orders"
            )
        except ValueError as error:
            form.add_error("file", str(error))
        else:
            result = call_service(
                form,
                services.trip_orders_import,
                actor=request.user,
                rows=rows,
                file_name=upload.name,
            )
            if result:
                made, skipped = result
                messages.success(
                    request,
                    _("%(n)d trip orders were recorded (%(skipped)d already known).")
                    % {"n": len(made), "skipped": skipped},
                )
                return redirect("fleet:vehicle_list")
    return vehicle_list(request, trips_form=form)


@require_perm("fleet:vehicle:edit")
@require_POST
def vehicle_create(request):
    form = VehicleForm(request.POST, viewer=request.user)
    if form.is_valid():
        data = form.cleaned_data
        vehicle = call_service(
            form,
            services.vehicle_create,
            actor=request.user,
            plate=data["plate"],
            unit=data["unit"],
            kind=data["kind"],
            driver=data["driver_resident_id"],
            status=data["status"],
        )
        if vehicle:
            request.operation_target = vehicle
            messages.success(request, _("The vehicle was registered."))
            return redirect("fleet:vehicle_detail", pk=vehicle.pk)
    return vehicle_list(request, form=form)


@require_perm("fleet:vehicle:view")
def vehicle_detail(request, pk: int, trip_form=None):
    vehicle = selectors.vehicle_get(viewer=request.user, pk=pk)
    warnings = list(vehicle.warnings.select_related("item").order_by("-started_at")[:200])
    day = _day(request) or (
        warnings[0].started_at.astimezone(positions.local_zone()).date()
        if warnings
        else timing.today()
    )
    track = selectors.track_of(vehicle=vehicle, day=day)
    that_day = [
        w for w in warnings if w.started_at.astimezone(positions.local_zone()).date() == day
    ]
    fences = selectors.fence_list(viewer=request.user).filter(
        kind__in=["permitted", "concern", "garage"]
    )
    context = {
        "vehicle": vehicle,
        "day": day,
        "points": len(track),
        "warnings": warnings,
        "trips": vehicle.trip_orders.all()[:50],
        "trip_form": trip_form or TripForm(),
        "can_edit": has_perm(request.user, "fleet:vehicle:edit"),
        "map": selectors.map_data(
            viewer=request.user, node=vehicle.unit, fences=fences, track=track, warnings=that_day
        ),
    }
    return render(request, "fleet/vehicle_detail.html", context, status=400 if trip_form else 200)


@require_perm("fleet:vehicle:edit")
@require_POST
def trip_add(request, pk: int):
    vehicle = selectors.vehicle_get(viewer=request.user, pk=pk)
    form = TripForm(request.POST)
    if form.is_valid() and call_service(
        form, services.trip_order_add, actor=request.user, vehicle=vehicle, **form.cleaned_data
    ):
        messages.success(request, _("The trip order was recorded."))
        return redirect("fleet:vehicle_detail", pk=pk)
    return vehicle_detail(request, pk, trip_form=form)


@require_perm("fleet:vehicle:view")
def warning_list(request, run_form=None):
    rule = request.GET.get("rule", "")
    state = request.GET.get("state", "")
    warnings = selectors.warning_list(
        viewer=request.user,
        rule=rule if rule in Rule.Kind.values else "",
        state=state if state in ("open", "closed") else "",
    )
    context = {
        "rules": Rule.Kind.choices,
        "rule": rule,
        "state": state,
        "run_form": run_form
        or (RunForm(viewer=request.user) if has_perm(request.user, "fleet:rule:run") else None),
    }
    return export_or(
        request,
        warnings,
        columns=WARNING_COLUMNS,
        filename="vehicle-warnings.xlsx",
        title=_("Vehicle warnings"),
        render=lambda page: render(
            request,
            "fleet/warning_list.html",
            {**context, "page": page},
            status=400 if run_form else 200,
        ),
    )


@require_perm("fleet:rule:run")
@require_POST
def rules_run(request):
    form = RunForm(request.POST, viewer=request.user)
    if form.is_valid():
        raised = call_service(form, services.rules_run, actor=request.user, **form.cleaned_data)
        if raised is not None:
            messages.success(request, _("%(n)d new warnings were raised.") % {"n": len(raised)})
            return redirect("fleet:warning_list")
    return warning_list(request, run_form=form)


@require_perm("fleet:vehicle:view")
def warning_detail(request, pk: int):
    warning = selectors.warning_get(viewer=request.user, pk=pk)
    item = loop_selectors.item_get(viewer=request.user, pk=pk)
    context = detail_context(request, item)
    local = warning.started_at.astimezone(positions.local_zone())
    track = selectors.track_of(vehicle=warning.vehicle, day=local.date())
    fences = selectors.fence_list(viewer=request.user).filter(kind__in=["permitted", "concern"])
    context.update(
        {
            "warning": warning,
            "excerpt": warning.evidence.get("track", []),
            "map": selectors.map_data(
                viewer=request.user,
                node=warning.vehicle.unit,
                fences=fences,
                track=track
                or [
                    positions.Point(
                        warning.vehicle_id, datetime.datetime.fromisoformat(t), lon, lat, s, i
                    )
                    for t, lon, lat, s, i in warning.evidence.get("track", [])
                ],
                warnings=[warning],
            ),
        }
    )
    return render(request, "fleet/warning_detail.html", context)


@require_perm("fleet:vehicle:view")
def holiday(request):
    periods = list(selectors.sealing_list()[:40])
    chosen = next((p for p in periods if str(p.pk) == request.GET.get("period")), None)
    chosen = chosen or (periods[0] if periods else None)
    rows = selectors.holiday_overview(viewer=request.user, period=chosen) if chosen else []
    context = {
        "periods": periods,
        "period": chosen,
        "rows": rows,
        "used": sum(1 for r in rows if not r["sealed"]),
        "units": len({r["vehicle"].unit_id for r in rows if not r["sealed"]}),
    }
    return render(request, "fleet/holiday.html", context)


@require_perm("fleet:position:import")
def batch_list(request, form=None):
    context = {
        "page": paginate(request, selectors.batch_list()),
        "form": form or PositionsForm(),
    }
    return render(request, "fleet/batch_list.html", context, status=400 if form else 200)


@require_perm("fleet:position:import")
@require_POST
def positions_import(request):
    form = PositionsForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = positions.rows_from_file(upload.name, upload.read())
        except ValueError as error:
            form.add_error("file", str(error))
        else:
            batch = call_service(
                form,
                services.positions_import,
                actor=request.user,
                source=form.cleaned_data["source"],
                crs=form.cleaned_data["crs"],
                rows=rows,
                file_name=upload.name,
            )
            if batch:
                messages.success(request, _("%(n)d positions were imported.") % {"n": batch.rows})
                return redirect("fleet:batch_list")
    return batch_list(request, form=form)


def _fence_form(request, data=None, files=None):
    vehicles = selectors.vehicle_list(viewer=request.user)
    return FenceForm(data, files, viewer=request.user, vehicles=vehicles)


@require_perm("fleet:vehicle:view")
def fence_list(request, **forms):
    can_edit = has_perm(request.user, "fleet:fence:edit")
    fences = list(selectors.fence_list(viewer=request.user))
    first = fences[0].unit if fences else request.user.org_node
    context = {
        "fences": fences,
        "periods": selectors.sealing_list()[:40],
        "can_edit": can_edit,
        "fence_form": forms.get("fence_form") or (_fence_form(request) if can_edit else None),
        "calendar_form": forms.get("calendar_form") or SealingCalendarForm(),
        "sealing_form": forms.get("sealing_form") or SealingForm(),
        "map": selectors.map_data(viewer=request.user, node=first, fences=fences, track=[])
        if first
        else None,
    }
    return render(request, "fleet/fence_list.html", context, status=400 if forms else 200)


@require_perm("fleet:fence:edit")
@require_POST
def fences_upload(request):
    form = _fence_form(request, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        fences = call_service(
            form,
            services.fences_upload,
            actor=request.user,
            unit=data["unit"],
            kind=data["kind"],
            content=data["file"].read(),
            vehicles=list(data["vehicles"]),
        )
        if fences:
            messages.success(request, _("%(n)d geofences were saved.") % {"n": len(fences)})
            return redirect("fleet:fence_list")
    return fence_list(request, fence_form=form)


def _commission(request):
    return request.user.org_node


@require_perm("fleet:fence:edit")
@require_POST
def sealing_calendar(request):
    form = SealingCalendarForm(request.POST)
    if form.is_valid():
        made = call_service(
            form,
            services.sealing_from_calendar,
            actor=request.user,
            year=form.cleaned_data["year"],
            declared_by=_commission(request),
        )
        if made is not None:
            messages.success(request, _("%(n)d sealing periods were added.") % {"n": len(made)})
            return redirect("fleet:fence_list")
    return fence_list(request, calendar_form=form)


@require_perm("fleet:fence:edit")
@require_POST
def sealing_declare(request):
    form = SealingForm(request.POST)
    if form.is_valid() and call_service(
        form,
        services.sealing_declare,
        actor=request.user,
        declared_by=_commission(request),
        **form.cleaned_data,
    ):
        messages.success(request, _("The sealing period was declared."))
        return redirect("fleet:fence_list")
    return fence_list(request, sealing_form=form)


@require_perm("fleet:rule:run")
def rule_list(request):
    form = None
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid() and call_service(
            form, services.rule_save, actor=request.user, **form.cleaned_data
        ):
            messages.success(request, _("Saved."))
            return redirect("fleet:rule_list")
    saved = {r.kind: r for r in Rule.objects.all()}
    rows = []
    for kind, label in Rule.Kind.choices:
        rule = saved.get(kind)
        initial = {
            "kind": kind,
            "enabled": rule.enabled if rule else True,
            "dwell_minutes": rule.dwell_minutes if rule else services.DEFAULT_DWELL[kind],
        }
        if kind == Rule.Kind.LONG_TRIP:
            initial["distance_km"] = services.long_trip_km()
        bound = form if form is not None and form.data.get("kind") == kind else None
        rows.append({"label": label, "form": bound or RuleForm(initial=initial)})
    return render(request, "fleet/rules.html", {"rows": rows}, status=400 if form else 200)
