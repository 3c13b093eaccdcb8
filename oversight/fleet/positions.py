"""Positions: parsing a fleet system's file or batch (CSV or JSON of plate, time, longitude,
latitude, speed, ignition) row by row, and keeping the points in Parquet files of the analytics
workspace (one file per batch, ``<ANALYTICS_WORKSPACE_DIR>/fleet/positions/``), read back with
DuckDB. The transactional database keeps only the batch (``PositionBatch``).

Every row is checked before anything is kept: a file with a bad row is refused as a whole,
each bad row named with its number and field."""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

FIELDS = ("plate", "time", "longitude", "latitude", "speed", "ignition")
MAX_NAMED = 200  # rows named in a refusal; the rest are counted
TRUE = {"1", "true", "yes", "on", "y", "t", "是", "开"}
FALSE = {"0", "false", "no", "off", "n", "f", "否", "关", ""}


@dataclass(frozen=True)
class Point:
    vehicle_id: int
    at: datetime.datetime  # aware, UTC
    lon: float
    lat: float
    speed: float
    ignition: bool


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)d, %(field)s: %(message)s") % {
            "row": self.row,
            "field": self.field,
            "message": self.message,
        }


class UnsupportedCrs(Exception):
    pass


CRS = ("wgs84", "gcj02", "bd09")


def in_china(lon: float, lat: float) -> bool:
    """Whether GCJ-02 shifts this point: the converter's box around China (outside it GCJ-02
    is WGS-84 unchanged)."""
    import prcoords

    return prcoords.sanity_in_china_p(prcoords.Coords(lat, lon))


def to_wgs84(crs: str, lon: float, lat: float) -> tuple[float, float]:
    """Coordinates in WGS-84 from the source's declared system. The obfuscations are prcoords'
    (CC0, a single pure-Python module implementing the published GCJ-02 and BD-09 formulas);
    GCJ-02 is reversed by its iterative inverse (residual well under 0.5 m), BD-09 by the
    iterative inverse of its rotation and then GCJ-02's. Outside China GCJ-02 equals WGS-84."""
    if crs == "wgs84":
        return lon, lat
    if crs not in CRS:
        raise UnsupportedCrs(crs)
    import prcoords

    gcj = prcoords.Coords(lat, lon)
    if crs == "bd09":
        gcj = prcoords.bd_gcj_bored(gcj)
    if not in_china(gcj.lon, gcj.lat):
        return gcj.lon, gcj.lat
    # The inverse's own check is skipped: prcoords would apply the shift even outside China.
    wgs = prcoords.gcj_wgs_bored(gcj)
    return wgs.lon, wgs.lat


def from_wgs84(crs: str, lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 coordinates in ``crs`` (the demo's GCJ-02 fleet system; tests' round trips)."""
    if crs == "wgs84":
        return lon, lat
    if crs not in CRS:
        raise UnsupportedCrs(crs)
    import prcoords

    wgs = prcoords.Coords(lat, lon)
    gcj = prcoords.wgs_gcj(wgs, False) if in_china(lon, lat) else wgs
    if crs == "bd09":
        gcj = prcoords.gcj_bd(gcj)
    return gcj.lon, gcj.lat


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def rows_from_file(
    name: str, content: bytes, *, fields: Sequence[str] = FIELDS, key: str = "positions"
) -> list[Mapping]:
    """The rows of an uploaded CSV (with the columns ``fields``) or JSON file (a list, or an
    object holding it under ``key``), as dicts; ValueError names what is wrong with the file
    itself."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(_("The file is not UTF-8 text.")) from error
    if name.lower().endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(
                _("The file is not valid JSON (line %(line)d).") % {"line": error.lineno}
            ) from error
        if isinstance(data, dict):
            data = data.get(key)
        if not isinstance(data, list):
            if key == "positions":
                raise ValueError(
                    _('The JSON holds no list of positions (or {"positions": [...]}).')
                )
            raise ValueError(
                _("The JSON holds no list of rows (or an object with the list under %(key)s).")
                % {"key": key}
            )
        return data
    if not name.lower().endswith(".csv"):
        raise ValueError(_("Upload a .csv or .json file."))
    reader = csv.DictReader(io.StringIO(text))
    missing = [f for f in fields if f not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(
            _("The file lacks the columns: %(columns)s") % {"columns": ", ".join(missing)}
        )
    return list(reader)


def parse_time(value, zone: ZoneInfo) -> datetime.datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
    text = str(value or "").strip()
    if not text:
        raise ValueError(_("a time is required"))
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(_("not a time such as 2026-10-01 08:30:00")) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(datetime.UTC)


def _number(value, low: float, high: float) -> float:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError) as error:
        raise ValueError(_("not a number")) from error
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(_("outside %(low)s to %(high)s") % {"low": low, "high": high})
    return number


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(_("not 1/0 or true/false"))


def parse(
    rows: Iterable[Mapping], *, plates: Mapping[str, int], crs: str
) -> tuple[list[Point], list[RowError]]:
    """Each row as a point of a known vehicle in WGS-84, or the reasons it is refused (row 1 is
    the first row of data)."""
    zone = local_zone()
    points, errors = [], []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            errors.append(RowError(number, "row", _("not an object of fields")))
            continue
        bad = len(errors)
        plate = str(row.get("plate") or "").strip().upper()
        vehicle_id = plates.get(plate)
        if vehicle_id is None:
            errors.append(
                RowError(
                    number, "plate", _("no vehicle with plate %(plate)s") % {"plate": plate or "—"}
                )
            )
        values = {}
        for field, read in (
            ("time", lambda v: parse_time(v, zone)),
            ("longitude", lambda v: _number(v, -180, 180)),
            ("latitude", lambda v: _number(v, -90, 90)),
            ("speed", lambda v: _number(v if v not in (None, "") else 0, 0, 400)),
            ("ignition", _flag),
        ):
            try:
                values[field] = read(row.get(field))
            except ValueError as error:
                errors.append(RowError(number, field, str(error)))
        if len(errors) > bad:
            continue
        try:
            lon, lat = to_wgs84(crs, values["longitude"], values["latitude"])
        except UnsupportedCrs:
            errors.append(
                RowError(
                    number,
                    "crs",
                    _("coordinates in %(crs)s cannot be converted yet") % {"crs": crs},
                )
            )
            continue
        points.append(
            Point(vehicle_id, values["time"], lon, lat, values["speed"], values["ignition"])
        )
    return points, errors


# --- storage -----------------------------------------------------------------------------------


def directory() -> Path:
    return Path(settings.ANALYTICS_WORKSPACE_DIR) / "fleet" / "positions"


def path_for(batch_id: int) -> Path:
    return directory() / f"batch-{batch_id}.parquet"


def write(batch_id: int, points: Sequence[Point]) -> Path:
    """Write the batch's points to a pending file; ``publish`` renames it once the batch commits."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "vehicle_id": pa.array([p.vehicle_id for p in points], pa.int64()),
            "ts": pa.array([p.at for p in points], pa.timestamp("us", tz="UTC")),
            "lon": pa.array([p.lon for p in points], pa.float64()),
            "lat": pa.array([p.lat for p in points], pa.float64()),
            "speed": pa.array([p.speed for p in points], pa.float64()),
            "ignition": pa.array([p.ignition for p in points], pa.bool_()),
        }
    )
    target = path_for(batch_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    pending = target.with_suffix(".parquet.pending")
    pq.write_table(table, pending)
    return pending


def publish(pending: Path) -> None:
    pending.rename(pending.with_suffix(""))


def discard(pending: Path) -> None:
    pending.unlink(missing_ok=True)


def batch_files() -> list[str]:
    """The files of the batches this transaction sees: a batch's row decides whether its points
    count (a rolled-back import leaves a pending file no row names; a batch committed a moment
    ago may still be pending its rename)."""
    from .models import PositionBatch

    files = []
    for batch_id in PositionBatch.objects.order_by("pk").values_list("pk", flat=True):
        final = path_for(batch_id)
        pending = final.with_suffix(".parquet.pending")
        for candidate in (final, pending, final):  # the rename may happen between the checks
            if candidate.exists():
                files.append(str(candidate))
                break
    return files


def track(
    vehicle_ids: Sequence[int], start: datetime.datetime, end: datetime.datetime
) -> dict[int, list[Point]]:
    """The points of ``vehicle_ids`` from ``start`` to ``end`` (excluded), in time order, each
    (vehicle, time) once however many batches carried it."""
    import duckdb

    files = batch_files()
    result: dict[int, list[Point]] = {v: [] for v in vehicle_ids}
    if not files or not vehicle_ids:
        return result
    connection = duckdb.connect()
    try:
        rows = connection.execute(
            """
            select vehicle_id, epoch_us(ts), any_value(lon), any_value(lat),
                   any_value(speed), any_value(ignition)
            from read_parquet(?)
            where vehicle_id in (select unnest(?)) and ts >= ? and ts < ?
            group by vehicle_id, ts
            order by vehicle_id, ts
            """,
            [
                files,
                list(vehicle_ids),
                start.astimezone(datetime.UTC),
                end.astimezone(datetime.UTC),
            ],
        ).fetchall()
    finally:
        connection.close()
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    for vehicle_id, micros, lon, lat, speed, ignition in rows:
        at = epoch + datetime.timedelta(microseconds=micros)
        result[vehicle_id].append(Point(vehicle_id, at, lon, lat, speed, bool(ignition)))
    return result
