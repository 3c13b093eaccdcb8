"""Every read of comparison models that a person's scope limits.

Warnings are visible by the org node of their unit (``scope_q(viewer, node="unit")``): a town
officer sees the warnings about the town and its villages, and a warning whose unit could not
be resolved to a node only by those who see everything. Data sources are visible by their
owning unit. A detail outside scope is a 404, and so is its evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import duckdb
from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from oversight.loop import selectors as loop_selectors
from oversight.loop.models import WorkItem
from oversight.orgs.access import scope_q, sees_everything
from oversight.orgs.models import OrgNode

from . import bridge
from .engine import DATASET_KINDS, REASONS, ImportFailed, preview
from .engine import mapping as field_mapping
from .engine.importer import ROW_COLUMN
from .models import AnalysisRun, DataSource, ImportRun, UnitRule, Warning
from .workflows import KIND as CLUE_KIND

# --- sources and imports ---------------------------------------------------------------------


def source_list(*, viewer) -> QuerySet[DataSource]:
    """Data sources whose owning unit is in the viewer's scope."""
    return DataSource.objects.filter(scope_q(viewer, node="owner")).select_related("owner")


def source_get(*, viewer, pk: int) -> DataSource:
    """One data source in scope, or 404."""
    return get_object_or_404(source_list(viewer=viewer), pk=pk)


def import_list(*, source: DataSource) -> QuerySet[ImportRun]:
    """The imports of a source, newest first."""
    return source.imports.select_related("created_by", "decided_by")


def import_get(*, viewer, pk: int) -> ImportRun:
    """One import of a source in scope, or 404."""
    qs = ImportRun.objects.filter(source__in=source_list(viewer=viewer)).select_related("source")
    return get_object_or_404(qs, pk=pk)


@dataclass(frozen=True)
class RejectionRow:
    row: int
    column: str
    column_label: str
    code: str
    reason: str
    value: str | None


class Rejections(Sequence):
    """The rejected values of a staged import, read from the stage a page at a time (a
    paginator slices it; nothing loads the whole list)."""

    def __init__(self, run: ImportRun) -> None:
        self.report = bridge.workspace().staged_report(run.stage_id)
        self.kind = DATASET_KINDS[run.source.kind]
        self.total = sum(self.report.problems_by_code.values())

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, _step = index.indices(self.total)
            rejections = self.report.rejections(offset=start, limit=max(0, stop - start))
            return [self._row(r) for r in rejections]
        return self[index : index + 1][0]

    def _row(self, rejection) -> RejectionRow:
        try:
            label = self.kind.column(rejection.column).label_zh
        except KeyError:
            label = rejection.column
        return RejectionRow(
            row=rejection.row,
            column=rejection.column,
            column_label=label if _chinese() else rejection.column,
            code=rejection.code,
            reason=reason_text(rejection.code),
            value=rejection.value,
        )


@dataclass(frozen=True)
class Preview:
    """The first rows of an uploaded file, with its own headers (for the mapping screen)."""

    headers: list[str]
    rows: list[list[str | None]]
    problem: str = ""


def import_preview(*, run: ImportRun, rows: int = 8) -> Preview:
    """The headers and first rows of a file waiting for its mapping."""
    try:
        headers, body = preview(run.upload_path, rows=rows)
    except (ImportFailed, OSError) as error:
        return Preview([], [], bridge.failure_text(error))
    return Preview(headers, body)


def suggested_mapping(*, run: ImportRun, headers: list[str]) -> dict:
    """Field → rule proposed for an uploaded file: the source's saved mapping where the file
    has its columns, every other field by its header (name, label or a known variant)."""
    kind = DATASET_KINDS[run.source.kind]
    return field_mapping.suggest(kind, headers, saved=run.source.mapping)


def reason_text(code: str) -> str:
    """The engine's reason for a rejection code, in the language of the request."""
    zh, en = REASONS.get(code, (code, code))
    return zh if _chinese() else en


def import_rejections(*, run: ImportRun) -> Rejections | None:
    """The rejected values of a checked import (None once it is accepted, discarded or failed)."""
    if run.status != ImportRun.Status.STAGED or not run.stage_id:
        return None
    return Rejections(run)


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


# --- runs ------------------------------------------------------------------------------------


def run_list() -> QuerySet[AnalysisRun]:
    """Every run, newest first (runs cover the whole workspace; the function permission guards them)."""
    return AnalysisRun.objects.select_related("started_by")


def run_get(*, pk: int) -> AnalysisRun:
    """One run, or 404."""
    return get_object_or_404(run_list(), pk=pk)


def active_run() -> AnalysisRun | None:
    """The run queued or under way, if any."""
    return (
        run_list()
        .filter(status__in=[AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING])
        .first()
    )


# --- warnings --------------------------------------------------------------------------------


def warning_scope(viewer) -> Q:
    """The warnings ``viewer`` may see: by the org node of their unit."""
    return scope_q(viewer, node="unit")


def unresolved_units(*, limit: int = 200) -> list[dict]:
    """Units named in the data that no rule resolves, with how many warnings name each (most
    first): what the county's officers assign. Their warnings have no node, so no scope applies:
    the function permission ``analytics:unit:assign`` guards the page."""
    return list(
        Warning.objects.filter(unit__isnull=True)
        .exclude(unit_name="")
        .values("unit_name")
        .annotate(warnings=Count("id"), red=Count("id", filter=Q(severity="red")))
        .order_by("-warnings", "unit_name")[:limit]
    )


def unnamed_unit_warnings(*, limit: int = 100) -> QuerySet[Warning]:
    """Warnings whose data names no unit at all: each is assigned by itself."""
    return Warning.objects.filter(unit__isnull=True, unit_name="").order_by("-first_seen")[:limit]


def unresolved_warning_get(*, pk: int) -> Warning:
    """A warning without a unit, or 404 (one with a unit is reached through its scope)."""
    return get_object_or_404(Warning, pk=pk, unit__isnull=True)


def unit_rule_list() -> QuerySet[UnitRule]:
    """Officers' rules for resolving units named in the data."""
    return UnitRule.objects.select_related("node", "created_by")


def unit_rule_get(*, pk: int) -> UnitRule:
    """One rule, or 404."""
    return get_object_or_404(unit_rule_list(), pk=pk)


@dataclass(frozen=True)
class WarningFilters:
    model_id: str = ""
    area: str = ""
    unit: OrgNode | None = None  # the unit or anything below it
    severity: str = ""
    status: str = ""
    search: str = ""  # subject name or ID


def warning_list(*, viewer, filters: WarningFilters = WarningFilters()) -> QuerySet[Warning]:
    """Warnings in scope, filtered; red before yellow, then the newest first."""
    qs = Warning.objects.filter(warning_scope(viewer)).select_related("unit", "clue")
    f = filters
    if f.model_id:
        qs = qs.filter(model_id=f.model_id)
    if f.area:
        qs = qs.filter(area=f.area)
    if f.unit is not None:
        qs = qs.filter(unit__path__startswith=f.unit.path)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.search:
        qs = qs.filter(Q(subject_name__icontains=f.search) | Q(subject_id=f.search))
    order = Case(
        When(severity=Warning.Severity.RED, then=Value(0)), default=Value(1),
        output_field=IntegerField(),
    )  # fmt: skip
    return qs.annotate(severity_order=order).order_by("severity_order", "-first_seen", "-pk")


def warning_get(*, viewer, pk: int) -> Warning:
    """One warning in scope, or 404."""
    return get_object_or_404(warning_list(viewer=viewer), pk=pk)


def warning_choices(*, viewer) -> dict:
    """What the filters of the warning list offer: models, areas and units that have warnings
    the viewer may see."""
    visible = Warning.objects.filter(warning_scope(viewer))
    names = {e.id: e.name for e in bridge.library()}
    model_ids = sorted(set(visible.values_list("model_id", flat=True).distinct()))
    areas = sorted(a for a in set(visible.values_list("area", flat=True).distinct()) if a)
    units = OrgNode.objects.filter(pk__in=visible.values("unit")).order_by("path")
    return {
        "models": [(i, names.get(i, i)) for i in model_ids],
        "areas": areas,
        "units": list(units),
    }


@dataclass
class ModelStats:
    hits: int = 0
    confirmed: int = 0
    dismissed: int = 0

    @property
    def open(self) -> int:
        return self.hits - self.confirmed - self.dismissed

    @property
    def precision(self) -> float | None:
        """Share of decided warnings that became clues; None before any decision."""
        decided = self.confirmed + self.dismissed
        return self.confirmed / decided if decided else None

    @property
    def precision_percent(self) -> int | None:
        return None if self.precision is None else round(100 * self.precision)


def model_stats(*, viewer) -> dict[str, ModelStats]:
    """Per model, the warnings in scope: hits, confirmed (turned into clues), dismissed."""
    rows = (
        Warning.objects.filter(warning_scope(viewer))
        .values("model_id")
        .annotate(
            hits=Count("id"),
            confirmed=Count("id", filter=Q(status=Warning.Status.CLUE)),
            dismissed=Count("id", filter=Q(status=Warning.Status.DISMISSED)),
        )
    )
    return {r["model_id"]: ModelStats(r["hits"], r["confirmed"], r["dismissed"]) for r in rows}


# --- evidence --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where one evidence row came from: the source, its version, the file and the row."""

    source: str
    label: str
    version: int | None
    file: str
    row: int | None
    import_pk: int | None = None


@dataclass
class EvidenceTable:
    """The source rows of one dataset a warning points at, one column per row so that the
    records stand side by side, each with where it came from (``origins``, in the same
    order); ``missing`` lists keys no longer found in the data."""

    dataset: str
    title: str
    fields: list[tuple[str, str, bool]] = field(default_factory=list)  # name, label, personal
    records: list[dict] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    truncated: int = 0

    @property
    def lines(self) -> list[tuple[str, bool, list]]:
        """(label, personal, values across the records) per field."""
        return [(label, personal, [r.get(name) for r in self.records])
                for name, label, personal in self.fields]  # fmt: skip


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def _sql_list(paths) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _read_files(ws, versions: dict) -> dict[str, tuple[str, str, int, str]]:
    """Data file → (dataset, source, version, file name) of the versions a run read (each
    source's chain of versions), or of the current data when the run recorded none."""
    files = {}
    if not versions:
        versions = {
            s.name: {"kind": s.kind, "chain": [
                {"version": v.version, "path": v.path, "file": v.source_file} for v in s.chain()
            ]}
            for s in ws.sources() if s.current is not None
        }  # fmt: skip
    for name, read in versions.items():
        chain = read.get("chain") or [
            {"version": read.get("version"), "path": read["path"], "file": read.get("file", "")}
        ]
        for link in chain:
            path = ws.root / link["path"] / "data.parquet"
            if path.exists():
                files[str(path)] = (read["kind"], name, link["version"], link.get("file") or "")
    return files


def evidence_tables(*, warning: Warning, limit: int = 100) -> list[EvidenceTable]:
    """The evidence rows of a warning, read from the workspace by their keys: from the data
    versions the warning's last run read, else from the current ones; each with its
    provenance (source, version, file and the row in it)."""
    ws = bridge.workspace()
    groups: dict[str, list[str]] = {}
    for ref in warning.evidence:
        groups.setdefault(ref["dataset"], []).append(ref["key"])
    versions = warning.last_run.versions if warning.last_run_id else {}
    read_files = _read_files(ws, versions)
    if not any(f[0] in groups for f in read_files.values()):
        read_files = _read_files(ws, {})  # the run's versions are gone: the current data
    entry = bridge.library_entry(warning.model_id)
    if entry is not None:  # in the order the model declares its datasets
        rank = {name: i for i, name in enumerate(entry.model.datasets)}
        groups = dict(sorted(groups.items(), key=lambda g: rank.get(g[0], len(rank))))
    sources = {s.name: s.label for s in DataSource.objects.all()}
    accepted = ImportRun.objects.filter(status=ImportRun.Status.ACCEPTED)
    imports, uploaded = {}, {}
    for pk, name, version, file in accepted.values_list(
        "pk", "source__name", "version", "file_name"
    ):
        imports[(name, version)], uploaded[(name, version)] = pk, file
    tables = []
    con = duckdb.connect(config={"memory_limit": settings.ANALYTICS_MEMORY_LIMIT, "threads": 1})
    try:
        for dataset, all_keys in groups.items():
            kind = DATASET_KINDS.get(dataset)
            if kind is None:
                tables.append(EvidenceTable(dataset, dataset, missing=all_keys))
                continue
            keys = all_keys[:limit]
            title = kind.name_zh if _chinese() else kind.name_en
            table = EvidenceTable(dataset, title, truncated=len(all_keys) - len(keys))
            table.fields = [
                (c.name, c.label_zh if _chinese() else c.name, c.personal) for c in kind.columns
            ]
            files = [path for path, f in read_files.items() if f[0] == dataset]
            found: dict[str, tuple[dict, Origin]] = {}
            if files:
                data = f"read_parquet({_sql_list(files)}, union_by_name = true, filename = true)"
                present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {data}").fetchall()}
                row = ROW_COLUMN if ROW_COLUMN in present else "NULL"
                columns = ", ".join(f'"{c}"' for c in kind.column_names)
                rows = con.execute(
                    f"SELECT {kind.key_sql()} AS _key, filename, {row}, {columns} FROM {data} "
                    f"WHERE {kind.key_sql()} IN (SELECT unnest(CAST(? AS VARCHAR[])))",
                    [keys],
                ).fetchall()
                for key, filename, number, *values in rows:
                    _kind, source, version, file = read_files[filename]
                    file = uploaded.get((source, version)) or file
                    origin = Origin(source, sources.get(source) or source, version, file,
                                    number, imports.get((source, version)))  # fmt: skip
                    found.setdefault(
                        key,
                        ({n: _display(v) for n, v in zip(kind.column_names, values, strict=True)},
                         origin),
                    )  # fmt: skip
            table.records = [found[k][0] for k in keys if k in found]
            table.origins = [found[k][1] for k in keys if k in found]
            table.missing = [k for k in keys if k not in found]
            tables.append(table)
    finally:
        con.close()
    return tables


MATCH_METHODS = {
    "resident_id": gettext_lazy("The same resident ID in both datasets."),
    "name+birth_date (candidate)": gettext_lazy(
        "A candidate: the same name and birth date, no ID to confirm it."
    ),
    "pinyin+birth_date (candidate)": gettext_lazy(
        "A candidate: names that sound alike and the same birth date."
    ),
    "phone": gettext_lazy("The same phone number."),
    "bank_account": gettext_lazy("The same bank account."),
    "address": gettext_lazy("The same address."),
    "resident_id (legal representative)": gettext_lazy("The legal representative's resident ID."),
    "resident_id (shareholder)": gettext_lazy("A shareholder's resident ID."),
    "contract_id": gettext_lazy("The same contract."),
    "vendor_uscc": gettext_lazy("The same vendor (unified social credit code)."),
    "invoice_no": gettext_lazy("The same invoice number."),
    "invoice_date": gettext_lazy("The invoice date compared with the trip."),
    "expense_date": gettext_lazy("The expense date compared with the holiday calendar."),
    "diagnosis_code": gettext_lazy("The diagnosis code compared with the admission criteria."),
}


def match_explanation(method: str) -> str:
    """How a match was made, in words."""
    return str(MATCH_METHODS.get(method, method))


# --- clues -----------------------------------------------------------------------------------


def clue_get(*, viewer, pk: int) -> tuple[WorkItem, Warning]:
    """A clue the viewer may see (by the work item's scope) with the warning it came from."""
    item = loop_selectors.item_get(viewer=viewer, pk=pk)
    if item.kind != CLUE_KIND:
        raise Http404
    warning = Warning.objects.filter(clue=item).select_related("unit", "last_run").first()
    if warning is None:
        raise Http404
    return item, warning


def clue_list(*, viewer) -> QuerySet[WorkItem]:
    """Clues the viewer may see, newest first."""
    return WorkItem.objects.filter(loop_selectors.item_scope(viewer), kind=CLUE_KIND)


# --- people in the comparison data -----------------------------------------------------------


@dataclass(frozen=True)
class VendorRole:
    """A person found in the current vendor data: the legal representative or a shareholder
    of a vendor (the integrity files' random checks compare it with what was reported)."""

    resident_id: str
    role: str  # "legal_rep" or "shareholder"
    uscc: str
    vendor: str
    share_ratio: str = ""


def vendor_roles(resident_ids: Sequence[str]) -> list[VendorRole]:
    """Where the people ``resident_ids`` appear in the current vendors and vendor shareholders
    data of the workspace (none when no such data was accepted), ordered by person and
    vendor. The caller decides who may ask (the answer names only the people it asked for)."""
    ids = sorted({i for i in resident_ids if i})
    if not ids:
        return []
    ws = bridge.workspace()
    vendors = ws.dataset_files("vendors")
    holders = ws.dataset_files("vendor_shareholders")
    found: list[VendorRole] = []
    con = duckdb.connect(config={"memory_limit": settings.ANALYTICS_MEMORY_LIMIT, "threads": 1})
    try:
        names: dict[str, str] = {}
        if vendors:
            rows = con.execute(
                f"SELECT DISTINCT uscc, name, legal_rep_id FROM read_parquet("
                f"{_sql_list(vendors)}, union_by_name = true)"
            ).fetchall()
            for uscc, name, legal in rows:
                names[uscc] = name or ""
                if legal in ids:
                    found.append(VendorRole(legal, "legal_rep", uscc, name or ""))
        if holders:
            rows = con.execute(
                f"SELECT DISTINCT uscc, shareholder_id, share_ratio FROM read_parquet("
                f"{_sql_list(holders)}, union_by_name = true) "
                "WHERE shareholder_id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
                [ids],
            ).fetchall()
            for uscc, holder, ratio in rows:
                found.append(
                    VendorRole(holder, "shareholder", uscc, names.get(uscc, ""), _display(ratio))
                )
    finally:
        con.close()
    return sorted(found, key=lambda r: (r.resident_id, r.uscc, r.role))


# --- rows of the trace graph -----------------------------------------------------------------


@dataclass(frozen=True)
class DataRow:
    """One row of the current data of a dataset kind, with where it came from:
    ``analytics.<kind>:<source>/v<version>#<row of the file>``."""

    kind: str
    values: dict
    origin: str


@dataclass
class TraceRows:
    """What the accepted datasets hold around some people (see :func:`trace_rows`)."""

    contacts: list[DataRow] = field(default_factory=list)  # residents and payroll rows
    contracts: list[DataRow] = field(default_factory=list)
    vendors: list[DataRow] = field(default_factory=list)
    holders: list[DataRow] = field(default_factory=list)
    payments: list[DataRow] = field(default_factory=list)  # of the contracts found


def contact_key(signal: str, value) -> str:
    """A phone, address or bank account in the form compared: phones and accounts as their
    digits (the importer stores them so), addresses without any whitespace; nothing else is
    normalised (an address one character apart is another address)."""
    text = "" if value is None else str(value)
    if signal == "address":
        return "".join(text.split())
    return "".join(ch for ch in text if ch.isdigit())


_CONTACT_SIGNALS = ("phone", "address", "bank_account")
_ANY_OF = "IN (SELECT unnest(CAST(? AS VARCHAR[])))"


class _DataRows:
    """Reads rows of the current data of the workspace, each with its origin."""

    def __init__(self) -> None:
        self.files = _read_files(bridge.workspace(), {})
        self.con = duckdb.connect(
            config={"memory_limit": settings.ANALYTICS_MEMORY_LIMIT, "threads": 1}
        )

    def close(self) -> None:
        self.con.close()

    def select(self, kind: str, where: str, params: list) -> list[DataRow]:
        """The rows of ``kind`` matching the SQL ``where`` (with ``params``)."""
        paths = [p for p, f in self.files.items() if f[0] == kind]
        if not paths:
            return []
        con = self.con
        data = f"read_parquet({_sql_list(paths)}, union_by_name = true, filename = true)"
        present = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {data}").fetchall()}
        row = ROW_COLUMN if ROW_COLUMN in present else "NULL"
        names = [c for c in DATASET_KINDS[kind].column_names if c in present]
        columns = ", ".join(f'"{c}"' for c in names)
        rows = con.execute(
            f"SELECT filename, {row}, {columns} FROM {data} WHERE {where}", params
        ).fetchall()
        out = []
        for filename, number, *values in rows:
            _kind, source, version, _file = self.files[filename]
            origin = f"analytics.{kind}:{source}/v{version}#{number}"
            out.append(DataRow(kind, dict(zip(names, values, strict=True)), origin))
        return out


def declared_relatives(resident_id: str) -> list[DataRow]:
    """The relatives the cadre ``resident_id`` declared in the current ``cadre_relatives``
    data (those with the relative's resident ID; a name alone links nobody). The caller has
    checked that the cadre is in the viewer's scope."""
    if not resident_id:
        return []
    rows = _DataRows()
    try:
        found = rows.select(
            "cadre_relatives",
            "cadre_id = ? AND relative_id IS NOT NULL AND relative_id <> ''",
            [resident_id],
        )
    finally:
        rows.close()
    return sorted(found, key=lambda r: (r.values["relative_id"], r.origin))


def trace_rows(
    *, viewer, approver_ids: Sequence[str], owner_ids: Sequence[str], phones=(), limit=200
) -> TraceRows:
    """The rows of the comparison models' datasets around some people, as ``viewer`` may see
    them: the residents' and payroll rows of ``owner_ids`` (their phones, addresses and bank
    accounts, with ``phones`` known otherwise); the contracts approved by ``approver_ids``
    (matched by resident ID) or awarded to a vendor that one of ``owner_ids`` represents or
    holds shares in, or that shares a phone, address or bank account with them; the payments
    of those contracts (the newest ``limit``); those vendors and the shareholders among
    ``owner_ids``.

    Scope: a contract is visible when its buying unit resolves to a node in the viewer's scope
    (an unresolved one only to those who see everything); a vendor only through a visible
    contract, so a vendor without one gives nothing. Of the other contracts of a vendor at most
    ``limit`` (the newest) are kept."""
    owners = sorted({i for i in owner_ids if i})
    approvers = sorted({i for i in approver_ids if i})
    found = TraceRows()
    rows = _DataRows()
    select = rows.select
    any_of = _ANY_OF
    try:
        if owners:
            for kind in ("residents", "payroll"):
                found.contacts += select(kind, f"resident_id {any_of}", [owners])
        keys = {s: set() for s in _CONTACT_SIGNALS}
        for value in phones:
            keys["phone"].add(contact_key("phone", value))
        for row in found.contacts:
            for signal in _CONTACT_SIGNALS:
                if row.values.get(signal):
                    keys[signal].add(contact_key(signal, row.values[signal]))
        keys = {s: sorted(v for v in values if v) for s, values in keys.items()}
        candidates = {
            r.values["uscc"]
            for r in select(
                "vendors",
                f"legal_rep_id {any_of} OR phone {any_of} OR bank_account {any_of} "
                f"OR regexp_replace(address, '\\s', '', 'g') {any_of}",
                [owners, keys["phone"], keys["bank_account"], keys["address"]],
            )
        }
        candidates |= {
            r.values["uscc"]
            for r in select("vendor_shareholders", f"shareholder_id {any_of}", [owners])
        }
        contracts = select(
            "contracts",
            f"approver_id {any_of} OR vendor_uscc {any_of}",
            [approvers, sorted(candidates)],
        )
        contracts = _visible_contracts(viewer, contracts)
        approved = [r for r in contracts if r.values.get("approver_id") in approvers]
        others = [r for r in contracts if r.values.get("approver_id") not in approvers]
        others.sort(key=lambda r: r.values.get("signed_date") or date.min, reverse=True)
        found.contracts = approved + others[:limit]
        numbers = sorted({r.values["contract_id"] for r in found.contracts})
        if numbers:
            payments = select("contract_payments", f"contract_id {any_of}", [numbers])
            payments.sort(key=lambda r: r.values.get("pay_date") or date.min, reverse=True)
            found.payments = payments[:limit]
        usccs = sorted({r.values["vendor_uscc"] for r in found.contracts})
        if usccs:
            found.vendors = select("vendors", f"uscc {any_of}", [usccs])
            found.holders = select(
                "vendor_shareholders", f"uscc {any_of} AND shareholder_id {any_of}", [usccs, owners]
            )
    finally:
        rows.close()
    return found


def _visible_contracts(viewer, rows: list[DataRow]) -> list[DataRow]:
    """The contracts whose buying unit is in the viewer's scope (see :func:`trace_rows`)."""
    resolver = bridge.UnitResolver()
    nodes = {r.values["buyer_unit"]: resolver.resolve(r.values["buyer_unit"]) for r in rows}
    everything = sees_everything(viewer)
    ids = [n.pk for n in nodes.values() if n is not None]
    visible = set(
        OrgNode.objects.filter(scope_q(viewer, node=""), pk__in=ids).values_list("pk", flat=True)
    )
    seen, out = set(), []
    for r in rows:
        node = nodes[r.values["buyer_unit"]]
        if (node.pk in visible if node is not None else everything) and r.origin not in seen:
            seen.add(r.origin)
            out.append(r)
    return out
