"""Sources and imports: register a department's data, upload a file (checked by a job), and
accept or discard what the check found."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oversight.ledger.targets import snapshot
from oversight.orgs.models import Account, OrgNode

from .. import bridge, tasks
from ..engine import DATASET_KINDS, ImportFailed, WorkspaceError, preview
from ..engine import mapping as field_mapping
from ..engine.workspace import clean_coverage
from ..models import DataSource, ImportRun
from ._common import record, require
from .runs import changes_run

UPLOAD_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet")


def field_label(kind: str, field: str) -> str:
    """A contract field as officers read it: its Chinese label and its code."""
    try:
        return f"{DATASET_KINDS[kind].column(field).label_zh}（{field}）"
    except KeyError:
        return field


UPLOAD_LABELS = {
    "program": gettext_lazy("program of this file"),
    "unit": gettext_lazy("unit that sent the file"),
    "period": gettext_lazy("period the file covers"),
}


def _problem_error(kind: str, problem: field_mapping.MappingProblem) -> ValidationError:
    field = field_label(kind, problem.field)
    detail = problem.detail
    if problem.code == "unknown_field":
        return ValidationError(
            _("%(column)s is not a column of this kind of data.") % {"column": problem.field},
            code="unknown_column",
        )
    if problem.code == "column_twice":
        return ValidationError(
            _("The file's column “%(column)s” is chosen for two fields; %(field)s is one.")
            % {"column": detail, "field": field},
            code="mapped_twice",
        )
    if problem.code == "no_column":
        return ValidationError(
            _("The file has no column “%(column)s” (chosen for %(field)s).")
            % {"column": detail, "field": field},
            code="no_column",
        )
    if problem.code == "unmapped":
        return ValidationError(
            _("%(field)s is required: say where it comes from.") % {"field": field},
            code="unmapped",
        )
    if problem.code == "no_upload_value":
        return ValidationError(
            _("Choose the %(value)s: %(field)s comes from it.")
            % {"value": UPLOAD_LABELS.get(detail, detail), "field": field},
            code="no_upload_value",
        )
    return ValidationError(
        _("%(field)s: the rule is incomplete.") % {"field": field}, code="bad_rule"
    )


def clean_mapping(
    kind: str,
    mapping: dict,
    *,
    headers: list[str] | None = None,
    upload_values: dict | None = None,
    complete: bool = False,
    key: str | None = "mapping",
) -> dict[str, dict]:
    """Check a mapping (field → rule, or the older file header → field) against the dataset
    kind, and the file's headers and the values chosen on upload when given; returns field →
    rule. ``complete`` also requires every required field (for a mapping an import starts
    with). Refusals are under ``key``, or under each field's name (``upload_<value>`` for a
    value chosen on upload) when ``key`` is None."""
    errors: dict[str, list[ValidationError]] = {}

    def refuse(name: str, error: ValidationError) -> None:
        errors.setdefault(key or name, []).append(error)

    if any(not isinstance(v, dict) for v in mapping.values()):  # the older form
        seen: dict[str, str] = {}
        for header, column in mapping.items():
            header, column = str(header or "").strip(), str(column or "").strip()
            if header and column in seen:
                refuse(column, ValidationError(
                    _("Two file columns (%(a)s, %(b)s) are mapped to %(column)s.")
                    % {"a": seen[column], "b": header, "column": column},
                    code="mapped_twice",
                ))  # fmt: skip
            elif header and column:
                seen[column] = header
        mapping = {header: column for column, header in seen.items()}
    rules = field_mapping.rules_of(mapping)
    problems = field_mapping.check(DATASET_KINDS[kind], rules, headers, upload_values)
    for problem in problems:
        if problem.code == "unmapped" and not complete:
            continue
        name = f"upload_{problem.detail}" if problem.code == "no_upload_value" else problem.field
        refuse(name, _problem_error(kind, problem))
    if errors:
        raise ValidationError(errors)
    return rules


@transaction.atomic
def source_save(
    *, actor: Account, source: DataSource | None = None, name: str = "", kind: str = "",
    label: str, owner: OrgNode, mapping: dict[str, str],
) -> DataSource:  # fmt: skip
    """Register a data source (or change its name, owner and mapping; its kind never changes)."""
    require(actor, "analytics:source:edit")
    if source is None:
        name = name.strip()
        if kind not in DATASET_KINDS:
            raise ValidationError(
                {"kind": ValidationError(_("Choose the kind of data."), code="invalid_choice")}
            )
        if DataSource.objects.filter(name=name).exists():
            raise ValidationError(
                {"name": ValidationError(
                    _("A data source with this code exists already."), code="unique")}
            )  # fmt: skip
        before = None
        source = DataSource(name=name, kind=kind, created_by=actor)
    else:
        before = snapshot(source)
    source.label = label.strip()
    source.owner = owner
    source.mapping = clean_mapping(source.kind, mapping)
    source.full_clean(exclude=["created_by"])
    source.save()
    try:
        bridge.workspace().register_source(
            source.name, kind=source.kind, label=source.label, mapping=source.mapping
        )
    except WorkspaceError as error:
        raise ValidationError({"name": ValidationError(str(error), code="workspace")}) from None
    record(actor, "analytics.source.save", source, before)
    return source


def _upload_dir() -> Path:
    directory = bridge.workspace().root / "uploads"
    directory.mkdir(exist_ok=True)
    return directory


@transaction.atomic
def import_start(
    *,
    source: DataSource,
    actor: Account,
    upload,
    background: bool = True,
    review_mapping: bool = False,
) -> ImportRun:
    """Keep an uploaded file for checking and queue the job that stages it with the source's
    saved mapping (with ``background=False`` the caller runs ``import_stage`` itself, as the
    demo does). With ``review_mapping`` the file waits for its mapping (``import_map``) instead:
    the mapping screen shows its first rows; a file that cannot be read is refused at once."""
    require(actor, "analytics:source:edit")
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ValidationError(
            {"file": ValidationError(
                _("Upload a CSV, Excel (.xlsx) or Parquet file."), code="file_type")}
        )  # fmt: skip
    if not upload.size:
        raise ValidationError({"file": ValidationError(_("The file is empty."), code="empty")})
    if upload.size > settings.ANALYTICS_UPLOAD_MAX_BYTES:
        too_large = _("The file is larger than %(mb)d MB.") % {
            "mb": settings.ANALYTICS_UPLOAD_MAX_BYTES // (1024 * 1024)
        }
        raise ValidationError({"file": ValidationError(too_large, code="too_large")})
    path = _upload_dir() / f"{uuid.uuid4().hex}{suffix}"
    try:
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        run = ImportRun.objects.create(
            source=source, file_name=name[-255:], file_size=upload.size, upload_path=str(path),
            created_by=actor,
        )  # fmt: skip
        if review_mapping:
            try:
                preview(path, rows=1)
            except ImportFailed as error:
                unreadable = _("The file cannot be read: %(error)s") % {
                    "error": bridge.failure_text(error)
                }
                raise ValidationError(
                    {"file": ValidationError(unreadable, code="unreadable")}
                ) from None
            run.status = ImportRun.Status.MAPPING
            run.save(update_fields=["status"])
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if background and not review_mapping:
        _queue_stage(run)
    return run


_PERIOD = re.compile(r"[12][0-9]{3}-(0[1-9]|1[0-2])")


def _clean_coverage(coverage: dict | None) -> dict:
    try:
        return clean_coverage(coverage) or {}
    except WorkspaceError:
        bad = _("Give the months covered as YYYY-MM, the first not after the last.")
        raise ValidationError({"coverage_from": ValidationError(bad, code="invalid")}) from None


@transaction.atomic
def import_map(
    *,
    run: ImportRun,
    actor: Account,
    mapping: dict,
    upload_values: dict,
    coverage: dict | None = None,
    adds: bool = False,
    background: bool = True,
) -> ImportRun:
    """Check an uploaded file with the mapping chosen on the mapping screen (field → rule) and
    the values chosen on upload (program, unit, period). Every problem (a required field left
    unmapped, a column taken for two fields, a value not chosen) is named, field by field,
    before the import starts; the mapping is saved on the source and reused for its next files. ``coverage``
    states what the file covers (areas, months, complete register or not), kept with its
    version on accept; a model reasoning from absence reads only what a complete one covers.
    With ``adds`` the file's rows are added to the source's data (a new month) on accept
    instead of replacing them."""
    require(actor, "analytics:source:edit")
    run = ImportRun.objects.select_for_update().select_related("source").get(pk=run.pk)
    if run.status != ImportRun.Status.MAPPING:
        raise ValidationError(
            _("This import is “%(status)s”; its mapping was chosen already.")
            % {"status": run.get_status_display()},
            code="import_mapped",
        )
    source = run.source
    values = {
        name: str(upload_values.get(name) or "").strip()[:120]
        for name in field_mapping.UPLOAD_VALUES
    }
    if values["period"] and not _PERIOD.fullmatch(values["period"]):
        bad = _("Write the period as a month, such as 2024-03.")
        raise ValidationError({"upload_period": ValidationError(bad, code="invalid")})
    try:
        headers, _rows = preview(run.upload_path, rows=0)
    except ImportFailed as error:
        raise ValidationError(bridge.failure_text(error), code="unreadable") from None
    rules = clean_mapping(
        source.kind, mapping, headers=headers, upload_values=values, complete=True, key=None
    )
    covered = _clean_coverage(coverage)
    before = snapshot(source)
    source.mapping = rules
    source.save(update_fields=["mapping", "updated_at"])
    run.mapping, run.upload_values, run.status = rules, values, ImportRun.Status.QUEUED
    run.coverage, run.adds = covered, bool(adds)
    run.save(update_fields=["mapping", "upload_values", "coverage", "adds", "status"])
    record(actor, "analytics.source.mapping", source, before, file=run.file_name)
    try:
        bridge.workspace().register_source(
            source.name, kind=source.kind, label=source.label, mapping=rules
        )
    except WorkspaceError as error:
        raise ValidationError(str(error), code="workspace") from None
    if background:
        _queue_stage(run)
    return run


@transaction.atomic
def import_from_platform(
    *, source: DataSource, actor: Account, background: bool = True
) -> ImportRun:
    """Queue an import of the platform's own data: the cadres (people and their current posts)
    for a source of cadres, the subsidy lists villages disclosed (the captured notices of
    ``disclosure``) for a source of disclosed subsidies."""
    require(actor, "analytics:source:edit")
    if source.kind not in ("cadres", "disclosed_subsidies"):
        raise ValidationError(
            _("Only a source of cadres can be taken from the org data."), code="not_cadres"
        )
    file_name = (
        _("Subsidy lists of the captured notices")
        if source.kind == "disclosed_subsidies"
        else _("Cadres of the org data")
    )
    run = ImportRun.objects.create(
        source=source, file_name=file_name, from_platform=True, created_by=actor
    )
    if background:
        _queue_stage(run)
    return run


def _queue_stage(run: ImportRun) -> None:
    transaction.on_commit(lambda: tasks.stage_import(run.pk))


def _locked_import(run: ImportRun, *, mapping_too: bool = False) -> ImportRun:
    run = ImportRun.objects.select_for_update().select_related("source").get(pk=run.pk)
    allowed = {ImportRun.Status.STAGED} | ({ImportRun.Status.MAPPING} if mapping_too else set())
    if run.status not in allowed:
        raise ValidationError(
            _("This import is “%(status)s”; only a checked import waits for a decision.")
            % {"status": run.get_status_display()},
            code="import_decided",
        )
    return run


@transaction.atomic
def import_accept(
    *, run: ImportRun, actor: Account, coverage: dict | None = None, compare: bool = True,
    background: bool = True,
) -> ImportRun:  # fmt: skip
    """Keep the good rows of a checked import as the source's next version (adding to the
    source's data or replacing it, as chosen with its mapping), covering what was stated with
    its mapping (or ``coverage``, given here). With ``compare`` the new data is compared as it
    arrives: a run of the enabled models reading it, on what the version changed only."""
    require(actor, "analytics:source:edit")
    run = _locked_import(run)
    before = snapshot(run)
    if coverage is not None:
        run.coverage = _clean_coverage(coverage)
    try:
        version = bridge.workspace().accept(
            run.stage_id, coverage=run.coverage or None, adds=run.adds
        )
    except WorkspaceError as error:
        raise ValidationError(str(error), code="workspace") from None
    run.status, run.version = ImportRun.Status.ACCEPTED, version.version
    run.decided_by, run.decided_at = actor, timezone.now()
    run.save()
    record(actor, "analytics.import.accept", run, before, source=run.source.name,
            version=version.version, rows=run.accepted_rows)  # fmt: skip
    if compare:
        changes_run(run=run, actor=actor, background=background)
    return run


@transaction.atomic
def import_discard(*, run: ImportRun, actor: Account) -> ImportRun:
    """Throw a checked import (or a file waiting for its mapping) away; nothing is kept."""
    require(actor, "analytics:source:edit")
    run = _locked_import(run, mapping_too=True)
    before = snapshot(run)
    if run.upload_path:
        upload = Path(run.upload_path)
        transaction.on_commit(lambda: upload.unlink(missing_ok=True))
        run.upload_path = ""
    try:
        if run.stage_id:
            bridge.workspace().discard(run.stage_id)
    except WorkspaceError:
        pass  # already gone: discarding is what was wanted
    run.status = ImportRun.Status.DISCARDED
    run.decided_by, run.decided_at = actor, timezone.now()
    run.save()
    record(actor, "analytics.import.discard", run, before, source=run.source.name)
    return run
