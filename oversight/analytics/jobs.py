"""What the worker does for comparison models: check an upload into a staged import, run the
models of a queued run and store their hits. ``tasks`` calls these; they import neither the
tasks nor the services, so the services may queue the tasks (on commit) without a circle.

Both jobs record their outcome on their row, whatever happens, so a page polling the row always
learns the end. A run holds no transaction while the models compute, and stores its hits in
short transactions of ``BATCH`` warnings each, so officers keep opening and deciding warnings.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.notify.services import notify
from oversight.orgs.models import Person

from . import bridge
from .disclosed import disclosed_subsidy_rows
from .engine import DATASET_KINDS, ImportFailed, ModelRun, RunResult, WorkspaceError
from .models import AnalysisRun, ImportRun, Warning, record_warning_changes

log = logging.getLogger(__name__)

BATCH = 500


# --- imports ---------------------------------------------------------------------------------


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
            rows = (
                disclosed_subsidy_rows()
                if source.kind == "disclosed_subsidies"
                else org_cadre_rows()
            )
            report = ws.stage_rows(source.name, rows, **bridge.engine_options())
        else:
            report = ws.stage(
                source.name, run.upload_path, mapping=run.mapping or source.mapping,
                upload_values=run.upload_values, **bridge.engine_options(),
            )  # fmt: skip
    except (ImportFailed, WorkspaceError, OSError) as error:
        run.status, run.message = ImportRun.Status.FAILED, str(error)
        run.message_zh = getattr(error, "zh", "")
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
                recipients=[run.created_by],
                kind="analytics.import_checked",
                title=_("%(file)s: %(status)s")
                % {"file": run.file_name, "status": run.get_status_display()},
                body=run.message_text,
                url=reverse("analytics:import_detail", args=[run.pk]),
                target=run,
                dedupe_key=f"analytics.import:{run.pk}",
            )
    return run


# --- runs ------------------------------------------------------------------------------------


def cancel_flag(run_id: int) -> Path:
    """The file whose presence asks the job of run ``run_id`` to stop."""
    return bridge.workspace().root / "tmp" / f"cancel-run-{run_id}"


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
    flag = cancel_flag(run.pk)
    try:
        ws = bridge.workspace()
        sources = ws.sources()
        names = dict(
            ((name, version), file)
            for name, version, file in ImportRun.objects.filter(
                status=ImportRun.Status.ACCEPTED
            ).values_list("source__name", "version", "file_name")
        )
        run.versions = {s.name: _read_versions(s, names) for s in sources if s.current is not None}
        changes = None
        if run.trigger:
            changes = [ws.change(run.trigger["source"], run.trigger["from_version"])]
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
            result = runner.run(models, as_of=run.as_of, known_fingerprints=known, changes=changes)
        # No transaction is open while the models compute; the hits are stored in short
        # batches (see ``record_hits``), then the run is closed in one more short transaction.
        new = record_hits(run=run, hits=result.hits)
        mark_gone(run=run, result=result)
        with transaction.atomic():
            locked = AnalysisRun.objects.select_for_update().get(pk=run.pk)
            run.cancel_requested, run.status = locked.cancel_requested, locked.status
            cancelled = result.cancelled or run.cancel_requested
            by_id = {m.id: m for m in models}
            run.model_stats = [
                {**asdict(m), **model_inputs(by_id.get(m.model_id), sources)} for m in result.models
            ]
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
    _start_next()
    return run


def _read_versions(source, names: dict) -> dict:
    """What a run read of one source: its current version, and the versions whose rows make
    its data (each with the file it came from, by the name it was uploaded under), for the
    evidence's provenance."""
    current = source.current

    def file(v) -> str:
        return names.get((source.name, v.version)) or v.source_file

    chain = [{"version": v.version, "path": v.path, "file": file(v)} for v in source.chain()]
    return {"kind": source.kind, "version": current.version, "path": current.path,
            "file": file(current), "chain": chain}  # fmt: skip


def _start_next() -> None:
    """Run, in this job, a run that waited for this one (new data accepted meanwhile)."""
    waiting = AnalysisRun.objects.filter(status=AnalysisRun.Status.QUEUED).order_by("pk").first()
    if waiting is not None:
        run_execute(run_id=waiting.pk)


def mark_gone(*, run: AnalysisRun, result: RunResult) -> int:
    """Mark the warnings a run did not find again where it would have: of each model that
    compared all the data, every warning it did not find; of a run of changes, those whose
    evidence names a row the change removed or replaced. Marked, never deleted (a decision
    stays as it was); returns how many were marked."""
    full = [m.model_id for m in result.models if m.status == "ok" and m.scope == "all"]
    changed = [m.model_id for m in result.models if m.status == "ok" and m.scope == "changed"]
    unmarked = Warning.objects.filter(gone_run__isnull=True).exclude(last_run=run)
    marked = 0
    if full and not result.cancelled:
        lost = list(unmarked.filter(model_id__in=full).values_list("pk", flat=True))
        for start in range(0, len(lost), BATCH):
            with transaction.atomic():
                chunk = lost[start : start + BATCH]
                marked += Warning.objects.filter(pk__in=chunk).update(gone_run=run)
                record_warning_changes(chunk, action="analytics.warning.gone")
    gone = result.gone_keys
    if gone and changed:
        candidates = unmarked.filter(model_id__in=changed).values_list("pk", "evidence")
        lost = [
            pk
            for pk, evidence in candidates.iterator(chunk_size=BATCH)
            if any(e.get("key") in gone.get(e.get("dataset"), ()) for e in evidence)
        ]
        for start in range(0, len(lost), BATCH):
            with transaction.atomic():
                chunk = lost[start : start + BATCH]
                marked += Warning.objects.filter(pk__in=chunk).update(gone_run=run)
                record_warning_changes(chunk, action="analytics.warning.gone")
    return marked


def model_inputs(model, sources) -> dict:
    """What a model read: per dataset it declares, the current version of each source of that
    kind with what it covers (``inputs``), the kinds no source has data for (``needs``: what to
    upload), and those it reasons from the absence in (``absence``: they must be complete)."""
    inputs, needs = [], []
    for kind in model.datasets if model is not None else ():
        if kind not in DATASET_KINDS:
            continue  # a built-in table (the calendar)
        found = [s for s in sources if s.kind == kind and s.current is not None]
        if not found:
            needs.append(kind)
        for source in found:
            version = source.current
            inputs.append({
                "kind": kind, "source": source.name, "label": source.label,
                "version": version.version, "rows": version.rows, "file": version.source_file,
                "coverage": version.coverage,
            })  # fmt: skip
    absence = list(model.absence) if model is not None else []
    return {"inputs": inputs, "needs": needs, "absence": absence}


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
    payment as evidence); decided ones keep what the decision was made on. The hits are stored
    in batches of ``BATCH``, each in a transaction of its own that lasts only as long as its
    writes (the facts are prepared before it begins), so officers opening and deciding warnings
    while a run is stored wait at most for one batch. Returns how many warnings are new.
    """
    resolver = bridge.UnitResolver()
    by_fingerprint = {h.fingerprint: h for h in hits}
    fingerprints = list(by_fingerprint)
    for start in range(0, len(fingerprints), BATCH):
        chunk = fingerprints[start : start + BATCH]
        facts = {fp: _warning_facts(by_fingerprint[fp], resolver, run.as_of) for fp in chunk}
        _store_batch(run=run, hits={fp: by_fingerprint[fp] for fp in chunk}, facts=facts)
    return Warning.objects.filter(first_run=run).count()


def _store_batch(*, run: AnalysisRun, hits: dict, facts: dict[str, dict]) -> None:
    """Store one batch of hits (fingerprint → hit, fingerprint → prepared facts) in one short
    transaction; the warnings it updates are locked, so a decision made meanwhile is kept."""
    now = timezone.now()
    with transaction.atomic():
        existing = {
            w.fingerprint: w
            for w in Warning.objects.select_for_update().filter(fingerprint__in=list(hits))
        }
        fresh = [
            Warning(
                model_id=hit.model_id,
                fingerprint=fp,
                fingerprint_key=hit.fingerprint_key,
                first_run=run,
                last_run=run,
                first_seen=now,
                last_seen=now,
                **facts[fp],
            )
            for fp, hit in hits.items()
            if fp not in existing
        ]
        # ignore_conflicts: a warning raised meanwhile by another run stays the one warning.
        Warning.objects.bulk_create(fresh, batch_size=BATCH, ignore_conflicts=True)
        # ignore_conflicts leaves the new rows without ids: read back the ones this run raised.
        raised = Warning.objects.filter(
            fingerprint__in=[w.fingerprint for w in fresh], first_run=run
        ).values_list("pk", flat=True)
        record_warning_changes(raised, action="analytics.warning.raise")
        if not existing:
            return
        Warning.objects.filter(pk__in=[w.pk for w in existing.values()]).update(
            last_run=run, last_seen=now, gone_run=None
        )
        changed = {w.pk for w in existing.values() if w.gone_run_id is not None}  # found again
        undecided = [w for w in existing.values() if w.status == Warning.Status.NEW]
        for warning in undecided:
            for name, value in facts[warning.fingerprint].items():
                if getattr(warning, name) != value:
                    changed.add(warning.pk)
                setattr(warning, name, value)
        if undecided:
            fields = list(facts[undecided[0].fingerprint])
            Warning.objects.bulk_update(undecided, fields, batch_size=BATCH)
        record_warning_changes(changed, action="analytics.warning.update")
