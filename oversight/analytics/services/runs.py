"""Runs: queue a run of the models as of a date, and cancel one. The job that runs the models
is ``jobs.run_execute``; it is queued once the request's transaction commits."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.ledger.targets import snapshot
from oversight.orgs.models import Account

from .. import bridge, tasks
from ..jobs import cancel_flag
from ..models import AnalysisRun
from ._common import record, require


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
    require(actor, "analytics:run:start")
    today = timezone.localdate()
    as_of = today if as_of is None else as_of
    if as_of > today:
        later = _("The as-of date cannot be later than today.")
        raise ValidationError({"as_of": ValidationError(later, code="as_of_future")})
    active = list(
        AnalysisRun.objects.select_for_update().filter(
            status__in=[AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING]
        )
    )
    waiting = [r for r in active if r.status == AnalysisRun.Status.QUEUED and r.trigger]
    if len(waiting) < len(active):
        raise ValidationError(
            _("A run is under way; wait for it or cancel it."), code="run_under_way"
        )
    entries = [e for e in bridge.library() if not e.problem]
    if model_ids is None:
        chosen = [e.id for e in entries if e.enabled]
    else:
        known = {e.id for e in entries if e.enabled}
        chosen = [i for i in model_ids if i in known]
    if not chosen:
        raise ValidationError(_("No enabled model to run."), code="no_model")
    run = AnalysisRun.objects.create(started_by=actor, model_ids=chosen, as_of=as_of)
    record(actor, "analytics.run.start", run, models=len(chosen))
    for superseded in waiting:  # runs of new data not started yet: this run reads it all
        before = snapshot(superseded)
        superseded.status, superseded.finished_at = AnalysisRun.Status.CANCELLED, timezone.now()
        superseded.message = _("Not needed: run #%(n)d compares all the data.") % {"n": run.pk}
        superseded.save()
        record(actor, "analytics.run.cancel", superseded, before, superseded_by=run.pk)
    if background:
        transaction.on_commit(lambda: tasks.run_models(run.pk))
    return run


def changes_run(*, run, actor: Account, background: bool = True) -> AnalysisRun | None:
    """Queue a run of what an accepted import changed (``run``: the :class:`ImportRun`): the
    enabled models reading its kind, as of today, comparing only its new, changed and removed
    rows against everything else. Behind a run under way it waits, and starts when that one
    ends. None when no enabled model reads the data. Called inside the accept's transaction."""
    kind = run.source.kind
    chosen = [
        e.id for e in bridge.library() if not e.problem and e.enabled and kind in e.model.datasets
    ]
    if not chosen:
        return None
    busy = (
        AnalysisRun.objects.select_for_update()
        .filter(status__in=[AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING])
        .exists()
    )
    trigger = {"source": run.source.name, "from_version": run.version - 1,
               "to_version": run.version, "import": run.pk}  # fmt: skip
    changes = AnalysisRun.objects.create(
        started_by=actor, model_ids=chosen, as_of=timezone.localdate(), trigger=trigger
    )
    record(actor, "analytics.run.start", changes, models=len(chosen), trigger=trigger)
    if background and not busy:
        transaction.on_commit(lambda: tasks.run_models(changes.pk))
    return changes


@transaction.atomic
def run_cancel(*, run: AnalysisRun, actor: Account) -> AnalysisRun:
    """Stop a run: a queued run never starts; a running one stops at once, keeping what the
    models done so far found. Asking twice ends a run whose job has gone away."""
    require(actor, "analytics:run:start")
    run = AnalysisRun.objects.select_for_update().get(pk=run.pk)
    if not run.is_active:
        raise ValidationError(_("The run is over already."), code="run_over")
    before = snapshot(run)
    if run.status == AnalysisRun.Status.QUEUED or run.cancel_requested:
        run.status, run.finished_at = AnalysisRun.Status.CANCELLED, timezone.now()
    run.cancel_requested = True
    run.save()
    cancel_flag(run.pk).touch()
    record(actor, "analytics.run.cancel", run, before)
    return run
