"""A workspace: the directory where one body's imported data, staged imports and hits live.

Layout::

    manifest.json               sources (name, kind, saved column mapping) and their versions
    datasets/<source>/v0001/    one accepted import: data.parquet, errors.parquet, report.json
    staging/<stage id>/         an import waiting for the officer to accept or discard it
    builtin/calendar.parquet    the holiday calendar every model may read
    hits.duckdb                 the hit store (fingerprints already raised), see ``hits.py``
    tmp/                        DuckDB spill space

Every version is a directory of immutable files, and accepting an import is one ``rename`` plus
an atomic rewrite of the manifest, so a crash leaves either the old state or the new one, never
half of an import. The manifest is updated under an exclusive file lock, so several processes
(web workers, job workers) may share a workspace.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from .contracts import dataset_kind

__all__ = ["Change", "DatasetVersion", "Source", "Workspace", "WorkspaceError"]

_SOURCE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


class WorkspaceError(Exception):
    """A workspace operation that cannot be done (unknown source, bad name, stale stage…)."""


_MONTH = re.compile(r"[12][0-9]{3}-(0[1-9]|1[0-2])")


def clean_coverage(coverage: Mapping | None) -> dict | None:
    """A version's coverage in its stored form, or None: ``areas`` (the names of the areas
    covered, as the data writes them), ``period_from`` and ``period_to`` (months, ``YYYY-MM``;
    open ends are 1900-01 and 2100-12) and ``complete`` (the complete registry of those areas
    for those months)."""
    if not coverage:
        return None
    areas = sorted({str(a).strip() for a in coverage.get("areas") or () if str(a).strip()})
    start = str(coverage.get("period_from") or "1900-01")
    end = str(coverage.get("period_to") or "2100-12")
    if not _MONTH.fullmatch(start) or not _MONTH.fullmatch(end) or start > end:
        raise WorkspaceError(f"invalid coverage period {start}..{end}: use YYYY-MM, in order")
    if not areas:
        return None
    return {"areas": areas, "period_from": start, "period_to": end,
            "complete": bool(coverage.get("complete"))}  # fmt: skip


@dataclass(frozen=True)
class DatasetVersion:
    """One accepted import of a source."""

    source: str
    kind: str
    version: int
    rows: int
    rejected_rows: int
    path: str
    accepted_at: str
    source_file: str
    source_sha256: str
    # What the version covers: {"areas": [...], "period_from": "YYYY-MM", "period_to":
    # "YYYY-MM", "complete": bool}; None when nobody said (then it covers nothing).
    coverage: dict | None = None
    # True when the version adds to the source's data (a new month of payments) instead of
    # replacing it: the source's data is then its last replacing version and every later one.
    adds: bool = False

    def data_file(self, root: Path) -> Path:
        """The Parquet file holding this version's rows."""
        return root / self.path / "data.parquet"


@dataclass(frozen=True)
class Source:
    """A registered data source: a department's file of one dataset kind, with its mapping."""

    name: str
    kind: str
    label: str
    mapping: dict[str, str]
    versions: tuple[DatasetVersion, ...]

    @property
    def current(self) -> DatasetVersion | None:
        """The latest accepted version, the one models read."""
        return self.versions[-1] if self.versions else None

    def chain(self, version: int | None = None) -> tuple[DatasetVersion, ...]:
        """The versions whose rows make the source's data as of ``version`` (the current one
        by default): the last version that replaced the data, and every one added since."""
        upto = [v for v in self.versions if version is None or v.version <= version]
        start = len(upto) - 1
        while start > 0 and upto[start].adds:
            start -= 1
        return tuple(upto[max(start, 0) :])


@dataclass(frozen=True)
class Change:
    """What a new version changed in a source's data, for comparing only what is new.

    ``added`` are the files of versions that only add rows (every row is new); otherwise the
    new and changed rows are those of ``after`` not in ``before`` (and the rows gone, those of
    ``before`` not in ``after``)."""

    source: str
    kind: str
    from_version: int
    to_version: int
    before: tuple[Path, ...]
    after: tuple[Path, ...]
    added: tuple[Path, ...] = ()

    @property
    def only_adds(self) -> bool:
        """True when the change only added rows (nothing replaced, nothing removed)."""
        return bool(self.added) and set(self.before) <= set(self.after)


class Workspace:
    """A directory of sources, their versions, staged imports and the hit store."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        for sub in ("datasets", "staging", "builtin", "tmp"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r})"

    # -- manifest ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict]:
        """Hold the workspace lock and yield the manifest; changes are saved atomically."""
        with open(self.root / ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                manifest = self._read_manifest()
                before = json.dumps(manifest, sort_keys=True)
                yield manifest
                if json.dumps(manifest, sort_keys=True) != before:
                    self._write_json(self.root / "manifest.json", manifest)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read_manifest(self) -> dict:
        path = self.root / "manifest.json"
        if not path.exists():
            return {"sources": {}}
        return json.loads(path.read_text(encoding="utf-8"))

    @staticmethod
    def _write_json(path: Path, data: object) -> None:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)

    # -- sources ----------------------------------------------------------------------------

    def register_source(
        self, name: str, *, kind: str, label: str = "", mapping: Mapping[str, str] | None = None
    ) -> Source:
        """Register a source of dataset ``kind`` (or update its label and saved mapping).

        ``mapping`` maps the department's column headers to contract columns; it is saved and
        used by every later import of the source. A source's kind never changes.
        """
        if not _SOURCE_NAME.fullmatch(name):
            raise WorkspaceError(
                f"invalid source name {name!r}: use lower-case letters, digits, _ and -"
            )
        dataset_kind(kind)
        with self._locked() as manifest:
            entry = manifest["sources"].get(name)
            if entry is None:
                entry = {"kind": kind, "label": label, "mapping": {}, "versions": []}
                manifest["sources"][name] = entry
            elif entry["kind"] != kind:
                raise WorkspaceError(f"source {name} is of kind {entry['kind']}, not {kind}")
            if label:
                entry["label"] = label
            if mapping is not None:
                entry["mapping"] = dict(mapping)
        return self.source(name)

    def set_mapping(self, name: str, mapping: Mapping[str, str]) -> Source:
        """Save the column mapping (source header → contract column) of a source."""
        with self._locked() as manifest:
            self._entry(manifest, name)["mapping"] = dict(mapping)
        return self.source(name)

    def _entry(self, manifest: dict, name: str) -> dict:
        try:
            return manifest["sources"][name]
        except KeyError:
            raise WorkspaceError(f"unknown source {name!r}") from None

    def source(self, name: str) -> Source:
        """Return the source called ``name``."""
        return self._source(name, self._entry(self._read_manifest(), name))

    def sources(self) -> list[Source]:
        """Every registered source, by name."""
        manifest = self._read_manifest()
        return [self._source(n, e) for n, e in sorted(manifest["sources"].items())]

    @staticmethod
    def _source(name: str, entry: dict) -> Source:
        return Source(
            name=name,
            kind=entry["kind"],
            label=entry.get("label", ""),
            mapping=dict(entry.get("mapping", {})),
            versions=tuple(DatasetVersion(**v) for v in entry.get("versions", [])),
        )

    def dataset_files(self, kind: str) -> list[Path]:
        """Parquet files of the current data of every source of ``kind`` (each source's
        current version, with the versions it adds to)."""
        files = []
        for source in self.sources():
            if source.kind == kind:
                files += [v.data_file(self.root) for v in source.chain()]
        return files

    def change(self, name: str, from_version: int, to_version: int | None = None) -> Change:
        """What changed in source ``name`` from ``from_version`` (0: nothing before) to
        ``to_version`` (the current one by default)."""
        source = self.source(name)
        if source.current is None:
            raise WorkspaceError(f"source {name} has no data")
        to_version = source.current.version if to_version is None else to_version
        if not 0 <= from_version <= to_version <= source.current.version:
            raise WorkspaceError(f"source {name} has no versions {from_version}..{to_version}")
        before = source.chain(from_version) if from_version else ()
        after = source.chain(to_version)
        files = tuple(v.data_file(self.root) for v in after)
        old = tuple(v.data_file(self.root) for v in before)
        added = tuple(
            v.data_file(self.root) for v in after if v.version > from_version
        ) if set(old) <= set(files) else ()  # fmt: skip
        return Change(name, source.kind, from_version, to_version, old, files, added)

    def available_kinds(self) -> set[str]:
        """Dataset kinds with at least one accepted version."""
        return {s.kind for s in self.sources() if s.current is not None}

    # -- staging ----------------------------------------------------------------------------

    def stage(self, source: str, path: str | os.PathLike[str], **options):
        """Validate a file into a staged import of ``source``; see :func:`importer.stage_import`."""
        from .importer import stage_import

        return stage_import(self, source, path, **options)

    def stage_rows(self, source: str, rows, **options):
        """Stage rows that come from the platform itself (e.g. cadres and relatives of the org
        data) through the same validation: ``rows`` is a list of dicts or a pyarrow Table."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(list(rows))
        table = table.cast(pa.schema([(f.name, pa.string()) for f in table.schema]))
        fd, tmp = tempfile.mkstemp(dir=self.root / "tmp", suffix=".parquet")
        os.close(fd)
        try:
            pq.write_table(table, tmp)
            return self.stage(source, tmp, format="parquet", **options)
        finally:
            os.unlink(tmp)

    def staged_report(self, stage_id: str):
        """Load the :class:`ImportReport` of a staged import (e.g. in another request)."""
        from .importer import ImportReport

        directory = self._stage_dir(stage_id)
        data = json.loads((directory / "report.json").read_text(encoding="utf-8"))
        return ImportReport.from_dict(data, workspace=self)

    def staged(self) -> list[str]:
        """Ids of the imports waiting for a decision."""
        return sorted(p.name for p in (self.root / "staging").iterdir() if p.is_dir())

    def _stage_dir(self, stage_id: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{32}", stage_id):
            raise WorkspaceError(f"invalid stage id {stage_id!r}")
        directory = self.root / "staging" / stage_id
        if not (directory / "report.json").exists():
            raise WorkspaceError(f"no staged import {stage_id} (accepted or discarded already?)")
        return directory

    def accept(
        self, stage_id: str, *, coverage: Mapping | None = None, adds: bool = False
    ) -> DatasetVersion:
        """Keep the good rows of a staged import as the source's next version, with what it
        covers (see :func:`clean_coverage`); with ``adds`` the version adds its rows to the
        source's data (a new month) instead of replacing them."""
        coverage = clean_coverage(coverage)
        directory = self._stage_dir(stage_id)
        report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
        with self._locked() as manifest:
            entry = self._entry(manifest, report["source"])
            number = len(entry["versions"]) + 1
            relative = Path("datasets") / report["source"] / f"v{number:04d}"
            (self.root / relative.parent).mkdir(parents=True, exist_ok=True)
            os.replace(directory, self.root / relative)
            version = DatasetVersion(
                source=report["source"],
                kind=report["kind"],
                version=number,
                rows=report["accepted_rows"],
                rejected_rows=report["rejected_rows"],
                path=str(relative),
                accepted_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                source_file=report["source_file"],
                source_sha256=report["source_sha256"],
                coverage=coverage,
                adds=bool(adds and entry["versions"]),
            )
            entry["versions"].append(asdict(version))
        return version

    def coverage_rows(self) -> list[tuple]:
        """Rows of the built-in ``coverage`` table: what each source's current data covers
        (every version of its chain, each with what it stated)."""
        rows = []
        for source in self.sources():
            for version in source.chain():
                cover = version.coverage
                if not cover:
                    continue
                for area in cover["areas"]:
                    rows.append((source.kind, source.name, area, cover["period_from"],
                                 cover["period_to"], bool(cover["complete"])))  # fmt: skip
        return rows

    def discard(self, stage_id: str) -> None:
        """Throw a staged import away; nothing of it remains."""
        shutil.rmtree(self._stage_dir(stage_id))
