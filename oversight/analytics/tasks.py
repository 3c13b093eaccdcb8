"""Jobs of comparison models: checking an upload, and running the models. Both record their
outcome on their row, whatever happens, so a page polling the row always learns the end."""

from huey.contrib.djhuey import db_task

from . import services


@db_task()
def stage_import(run_id: int) -> None:
    """Validate an uploaded file into a staged import (see ``services.import_stage``)."""
    services.import_stage(run_id=run_id)


@db_task()
def run_models(run_id: int) -> None:
    """Run the models of a queued run and record its warnings (see ``services.run_execute``)."""
    services.run_execute(run_id=run_id)
