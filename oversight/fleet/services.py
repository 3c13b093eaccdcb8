"""Writes of the fleet module: vehicles and trip orders, geofences from GeoJSON, sealing
periods (from the working-day calendar, or declared), position batches, the rules' settings and
their runs, which raise warnings as ``fleet.warning`` work items. Every write records a ledger
leaf in its own transaction; warnings move only through the loop's services."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping, Sequence

import chinese_calendar
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import shape

from oversight.ledger import services as ledger
from oversight.ledger.targets import kind_of, type_of
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.loop.models import CalendarDay
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode, Person
from oversight.orgs.selectors import node_list

from . import positions, rules
from .models import FleetWarning, Geofence, PositionBatch, Rule, SealingPeriod, TripOrder, Vehicle
from .workflows import KIND

# Plain strings: an enum member's hash is its name's, so it would not find its value's key.
DEFAULT_DWELL = {
    Rule.Kind.SEALED_USE.value: 0,
    Rule.Kind.OUTSIDE_PERMITTED.value: 15,
    Rule.Kind.ODD_HOURS.value: 10,
    Rule.Kind.CONCERN_STAY.value: 30,
    Rule.Kind.LONG_TRIP.value: 240,
}
DEFAULT_DISTANCE_KM = 10  # long trips: this far beyond the car's garages and permitted areas
MAX_DISTANCE_KM = 1000
MAX_RUN_DAYS = 92
MIN_SEALING_DAYS = 3  # a run of days off this long is a holiday to seal for (not a weekend)


def _require(actor, code: str, message: str) -> None:
    if not has_perm(actor, code):
        raise PermissionDenied(message)


def _bad_rows(errors: list) -> ValidationError:
    """A file's bad rows on its field: the first ``MAX_NAMED`` named, the rest counted."""
    named = [ValidationError(str(e), code="bad_rows") for e in errors[: positions.MAX_NAMED]]
    if len(errors) > positions.MAX_NAMED:
        named.append(
            ValidationError(
                _("… and %(n)d more bad rows.") % {"n": len(errors) - positions.MAX_NAMED},
                code="bad_rows",
            )
        )
    return ValidationError({"file": named})


def _refuse(field: str, message: str, code: str):
    return ValidationError({field: ValidationError(message, code=code)})


def _state(row) -> dict:
    return kind_of(type_of(row)).state(row)


def _in_scope(actor, node: OrgNode) -> None:
    if not node_list(viewer=actor).filter(pk=node.pk).exists():
        raise PermissionDenied(_("This unit is outside your data scope."))


# --- vehicles and trip orders --------------------------------------------------------------


@transaction.atomic
def vehicle_create(
    *,
    actor: Account,
    plate: str,
    unit: OrgNode,
    kind: str = "",
    driver: Person | None = None,
    status: str = Vehicle.Status.IN_SERVICE,
) -> Vehicle:
    """Register an official car of ``unit``; the plate is kept in capitals without spaces."""
    _require(actor, "fleet:vehicle:edit", _("Your role does not register vehicles."))
    _in_scope(actor, unit)
    plate = "".join(plate.split()).upper()
    if not plate:
        raise _refuse("plate", _("A plate is required."), "required")
    if Vehicle.objects.filter(plate=plate).exists():
        raise _refuse("plate", _("A vehicle with this plate exists."), "exists")
    if status not in Vehicle.Status.values:
        raise _refuse("status", _("Choose a status."), "invalid")
    vehicle = Vehicle.objects.create(
        plate=plate, unit=unit, kind=kind.strip(), driver=driver, status=status
    )
    ledger.record(
        actor=actor,
        action="fleet.vehicle.create",
        target=vehicle,
        before=None,
        after=_state(vehicle),
    )
    return vehicle


@transaction.atomic
def trip_order_add(
    *,
    actor: Account,
    vehicle: Vehicle,
    start: datetime.datetime,
    end: datetime.datetime,
    purpose: str,
    destination: str = "",
) -> TripOrder:
    """Record a trip order: use of the car from ``start`` to ``end`` (to ``destination``) is
    authorised."""
    _require(actor, "fleet:vehicle:edit", _("Your role does not record trip orders."))
    _in_scope(actor, vehicle.unit)
    purpose = purpose.strip()
    if not purpose:
        raise _refuse("purpose", _("Say what the trip is for."), "required")
    if end <= start:
        raise _refuse("end", _("The trip ends after it starts."), "order")
    order = TripOrder.objects.create(
        vehicle=vehicle,
        start=start,
        end=end,
        purpose=purpose,
        destination=destination.strip()[:200],
        created_by=actor,
    )
    ledger.record(
        actor=actor, action="fleet.trip.add", target=order, before=None, after=_state(order)
    )
    return order


TRIP_FIELDS = ("plate", "start", "end", "purpose", "destination")


@transaction.atomic
def trip_orders_import(
    *, actor: Account, rows: Iterable[Mapping], file_name: str = ""
) -> tuple[list[TripOrder], int]:
    """Trip orders from the dispatch system's export (plate, start, end, purpose, destination),
    of vehicles the actor sees. Every bad row is named (code ``bad_rows``) and nothing is kept;
    an order already recorded (same car, start and end) is skipped. Returns the orders made and
    how many were skipped."""
    _require(actor, "fleet:vehicle:edit", _("Your role does not record trip orders."))
    plates = dict(
        Vehicle.objects.filter(unit__in=node_list(viewer=actor)).values_list("plate", "pk")
    )
    zone = positions.local_zone()
    found, errors = [], []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            errors.append(positions.RowError(number, "row", _("not an object of fields")))
            continue
        bad = len(errors)
        plate = "".join(str(row.get("plate") or "").split()).upper()
        if plate not in plates:
            errors.append(
                positions.RowError(
                    number, "plate", _("no vehicle with plate %(plate)s") % {"plate": plate or "—"}
                )
            )
        moments = {}
        for field in ("start", "end"):
            try:
                moments[field] = positions.parse_time(row.get(field), zone)
            except ValueError as error:
                errors.append(positions.RowError(number, field, str(error)))
        if len(moments) == 2 and moments["end"] <= moments["start"]:
            errors.append(positions.RowError(number, "end", _("The trip ends after it starts.")))
        purpose = str(row.get("purpose") or "").strip()
        destination = str(row.get("destination") or "").strip()
        if not purpose:
            errors.append(positions.RowError(number, "purpose", _("Say what the trip is for.")))
        for field, value in (("purpose", purpose), ("destination", destination)):
            if len(value) > 200:
                errors.append(
                    positions.RowError(
                        number, field, _("longer than %(n)d characters") % {"n": 200}
                    )
                )
        if len(errors) == bad:
            found.append((plates[plate], moments["start"], moments["end"], purpose, destination))
    if errors:
        raise _bad_rows(errors)
    if not found:
        raise _refuse("file", _("The file holds no trip orders."), "empty")
    made, skipped = [], 0
    for vehicle_id, start, end, purpose, destination in found:
        if TripOrder.objects.filter(vehicle_id=vehicle_id, start=start, end=end).exists():
            skipped += 1
            continue
        order = TripOrder.objects.create(
            vehicle_id=vehicle_id,
            start=start,
            end=end,
            purpose=purpose,
            destination=destination,
            created_by=actor,
        )
        ledger.record(
            actor=actor,
            action="fleet.trip.import",
            target=order,
            before=None,
            after=_state(order),
        )
        made.append(order)
    return made, skipped


# --- geofences ---------------------------------------------------------------------------------


def _features(content: bytes | str) -> list[dict]:
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise _refuse("file", _("The file is not valid GeoJSON."), "invalid") from error
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
    elif isinstance(data, dict) and data.get("type") == "Feature":
        features = [data]
    else:
        features = None
    if not isinstance(features, list) or not features:
        raise _refuse("file", _("The file holds no GeoJSON features."), "empty")
    return features


@transaction.atomic
def fences_upload(
    *,
    actor: Account,
    unit: OrgNode,
    kind: str,
    content: bytes | str,
    vehicles: Sequence[Vehicle] = (),
) -> list[Geofence]:
    """One fence per feature of a GeoJSON file (polygons or multipolygons in WGS-84, each named
    by its ``name`` property); a feature with the name of an existing fence of the unit and kind
    redraws it. Every bad feature is named and nothing is kept."""
    _require(actor, "fleet:fence:edit", _("Your role does not edit geofences."))
    _in_scope(actor, unit)
    if kind not in Geofence.Kind.values:
        raise _refuse("kind", _("Choose a kind of area."), "invalid")
    errors, found = [], []
    for number, feature in enumerate(_features(content), start=1):
        name = str(((feature or {}).get("properties") or {}).get("name") or "").strip()
        try:
            geom = shape(feature["geometry"])
        except Exception:  # shapely raises several kinds for malformed geometry
            geom = None
        if not name:
            errors.append(_("Feature %(n)d has no name property.") % {"n": number})
        elif geom is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
            errors.append(
                _("Feature %(n)d (%(name)s) is not a polygon.") % {"n": number, "name": name}
            )
        elif not geom.is_valid or geom.is_empty:
            errors.append(
                _("Feature %(n)d (%(name)s) is not a valid polygon (its edges cross).")
                % {"n": number, "name": name}
            )
        elif not (
            -180 <= geom.bounds[0] <= geom.bounds[2] <= 180
            and -90 <= geom.bounds[1] <= geom.bounds[3] <= 90
        ):
            errors.append(
                _("Feature %(n)d (%(name)s) lies outside longitude and latitude.")
                % {"n": number, "name": name}
            )
        else:
            found.append((name, feature["geometry"]))
    if len({name for name, _geom in found}) != len(found):
        errors.append(_("Two features have the same name."))
    if errors:
        raise ValidationError({"file": [ValidationError(e, code="bad_feature") for e in errors]})
    for vehicle in vehicles:
        if not node_list(viewer=actor).filter(pk=vehicle.unit_id).exists():
            raise PermissionDenied(_("A chosen vehicle is outside your data scope."))
    fences = []
    for name, geometry in found:
        fence = Geofence.objects.filter(unit=unit, kind=kind, name=name).first()
        before = _state(fence) if fence else None
        if fence is None:
            fence = Geofence.objects.create(
                unit=unit, kind=kind, name=name, geometry=geometry, created_by=actor
            )
        else:
            fence.geometry = geometry
            fence.save(update_fields=["geometry"])
        fence.vehicles.set(vehicles)
        ledger.record(
            actor=actor,
            action="fleet.fence.upload",
            target=fence,
            before=before,
            after=_state(fence),
        )
        fences.append(fence)
    return fences


# --- sealing periods ---------------------------------------------------------------------------


def holiday_periods(year: int) -> list[tuple[str, datetime.date, datetime.date]]:
    """The year's holidays to seal cars for: each run of at least ``MIN_SEALING_DAYS`` days off
    on the working-day calendar (administrators' corrections and make-up work days included)
    holding a public holiday, named after it."""
    calendar = timing.calendar()
    day, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    periods, run = [], []
    while day <= last + datetime.timedelta(days=10):
        if not calendar.is_working_day(day):
            run.append(day)
        else:
            if len(run) >= MIN_SEALING_DAYS and run[0].year == year:
                names = [chinese_calendar.get_holiday_detail(d)[1] for d in run]
                names = [n for n in names if n]
                if names:
                    periods.append((names[0], run[0], run[-1]))
            run = []
        day += datetime.timedelta(days=1)
    return periods


@transaction.atomic
def sealing_from_calendar(
    *, actor: Account, year: int, declared_by: OrgNode
) -> list[SealingPeriod]:
    """The year's holiday sealing periods from the working-day calendar (those not yet kept)."""
    _require(actor, "fleet:fence:edit", _("Your role does not declare sealing periods."))
    if (
        year not in timing.calendar().covered_years()
        and not CalendarDay.objects.filter(day__year=year).exists()
    ):
        raise _refuse(
            "year",
            _("The holiday calendar does not know %(year)d yet: enter its holidays first.")
            % {"year": year},
            "unknown_year",
        )
    made = []
    for name, start, end in holiday_periods(year):
        if SealingPeriod.objects.filter(start=start, end=end).exists():
            continue
        period = SealingPeriod.objects.create(
            name=name,
            start=start,
            end=end,
            source=SealingPeriod.Source.HOLIDAY,
            declared_by=declared_by,
        )
        ledger.record(
            actor=actor,
            action="fleet.sealing.add",
            target=period,
            before=None,
            after=_state(period),
        )
        made.append(period)
    return made


@transaction.atomic
def sealing_declare(
    *, actor: Account, name: str, start: datetime.date, end: datetime.date, declared_by: OrgNode
) -> SealingPeriod:
    """A sealing period the commission declares (a special campaign, an inspection week)."""
    _require(actor, "fleet:fence:edit", _("Your role does not declare sealing periods."))
    name = name.strip()
    if not name:
        raise _refuse("name", _("A name is required."), "required")
    if end < start:
        raise _refuse("end", _("The last day cannot come before the first."), "order")
    if SealingPeriod.objects.filter(start=start, end=end).exists():
        raise _refuse("start", _("A sealing period with these days exists."), "exists")
    period = SealingPeriod.objects.create(
        name=name,
        start=start,
        end=end,
        source=SealingPeriod.Source.DECLARED,
        declared_by=declared_by,
    )
    ledger.record(
        actor=actor, action="fleet.sealing.add", target=period, before=None, after=_state(period)
    )
    return period


# --- positions ---------------------------------------------------------------------------------


@transaction.atomic
def positions_import(
    *,
    actor: Account,
    source: str,
    crs: str,
    rows: Iterable[Mapping],
    file_name: str = "",
) -> PositionBatch:
    """Keep a batch of positions (from a file or the API) of vehicles the actor sees. Every
    bad row is named (``ValidationError`` code ``bad_rows``, one message per row) and nothing
    is kept; the points go to the workspace's Parquet file only once the batch commits."""
    _require(actor, "fleet:position:import", _("Your role does not import positions."))
    if crs not in PositionBatch.Crs.values:
        raise _refuse("crs", _("Choose the coordinate system of the source."), "invalid")
    source = source.strip() or file_name or "api"
    plates = dict(
        Vehicle.objects.filter(unit__in=node_list(viewer=actor)).values_list("plate", "pk")
    )
    points, errors = positions.parse(rows, plates=plates, crs=crs)
    if errors:
        raise _bad_rows(errors)
    if not points:
        raise _refuse("file", _("The file holds no positions."), "empty")
    batch = PositionBatch.objects.create(
        source=source[:120],
        crs=crs,
        file_name=file_name[:200],
        rows=len(points),
        first_at=min(p.at for p in points),
        last_at=max(p.at for p in points),
        imported_by=actor,
    )
    ledger.record(
        actor=actor,
        action="fleet.positions.import",
        target=batch,
        before=None,
        after={"rows": batch.rows, "source": batch.source, "crs": crs},
    )
    pending = positions.write(batch.pk, points)
    transaction.on_commit(lambda: positions.publish(pending))
    return batch


# --- rules -------------------------------------------------------------------------------------


@transaction.atomic
def rule_save(
    *, actor: Account, kind: str, enabled: bool, dwell_minutes: int, distance_km: int | None = None
) -> Rule:
    """Set a rule's dwell time and whether it runs; for long trips also how far from home the
    car must be (its default when not given). Other rules keep no distance."""
    _require(actor, "fleet:rule:run", _("Your role does not set the vehicle rules."))
    if kind not in Rule.Kind.values:
        raise _refuse("kind", _("Choose a rule."), "invalid")
    if not 0 <= dwell_minutes <= 24 * 60:
        raise _refuse(
            "dwell_minutes", _("The dwell time lies between 0 and 1440 minutes."), "out_of_range"
        )
    if kind != Rule.Kind.LONG_TRIP:
        distance_km = None
    elif distance_km is None:
        distance_km = DEFAULT_DISTANCE_KM
    elif not 0 <= distance_km <= MAX_DISTANCE_KM:
        raise _refuse(
            "distance_km",
            _("The distance lies between 0 and %(max)d km.") % {"max": MAX_DISTANCE_KM},
            "out_of_range",
        )
    rule = Rule.objects.filter(kind=kind).first()
    before = _state(rule) if rule else None
    if rule is None:
        rule = Rule.objects.create(
            kind=kind, enabled=enabled, dwell_minutes=dwell_minutes, distance_km=distance_km
        )
    elif (rule.enabled, rule.dwell_minutes, rule.distance_km) == (
        enabled,
        dwell_minutes,
        distance_km,
    ):
        return rule
    else:
        rule.enabled, rule.dwell_minutes = enabled, dwell_minutes
        rule.distance_km = distance_km
        rule.save(update_fields=["enabled", "dwell_minutes", "distance_km"])
    ledger.record(
        actor=actor, action="fleet.rule.save", target=rule, before=before, after=_state(rule)
    )
    return rule


def dwell_times() -> dict[str, datetime.timedelta]:
    """The enabled rules and their dwell times (a rule never saved runs with its default)."""
    saved = {r.kind: r for r in Rule.objects.all()}
    result = {}
    for kind, minutes in DEFAULT_DWELL.items():
        rule = saved.get(kind)
        if rule is not None and not rule.enabled:
            continue
        result[kind] = datetime.timedelta(minutes=rule.dwell_minutes if rule else minutes)
    return result


def long_trip_km() -> int:
    """How far beyond home a car must be for the long-trip rule (its default until saved)."""
    saved = Rule.objects.filter(kind=Rule.Kind.LONG_TRIP).values_list("distance_km", flat=True)
    distance = saved.first()
    return DEFAULT_DISTANCE_KM if distance is None else distance


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=positions.local_zone())


def _areas_of(vehicle: Vehicle, ancestors: set[int], fences: list, areas: dict, kind: str):
    """The vehicle's own fences of ``kind``, or else those its unit or a unit above it drew for
    all its cars."""
    own = [
        areas[f.pk]
        for f in fences
        if f.kind == kind and any(v.pk == vehicle.pk for v in f.vehicles.all())
    ]
    return own or [
        areas[f.pk]
        for f in fences
        if f.kind == kind and not f.vehicles.all() and f.unit_id in ancestors
    ]


def _contexts(vehicles: list[Vehicle], start: datetime.date, end: datetime.date) -> dict:
    calendar = timing.calendar()
    sealed: set[datetime.date] = set()
    for period in SealingPeriod.objects.filter(start__lte=end, end__gte=start):
        day = period.start
        while day <= period.end:
            sealed.add(day)
            day += datetime.timedelta(days=1)
    fences = list(Geofence.objects.prefetch_related("vehicles"))
    reach_km = long_trip_km()
    areas = {f.pk: rules.Area(f.name, rules.geometry(f.geometry)) for f in fences}
    concern = [areas[f.pk] for f in fences if f.kind == "concern"]
    trips: dict[int, list] = {}
    for order in TripOrder.objects.filter(
        vehicle__in=vehicles,
        start__lt=_day_start(end + datetime.timedelta(days=1)),
        end__gte=_day_start(start),
    ):
        trips.setdefault(order.vehicle_id, []).append((order.start, order.end))
    result, reaches = {}, {}
    for vehicle in vehicles:
        ancestors = {int(x) for x in vehicle.unit.path.strip("/").split("/") if x.isdigit()} | {
            vehicle.unit_id
        }
        permitted = _areas_of(vehicle, ancestors, fences, areas, "permitted")
        home = tuple(_areas_of(vehicle, ancestors, fences, areas, "garage") + permitted)
        if home not in reaches:  # cars of one unit share their home and its grown shape
            reaches[home] = rules.Reach(home, reach_km)
        result[vehicle.pk] = rules.Context(
            zone=positions.local_zone(),
            is_working_day=calendar.is_working_day,
            sealed_days=sealed,
            permitted=permitted,
            concern=concern,
            trips=trips.get(vehicle.pk, []),
            home=reaches[home],
        )
    return result


@transaction.atomic
def rules_run(
    *,
    actor: Account,
    start: datetime.date,
    end: datetime.date,
    supervising_node: OrgNode,
    vehicles: Sequence[Vehicle] | None = None,
) -> list[FleetWarning]:
    """Run every enabled rule over the points from ``start`` to ``end`` (local dates, both
    included) of the vehicles in the actor's scope; each new episode becomes a warning and a
    ``fleet.warning`` work item for the car's unit to explain, supervised by
    ``supervising_node``. A rerun raises nothing twice."""
    _require(actor, "fleet:rule:run", _("Your role does not run the vehicle rules."))
    if end < start:
        raise _refuse("end", _("The last day cannot come before the first."), "order")
    if (end - start).days + 1 > MAX_RUN_DAYS:
        raise _refuse("end", _("Run at most %(n)d days at once.") % {"n": MAX_RUN_DAYS}, "too_long")
    scoped = Vehicle.objects.filter(unit__in=node_list(viewer=actor)).select_related("unit")
    if vehicles is not None:
        scoped = scoped.filter(pk__in=[v.pk for v in vehicles])
    chosen = list(scoped)
    tracks = positions.track(
        [v.pk for v in chosen], _day_start(start), _day_start(end + datetime.timedelta(days=1))
    )
    contexts = _contexts(chosen, start, end)
    dwell = dwell_times()
    labels = dict(Rule.Kind.choices)
    raised = []
    for vehicle in chosen:
        for episode in rules.evaluate(tracks[vehicle.pk], contexts[vehicle.pk], dwell):
            if FleetWarning.objects.filter(
                vehicle=vehicle, rule=episode.rule, started_at=episode.started_at
            ).exists():
                continue
            local = episode.started_at.astimezone(positions.local_zone())
            item = loop.item_open(
                kind=KIND,
                title=f"{vehicle.plate} · {labels[episode.rule]} · {local:%Y-%m-%d %H:%M}",
                actor=actor,
                responsible_node=vehicle.unit,
                supervising_node=supervising_node,
            )
            warning = FleetWarning.objects.create(
                vehicle=vehicle,
                rule=episode.rule,
                started_at=episode.started_at,
                ended_at=episode.ended_at,
                raised_on=timing.today(),
                evidence=episode.evidence(),
                item=item,
            )
            ledger.record(
                actor=actor,
                action="fleet.warning.raise",
                target=warning,
                before=None,
                after=_state(warning),
            )
            raised.append(warning)
    return raised
