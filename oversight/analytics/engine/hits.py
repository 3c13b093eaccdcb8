"""Hits: what a model found, how it is graded, explained and recognised again on the next run.

A hit's *fingerprint* is ``sha256(model id, US, fingerprint_key)``: the model says which facts
make the hit the same hit (the person and the program, not the amount, which grows every month),
so a rerun finds the same fingerprints and raises no second warning. Both the DuckDB and the
Spark runner build hits with :func:`build_hit`, so they agree to the byte.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from .models import Model

__all__ = ["Evidence", "Hit", "HitStore", "build_hit", "fingerprint", "mask_id"]


def fingerprint(model_id: str, fingerprint_key: str) -> str:
    """The stable identity of a hit: sha256 hex of the model id and the model's key."""
    return hashlib.sha256(f"{model_id}\x1f{fingerprint_key}".encode()).hexdigest()


@dataclass(frozen=True, order=True)
class Evidence:
    """A reference to one source row: its dataset kind and its key (parts joined with ``|``)."""

    dataset: str
    key: str


@dataclass(frozen=True)
class Hit:
    """One finding of one model, ready to become a warning."""

    model_id: str
    fingerprint: str
    fingerprint_key: str
    subject_id: str | None
    subject_name: str | None
    unit: str | None
    amount: Decimal | None
    period: str | None
    evidence: tuple[Evidence, ...]
    match_method: str
    severity: str
    reason_zh: str
    reason_en: str
    detail: str | None = None
    is_new: bool = True

    @property
    def candidate(self) -> bool:
        """True when the match was proposed by name or pinyin and must be confirmed."""
        return "candidate" in self.match_method

    def comparable(self) -> tuple:
        """Everything an engine computes, for comparing DuckDB with Spark."""
        return (
            self.model_id,
            self.fingerprint,
            self.subject_id,
            self.subject_name,
            self.unit,
            self.amount,
            self.period,
            self.evidence,
            self.match_method,
            self.severity,
            self.detail,
        )

    def to_dict(self) -> dict:
        """JSON-ready form."""
        data = asdict(self)
        data["amount"] = None if self.amount is None else str(self.amount)
        data["evidence"] = [asdict(e) for e in self.evidence]
        return data


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:,.2f}"


def mask_id(value: str) -> str:
    """A resident ID as exports show it: the area and the last four digits only."""
    return value[:6] + "********" + value[-4:] if len(value) == 18 else value


def build_hit(
    model: Model,
    row: dict,
    known: frozenset[str] | set[str] = frozenset(),
    program_names: dict[str, str] | None = None,
) -> Hit | None:
    """Make a :class:`Hit` from one result row; None when below the yellow threshold.

    The reason sentences get typed values: amounts formatted, resident IDs masked as in
    exports, the parts of ``detail`` the model names (a ``program`` by its name from
    ``program_names``, the code when unknown)."""
    evidence = tuple(
        sorted({Evidence(str(e["dataset"]), str(e["key"])) for e in (row["evidence"] or ())})
    )
    amount = row["amount"]
    if amount is not None and not isinstance(amount, Decimal):
        amount = Decimal(str(amount))
    if amount is not None:
        amount = amount.quantize(Decimal("0.01"))
    severity = model.severity.grade(amount, len(evidence))
    if severity is None:
        return None
    method = row["match_method"] or "resident_id"
    # A name or pinyin match proposes a person; it cannot carry the strongest warning.
    if severity == "red" and "candidate" in method:
        severity = "yellow"
    key = str(row["fingerprint_key"])
    values = _Blank(
        subject_name=row["subject_name"] or "",
        subject_id=mask_id(row["subject_id"] or ""),
        unit=row["unit"] or "",
        amount=_money(amount),
        period=row["period"] or "",
        count=len(evidence),
        match_method=method,
        detail=row.get("detail") or "",
    )
    if model.detail_parts:
        parts = (row.get("detail") or "").split("|")
        for name, value in zip(model.detail_parts, parts, strict=False):
            if name == "program":
                value = (program_names or {}).get(value, value)
            values[name] = value
    hit_fingerprint = fingerprint(model.id, key)
    return Hit(
        model_id=model.id,
        fingerprint=hit_fingerprint,
        fingerprint_key=key,
        subject_id=row["subject_id"],
        subject_name=row["subject_name"],
        unit=row["unit"],
        amount=amount,
        period=row["period"],
        evidence=evidence,
        match_method=method,
        severity=severity,
        reason_zh=model.reason_zh.format_map(values),
        reason_en=model.reason_en.format_map(values),
        detail=row.get("detail"),
        is_new=hit_fingerprint not in known,
    )


class HitStore:
    """Fingerprints already raised, kept in ``hits.duckdb`` of a workspace.

    The Django app keeps its own warnings table and passes its fingerprints to the runner; this
    store serves the command-line and benchmark runs, and any caller without a database.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        with self._connect() as con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS hits (fingerprint VARCHAR PRIMARY KEY, "
                "model_id VARCHAR NOT NULL, subject_id VARCHAR, severity VARCHAR, "
                "first_seen TIMESTAMP NOT NULL, last_seen TIMESTAMP NOT NULL, hit JSON)"
            )

    def _connect(self):
        return duckdb.connect(str(self.path))

    def known(self, model_id: str | None = None) -> set[str]:
        """Fingerprints raised before (of one model, or of all)."""
        with self._connect() as con:
            if model_id is None:
                rows = con.execute("SELECT fingerprint FROM hits").fetchall()
            else:
                rows = con.execute(
                    "SELECT fingerprint FROM hits WHERE model_id = ?", [model_id]
                ).fetchall()
        return {r[0] for r in rows}

    def record(self, hits: Iterable[Hit]) -> int:
        """Store hits; return how many were new. Known ones only get ``last_seen`` updated."""
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        rows = [
            (h.fingerprint, h.model_id, h.subject_id, h.severity, now, now, json.dumps(h.to_dict()))
            for h in hits
        ]
        if not rows:
            return 0
        with self._connect() as con:
            before = con.execute("SELECT count(*) FROM hits").fetchone()[0]
            con.executemany(
                "INSERT INTO hits VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (fingerprint) DO UPDATE SET last_seen = excluded.last_seen",
                rows,
            )
            after = con.execute("SELECT count(*) FROM hits").fetchone()[0]
        return after - before

    def count(self) -> int:
        """Number of distinct hits ever recorded."""
        with self._connect() as con:
            return con.execute("SELECT count(*) FROM hits").fetchone()[0]
