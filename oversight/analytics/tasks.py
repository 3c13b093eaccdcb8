"""Jobs of comparison models: checking an upload, and running the models. Each task calls the
worker's service in ``jobs`` (which imports no task), so the services may queue these tasks on
commit without an import circle."""

from huey.contrib.djhuey import db_task

from . import jobs


@db_task()
def stage_import(run_id: int) -> None:
    """Validate an uploaded file into a staged import (see ``jobs.import_stage``)."""
    jobs.import_stage(run_id=run_id)


@db_task()
def run_models(run_id: int) -> None:
    """Run the models of a queued run and record its warnings (see ``jobs.run_execute``)."""
    jobs.run_execute(run_id=run_id)
