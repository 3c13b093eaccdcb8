"""Sources and imports: register a department's data, upload a file (checked by a job), and
accept or discard what the check found."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.ledger.targets import snapshot
from oversight.orgs.models import Account, OrgNode

from .. import bridge, tasks
from ..engine import DATASET_KINDS, WorkspaceError
from ..models import DataSource, ImportRun
from ._common import record, require

UPLOAD_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet")


def clean_mapping(kind: str, mapping: dict[str, str]) -> dict[str, str]:
    """Check a column mapping (file header → contract column) against the dataset kind."""
    dataset = DATASET_KINDS[kind]
    cleaned: dict[str, str] = {}
    seen: dict[str, str] = {}
    errors = []
    for header, column in mapping.items():
        header, column = (header or "").strip(), (column or "").strip()
        if not header or not column:
            continue
        if column not in dataset.column_names:
            errors.append(
                ValidationError(
                    _("%(column)s is not a column of this kind of data.") % {"column": column},
                    code="unknown_column",
                )
            )
        elif column in seen:
            errors.append(
                ValidationError(
                    _("Two file columns (%(a)s, %(b)s) are mapped to %(column)s.")
                    % {"a": seen[column], "b": header, "column": column},
                    code="mapped_twice",
                )
            )
        else:
            seen[column] = header
            cleaned[header] = column
    if errors:
        raise ValidationError({"mapping": errors})
    return cleaned


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
    *, source: DataSource, actor: Account, upload, background: bool = True
) -> ImportRun:
    """Keep an uploaded file for checking and queue the job that stages it (with
    ``background=False`` the caller runs ``import_stage`` itself, as the demo does)."""
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
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if background:
        _queue_stage(run)
    return run


@transaction.atomic
def import_from_platform(
    *, source: DataSource, actor: Account, background: bool = True
) -> ImportRun:
    """Queue an import of the platform's own cadres (people and their current posts)."""
    require(actor, "analytics:source:edit")
    if source.kind != "cadres":
        raise ValidationError(
            _("Only a source of cadres can be taken from the org data."), code="not_cadres"
        )
    run = ImportRun.objects.create(
        source=source, file_name=_("Cadres of the org data"), from_platform=True, created_by=actor
    )
    if background:
        _queue_stage(run)
    return run


def _queue_stage(run: ImportRun) -> None:
    transaction.on_commit(lambda: tasks.stage_import(run.pk))


def _locked_import(run: ImportRun) -> ImportRun:
    run = ImportRun.objects.select_for_update().select_related("source").get(pk=run.pk)
    if run.status != ImportRun.Status.STAGED:
        raise ValidationError(
            _("This import is “%(status)s”; only a checked import waits for a decision.")
            % {"status": run.get_status_display()},
            code="import_decided",
        )
    return run


@transaction.atomic
def import_accept(*, run: ImportRun, actor: Account) -> ImportRun:
    """Keep the good rows of a checked import as the source's next version."""
    require(actor, "analytics:source:edit")
    run = _locked_import(run)
    before = snapshot(run)
    try:
        version = bridge.workspace().accept(run.stage_id)
    except WorkspaceError as error:
        raise ValidationError(str(error), code="workspace") from None
    run.status, run.version = ImportRun.Status.ACCEPTED, version.version
    run.decided_by, run.decided_at = actor, timezone.now()
    run.save()
    record(actor, "analytics.import.accept", run, before, source=run.source.name,
            version=version.version, rows=run.accepted_rows)  # fmt: skip
    return run


@transaction.atomic
def import_discard(*, run: ImportRun, actor: Account) -> ImportRun:
    """Throw a checked import away; nothing of it is kept."""
    require(actor, "analytics:source:edit")
    run = _locked_import(run)
    before = snapshot(run)
    try:
        bridge.workspace().discard(run.stage_id)
    except WorkspaceError:
        pass  # already gone: discarding is what was wanted
    run.status = ImportRun.Status.DISCARDED
    run.decided_by, run.decided_at = actor, timezone.now()
    run.save()
    record(actor, "analytics.import.discard", run, before, source=run.source.name)
    return run
