"""Every write of comparison models: sources and imports, the library's settings, runs, and what
officers decide about warnings.

The data files live in the engine's workspace; a service changes the workspace last, just before
its transaction commits, so a refused change leaves both the database and the workspace as they
were. Long work (checking an upload, running the models) is queued as a job once the request's
transaction commits; ``import_stage`` and ``run_execute`` are what the jobs call.
"""

from __future__ import annotations

import datetime
import logging
import threading
import uuid
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.loop import services as loop
from oversight.notify.services import notify
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode, Person

from . import bridge
from .engine import (
    DATASET_KINDS,
    ImportFailed,
    Model,
    ModelInvalid,
    ModelRun,
    RunResult,
    WorkspaceError,
)
from .engine import validate_model as engine_validate
from .models import AnalysisRun, DataSource, ImportRun, ModelSetting, Warning
from .workflows import KIND as CLUE_KIND

log = logging.getLogger(__name__)

UPLOAD_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet")
BATCH = 500


def _require(actor, code: str) -> None:
    if not has_perm(actor, code):
        raise PermissionDenied(code)


def _record(actor, action: str, target, before=None, **details) -> None:
    ledger.record(
        actor=actor, action=action, target=target, before=before, after=snapshot(target),
        details=details or None,
    )  # fmt: skip


# --- sources ---------------------------------------------------------------------------------


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
                _("%(column)s is not a column of this kind of data.") % {"column": column}
            )
        elif column in seen:
            errors.append(
                _("Two file columns (%(a)s, %(b)s) are mapped to %(column)s.")
                % {"a": seen[column], "b": header, "column": column}
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
    _require(actor, "analytics:source:edit")
    if source is None:
        name = name.strip()
        if kind not in DATASET_KINDS:
            raise ValidationError({"kind": _("Choose the kind of data.")})
        if DataSource.objects.filter(name=name).exists():
            raise ValidationError({"name": _("A data source with this code exists already.")})
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
        raise ValidationError({"name": str(error)}) from None
    _record(actor, "analytics.source.save", source, before)
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
    _require(actor, "analytics:source:edit")
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ValidationError({"file": _("Upload a CSV, Excel (.xlsx) or Parquet file.")})
    if not upload.size:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > settings.ANALYTICS_UPLOAD_MAX_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)d MB.")
             % {"mb": settings.ANALYTICS_UPLOAD_MAX_BYTES // (1024 * 1024)}}
        )  # fmt: skip
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
    _require(actor, "analytics:source:edit")
    if source.kind != "cadres":
        raise ValidationError(_("Only a source of cadres can be taken from the org data."))
    run = ImportRun.objects.create(
        source=source, file_name=_("Cadres of the org data"), from_platform=True, created_by=actor
    )
    if background:
        _queue_stage(run)
    return run


def _queue_stage(run: ImportRun) -> None:
    from . import tasks

    transaction.on_commit(lambda: tasks.stage_import(run.pk))


def org_cadre_rows() -> list[dict[str, str]]:
    """Cadres of the org data as rows of the ``cadres`` contract."""
    resolver = bridge.UnitResolver()
    rows = []
    people = (
        Person.objects.filter(is_cadre=True, is_active=True)
        .select_related("org_node")
        .prefetch_related("positions")
        .order_by("pk")
    )
    for person in people.iterator(chunk_size=1000):
        current = [p for p in person.positions.all() if p.end_date is None]
        rows.append(
            {
                "resident_id": person.resident_id,
                "name": person.name,
                "unit": person.org_node.name,
                "post": current[0].title if current else "",
                "rank": person.rank,
                "town": resolver.area_of(resolver.by_id.get(person.org_node_id)),
            }
        )
    return rows


def import_stage(*, run_id: int) -> ImportRun:
    """Check a queued import into a staged one (the job). Rows with bad values are reported,
    never kept; a file that cannot be read fails with the reason and leaves nothing behind."""
    run = ImportRun.objects.select_related("source", "created_by").get(pk=run_id)
    if run.status != ImportRun.Status.QUEUED:
        return run
    run.status = ImportRun.Status.STAGING
    run.save(update_fields=["status"])
    source = run.source
    ws = bridge.workspace()
    try:
        ws.register_source(
            source.name, kind=source.kind, label=source.label, mapping=source.mapping
        )
        if run.from_platform:
            report = ws.stage_rows(source.name, org_cadre_rows(), **bridge.engine_options())
        else:
            report = ws.stage(
                source.name, run.upload_path, mapping=source.mapping, **bridge.engine_options()
            )
    except (ImportFailed, WorkspaceError, OSError) as error:
        run.status, run.message = ImportRun.Status.FAILED, str(error)
    except Exception as error:  # a job must record its failure, whatever it is
        log.exception("import %s failed", run.pk)
        run.status = ImportRun.Status.FAILED
        run.message = _("The import failed unexpectedly: %(error)s") % {"error": error}
    else:
        run.status = ImportRun.Status.STAGED
        run.stage_id = report.stage_id
        run.total_rows, run.accepted_rows = report.total_rows, report.accepted_rows
        run.rejected_rows = report.rejected_rows
        run.problems_by_code, run.problems_by_column = (
            report.problems_by_code, report.problems_by_column,
        )  # fmt: skip
        run.seconds = report.seconds
    finally:
        if run.upload_path:
            Path(run.upload_path).unlink(missing_ok=True)
            run.upload_path = ""
    with transaction.atomic():
        run.save()
        if run.created_by is not None:
            notify(
                recipients=[run.created_by], kind="analytics.import_checked",
                title=_("%(file)s: %(status)s") % {"file": run.file_name,
                                                   "status": run.get_status_display()},
                body=run.message, url=reverse("analytics:import_detail", args=[run.pk]),
                target=run, dedupe_key=f"analytics.import:{run.pk}",
            )  # fmt: skip
    return run


def _locked_import(run: ImportRun) -> ImportRun:
    run = ImportRun.objects.select_for_update().select_related("source").get(pk=run.pk)
    if run.status != ImportRun.Status.STAGED:
        raise ValidationError(
            _("This import is “%(status)s”; only a checked import waits for a decision.")
            % {"status": run.get_status_display()}
        )
    return run


@transaction.atomic
def import_accept(*, run: ImportRun, actor: Account) -> ImportRun:
    """Keep the good rows of a checked import as the source's next version."""
    _require(actor, "analytics:source:edit")
    run = _locked_import(run)
    before = snapshot(run)
    try:
        version = bridge.workspace().accept(run.stage_id)
    except WorkspaceError as error:
        raise ValidationError(str(error)) from None
    run.status, run.version = ImportRun.Status.ACCEPTED, version.version
    run.decided_by, run.decided_at = actor, timezone.now()
    run.save()
    _record(actor, "analytics.import.accept", run, before, source=run.source.name,
            version=version.version, rows=run.accepted_rows)  # fmt: skip
    return run


@transaction.atomic
def import_discard(*, run: ImportRun, actor: Account) -> ImportRun:
    """Throw a checked import away; nothing of it is kept."""
    _require(actor, "analytics:source:edit")
    run = _locked_import(run)
    before = snapshot(run)
    try:
        bridge.workspace().discard(run.stage_id)
    except WorkspaceError:
        pass  # already gone: discarding is what was wanted
    run.status = ImportRun.Status.DISCARDED
    run.decided_by, run.decided_at = actor, timezone.now()
    run.save()
    _record(actor, "analytics.import.discard", run, before, source=run.source.name)
    return run


# --- the library -----------------------------------------------------------------------------


def _entry(model_id: str) -> bridge.LibraryEntry:
    entry = bridge.library_entry(model_id)
    if entry is None:
        raise ValidationError(_("There is no model %(id)s.") % {"id": model_id})
    return entry


def _setting(model_id: str, actor) -> ModelSetting:
    setting, _created = ModelSetting.objects.select_for_update().get_or_create(
        model_id=model_id, defaults={"updated_by": actor}
    )
    return setting


@transaction.atomic
def model_enable(*, actor: Account, model_id: str, enabled: bool) -> ModelSetting:
    """Enable or disable a model. A model an officer added runs only once it has passed a test
    on a sample, as it is now."""
    _require(actor, "analytics:model:edit")
    entry = _entry(model_id)
    if enabled and entry.problem:
        raise ValidationError(entry.problem)
    if enabled and not entry.model.builtin:
        if not (entry.test_is_current and entry.test.get("ok")):
            raise ValidationError(_("Test the model on a sample successfully before enabling it."))
    setting = _setting(model_id, actor)
    before = snapshot(setting)
    setting.enabled, setting.updated_by = enabled, actor
    setting.save()
    _record(actor, "analytics.model.enable" if enabled else "analytics.model.disable", setting,
            before)  # fmt: skip
    return setting


@transaction.atomic
def model_params_save(*, actor: Account, model_id: str, params: dict) -> ModelSetting:
    """Set a model's local parameter values; the model must still be valid with them."""
    _require(actor, "analytics:model:edit")
    entry = _entry(model_id)
    unknown = sorted(set(params) - set(entry.model.params))
    if unknown:
        raise ValidationError(_("Unknown parameters: %(names)s") % {"names": ", ".join(unknown)})
    model = entry.model.with_params(**params)
    problems = engine_validate(model)
    if problems:
        raise ValidationError(problems)
    setting = _setting(model_id, actor)
    before = snapshot(setting)
    setting.params, setting.updated_by = dict(params), actor
    setting.save()
    _record(actor, "analytics.model.params", setting, before)
    return setting


def model_problems(metadata: str, sql: str) -> tuple[Model | None, list[str]]:
    """Parse and validate a model's text; every problem found, or none."""
    try:
        model = Model.from_text(metadata, sql)
    except ModelInvalid as error:
        return None, list(error.problems)
    return model, engine_validate(model)


@transaction.atomic
def model_add(*, actor: Account, metadata: str, sql: str) -> ModelSetting:
    """Add a model from its TOML metadata and SQL; it stays disabled until tested."""
    _require(actor, "analytics:model:edit")
    model, problems = model_problems(metadata, sql)
    if model is not None and (
        model.id in bridge.builtin_models()
        or ModelSetting.objects.filter(model_id=model.id).exists()
    ):
        problems.insert(0, _("A model with the id %(id)s exists already.") % {"id": model.id})
    if problems:
        raise ValidationError(problems)
    setting = ModelSetting.objects.create(
        model_id=model.id, enabled=False, metadata_text=metadata, sql_text=sql, updated_by=actor
    )
    _record(actor, "analytics.model.add", setting)
    return setting


@transaction.atomic
def model_update(*, actor: Account, model_id: str, metadata: str, sql: str) -> ModelSetting:
    """Change the text of a model an officer added; it is disabled until tested again."""
    _require(actor, "analytics:model:edit")
    setting = ModelSetting.objects.select_for_update().filter(model_id=model_id).first()
    if setting is None or not setting.is_custom:
        raise ValidationError(_("Only a model added here can be edited."))
    model, problems = model_problems(metadata, sql)
    if model is not None and model.id != model_id:
        problems.insert(0, _("The id of a model cannot change (it is %(id)s).") % {"id": model_id})
    if problems:
        raise ValidationError(problems)
    before = snapshot(setting)
    setting.metadata_text, setting.sql_text = metadata, sql
    setting.enabled, setting.params, setting.updated_by = False, {}, actor
    setting.save()
    _record(actor, "analytics.model.update", setting, before)
    return setting


def model_test(*, actor: Account, model_id: str, sample: float = 0.1) -> ModelSetting:
    """Run a model on a sample of the current data and keep the outcome on its setting."""
    _require(actor, "analytics:model:edit")
    if not 0 < sample <= 1:
        raise ValidationError({"sample": _("The sample is a share between 0 and 1.")})
    entry = _entry(model_id)
    if entry.problem:
        raise ValidationError(entry.problem)
    as_of = timezone.localdate()
    test = bridge.runner().test_model(entry.model, as_of=as_of, sample=sample, limit=20)
    result = {
        "ok": test.ok,
        "problems": test.problems,
        "hit_count": test.hit_count,
        "seconds": test.seconds,
        "sample": sample,
        "as_of": as_of.isoformat(),
        "digest": bridge.model_digest(entry.model),
        "hits": [
            {k: v for k, v in hit.to_dict().items()
             if k in ("subject_name", "subject_id", "unit", "amount", "period", "severity",
                      "reason_zh", "reason_en", "match_method")}
            for hit in test.hits
        ],
    }  # fmt: skip
    with transaction.atomic():
        setting = _setting(model_id, actor)
        setting.test_result, setting.tested_at, setting.updated_by = result, timezone.now(), actor
        setting.save()
        _record(actor, "analytics.model.test", setting, None, ok=test.ok, hits=test.hit_count)
    return setting


# --- runs ------------------------------------------------------------------------------------


@transaction.atomic
def run_start(
    *,
    actor: Account,
    model_ids: list[str] | None = None,
    as_of: datetime.date | None = None,
    background: bool = True,
) -> AnalysisRun:
    """Queue a run of the enabled models (or of those named) over the current data, as of a
    date (by default today in the platform's time zone; never a later day). With
    ``background=False`` the caller runs ``run_execute`` itself."""
    _require(actor, "analytics:run:start")
    today = timezone.localdate()
    as_of = today if as_of is None else as_of
    if as_of > today:
        later = _("The as-of date cannot be later than today.")
        raise ValidationError({"as_of": ValidationError(later, code="as_of_future")})
    if (
        AnalysisRun.objects.select_for_update()
        .filter(status__in=[AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING])
        .exists()
    ):
        raise ValidationError(_("A run is under way; wait for it or cancel it."))
    entries = [e for e in bridge.library() if not e.problem]
    if model_ids is None:
        chosen = [e.id for e in entries if e.enabled]
    else:
        known = {e.id for e in entries if e.enabled}
        chosen = [i for i in model_ids if i in known]
    if not chosen:
        raise ValidationError(_("No enabled model to run."))
    run = AnalysisRun.objects.create(started_by=actor, model_ids=chosen, as_of=as_of)
    _record(actor, "analytics.run.start", run, models=len(chosen))
    if background:
        from . import tasks

        transaction.on_commit(lambda: tasks.run_models(run.pk))
    return run


def _cancel_flag(run_id: int) -> Path:
    return bridge.workspace().root / "tmp" / f"cancel-run-{run_id}"


@transaction.atomic
def run_cancel(*, run: AnalysisRun, actor: Account) -> AnalysisRun:
    """Stop a run: a queued run never starts; a running one stops at once, keeping what the
    models done so far found. Asking twice ends a run whose job has gone away."""
    _require(actor, "analytics:run:start")
    run = AnalysisRun.objects.select_for_update().get(pk=run.pk)
    if not run.is_active:
        raise ValidationError(_("The run is over already."))
    before = snapshot(run)
    if run.status == AnalysisRun.Status.QUEUED or run.cancel_requested:
        run.status, run.finished_at = AnalysisRun.Status.CANCELLED, timezone.now()
    run.cancel_requested = True
    run.save()
    _cancel_flag(run.pk).touch()
    _record(actor, "analytics.run.cancel", run, before)
    return run


class _Progress:
    """Receives the runner's progress: writes it to the run from the job's own thread (the
    runner's polling thread has no database connection of its own) and stops the runner as
    soon as someone asked for the run to be cancelled."""

    def __init__(self, run: AnalysisRun, flag: Path) -> None:
        self.run, self.flag = run, flag
        self.thread = threading.get_ident()
        self.runner = None

    def __call__(self, event) -> None:
        if self.runner is not None and self.flag.exists():
            self.runner.cancel()
        if threading.get_ident() != self.thread or event.phase == "running":
            return
        done = event.index + (1 if event.phase != "start" else 0)
        self.run.progress = min(99, int(100 * done / max(event.total, 1)))
        self.run.current_model = event.model_id if event.phase == "start" else ""
        self.run.save(update_fields=["progress", "current_model"])


def run_execute(*, run_id: int) -> AnalysisRun:
    """Run the models of a queued run and record its warnings (the job)."""
    with transaction.atomic():
        run = AnalysisRun.objects.select_for_update().get(pk=run_id)
        if run.status != AnalysisRun.Status.QUEUED:
            return run
        run.status, run.started_at = AnalysisRun.Status.RUNNING, timezone.now()
        run.save(update_fields=["status", "started_at"])
    flag = _cancel_flag(run.pk)
    try:
        ws = bridge.workspace()
        run.versions = {
            s.name: {"kind": s.kind, "version": s.current.version, "path": s.current.path}
            for s in ws.sources()
            if s.current is not None
        }
        entries = {e.id: e for e in bridge.library() if not e.problem}
        models = [entries[i].model for i in run.model_ids if i in entries]
        known = set(Warning.objects.values_list("fingerprint", flat=True))
        progress = _Progress(run, flag)
        runner = bridge.runner(ws, progress=progress)
        progress.runner = runner
        if flag.exists():  # cancelled between the request and the start of the job
            result = RunResult(models=[ModelRun(m.id, status="cancelled") for m in models])
            result.cancelled = True
        else:
            result = runner.run(models, as_of=run.as_of, known_fingerprints=known)
        with transaction.atomic():
            new = record_hits(run=run, hits=result.hits)
            run.refresh_from_db(fields=["cancel_requested", "status"])
            cancelled = result.cancelled or run.cancel_requested
            run.model_stats = [asdict(m) for m in result.models]
            run.hits, run.new_warnings, run.seconds = len(result.hits), new, result.seconds
            if run.status != AnalysisRun.Status.CANCELLED:
                run.status = AnalysisRun.Status.CANCELLED if cancelled else AnalysisRun.Status.DONE
            run.progress = run.progress if cancelled else 100
            _finish(run)
    except Exception as error:  # a job must record its failure, whatever it is
        log.exception("model run %s failed", run.pk)
        run.status = AnalysisRun.Status.FAILED
        run.message = str(error)[:2000]
        with transaction.atomic():
            _finish(run)
    finally:
        flag.unlink(missing_ok=True)
    return run


def _finish(run: AnalysisRun) -> None:
    run.current_model = ""
    run.finished_at = timezone.now()
    run.save()
    ledger.record(
        actor=run.started_by, action=f"analytics.run.{run.status}", target=run, before=None,
        after=snapshot(run), details={"hits": run.hits, "new_warnings": run.new_warnings},
    )  # fmt: skip
    if run.started_by is not None:
        notify(
            recipients=[run.started_by], kind="analytics.run_finished",
            title=_("Model run #%(n)d: %(status)s, %(new)d new warnings")
            % {"n": run.pk, "status": run.get_status_display(), "new": run.new_warnings},
            url=reverse("analytics:run_detail", args=[run.pk]), target=run,
            dedupe_key=f"analytics.run:{run.pk}",
        )  # fmt: skip


def _warning_facts(hit, resolver: bridge.UnitResolver, as_of) -> dict:
    node = resolver.resolve(hit.unit)
    return {
        "as_of": as_of,
        "subject_id": (hit.subject_id or "")[:64],
        "subject_name": (hit.subject_name or "")[:200],
        "unit_name": (hit.unit or "")[:200],
        "unit": node,
        "area": resolver.area_of(node)[:120],
        "amount": None if hit.amount is None else Decimal(hit.amount),
        "period": (hit.period or "")[:64],
        "severity": hit.severity,
        "reason_zh": hit.reason_zh,
        "reason_en": hit.reason_en,
        "detail": hit.detail or "",
        "evidence": [asdict(e) for e in hit.evidence],
        "match_method": hit.match_method[:64],
    }


def record_hits(*, run: AnalysisRun, hits) -> int:
    """Turn a run's hits into warnings; a fingerprint raised before is never raised again.

    Warnings nobody has decided on yet take the latest facts (an amount that grew, a new
    payment as evidence); decided ones keep what the decision was made on. Returns how many
    warnings are new.
    """
    resolver = bridge.UnitResolver()
    now = timezone.now()
    by_fingerprint = {h.fingerprint: h for h in hits}
    fingerprints = list(by_fingerprint)
    existing: set[str] = set()
    for start in range(0, len(fingerprints), BATCH):
        chunk = fingerprints[start : start + BATCH]
        existing.update(
            Warning.objects.filter(fingerprint__in=chunk).values_list("fingerprint", flat=True)
        )
    fresh = [
        Warning(
            model_id=hit.model_id,
            fingerprint=fp,
            fingerprint_key=hit.fingerprint_key,
            first_run=run,
            last_run=run,
            first_seen=now,
            last_seen=now,
            **_warning_facts(hit, resolver, run.as_of),
        )  # fmt: skip
        for fp, hit in by_fingerprint.items()
        if fp not in existing
    ]
    # ignore_conflicts: a warning raised meanwhile by another run stays the one warning.
    Warning.objects.bulk_create(fresh, batch_size=BATCH, ignore_conflicts=True)
    known = sorted(existing)
    fields = (
        [f for f in _warning_facts(hits[0], resolver, run.as_of) if f != "unit"] if hits else []
    )
    for start in range(0, len(known), BATCH):
        chunk = known[start : start + BATCH]
        Warning.objects.filter(fingerprint__in=chunk).update(last_run=run, last_seen=now)
        undecided = list(Warning.objects.filter(fingerprint__in=chunk, status=Warning.Status.NEW))
        for warning in undecided:
            for name, value in _warning_facts(
                by_fingerprint[warning.fingerprint], resolver, run.as_of
            ).items():
                setattr(warning, name, value)
        Warning.objects.bulk_update(undecided, [*fields, "unit"], batch_size=BATCH)
    return Warning.objects.filter(first_run=run).count()


# --- warnings --------------------------------------------------------------------------------


def _locked_new_warning(warning: Warning) -> Warning:
    warning = Warning.objects.select_for_update().get(pk=warning.pk)
    if warning.status != Warning.Status.NEW:
        raise ValidationError(
            _("This warning is “%(status)s” already.") % {"status": warning.get_status_display()}
        )
    return warning


@transaction.atomic
def warning_dismiss(*, warning: Warning, actor: Account, reason: str) -> Warning:
    """Dismiss a warning as a false positive; the reason is required and kept."""
    _require(actor, "analytics:warning:dispose")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the warning is a false positive.")})
    warning = _locked_new_warning(warning)
    before = snapshot(warning)
    warning.status, warning.dismissal_reason = Warning.Status.DISMISSED, reason
    warning.decided_by, warning.decided_at = actor, timezone.now()
    warning.save()
    _record(actor, "analytics.warning.dismiss", warning, before, model=warning.model_id)
    return warning


def default_supervising_node(node: OrgNode) -> OrgNode:
    """The discipline commission over ``node``: the node itself or an ancestor that is one,
    else a commission placed beside an ancestor (a county's commission sits under the county);
    the node itself when there is none."""
    commission = OrgNode.Type.COMMISSION
    chain = list(OrgNode.objects.filter(pk__in=node.ancestor_ids)) + [node]
    chain.sort(key=lambda n: n.depth, reverse=True)
    for candidate in chain:
        if candidate.type == commission:
            return candidate
        beside = candidate.children.filter(type=commission, is_active=True).order_by("sort").first()
        if beside is not None:
            return beside
    return node


@transaction.atomic
def warning_to_clue(
    *, warning: Warning, actor: Account, responsible_node: OrgNode,
    supervising_node: OrgNode | None = None, note: str = "",
):  # fmt: skip
    """Turn a warning into a problem clue: a work item the responsible office studies and
    proposes a disposal for, approved on the supervising side."""
    _require(actor, "analytics:warning:dispose")
    warning = _locked_new_warning(warning)
    entry = bridge.library_entry(warning.model_id)
    name = entry.model.name_zh if entry is not None else warning.model_id
    subject = warning.subject_name or warning.subject_id or warning.unit_name
    description = "\n".join(
        line
        for line in (
            warning.reason_zh,
            _("Unit: %(unit)s") % {"unit": warning.unit_name} if warning.unit_name else "",
            _("How it matched: %(method)s") % {"method": warning.match_method},
            note.strip(),
        )
        if line
    )
    item = loop.item_open(
        kind=CLUE_KIND, title=f"{name}：{subject}"[:200], description=description, actor=actor,
        responsible_node=responsible_node,
        supervising_node=supervising_node or default_supervising_node(responsible_node),
    )  # fmt: skip
    before = snapshot(warning)
    warning.status, warning.clue = Warning.Status.CLUE, item
    warning.decided_by, warning.decided_at = actor, timezone.now()
    warning.save()
    _record(actor, "analytics.warning.clue", warning, before, model=warning.model_id, item=item.pk)
    return item


@transaction.atomic
def evidence_viewed(*, warning: Warning, actor: Account) -> None:
    """Log that someone read a warning's evidence, which holds personal data."""
    ledger.record(
        actor=actor, action="analytics.warning.evidence_viewed", target=warning, before=None,
        after=None, details={"model": warning.model_id},
    )  # fmt: skip
