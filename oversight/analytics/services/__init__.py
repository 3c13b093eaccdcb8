"""Every write of comparison models, one module per area:

- ``sources``: data sources and their imports (upload, accept, discard);
- ``library``: the library's local settings, officers' own models and their tests;
- ``runs``: starting and cancelling runs;
- ``warnings``: dismissing warnings, the trace of reading evidence;
- ``clues``: turning a warning into a problem clue;
- ``units``: the units of warnings (officers' rules, assigning warnings nothing resolved).

The data files live in the engine's workspace; a service changes the workspace last, just before
its transaction commits, so a refused change leaves both the database and the workspace as they
were. Long work (checking an upload, running the models) is queued as a job once the request's
transaction commits; what the jobs do is in ``analytics.jobs`` (re-exported here), which imports
neither the tasks nor these services, so nothing imports in a circle.

The names are re-exported here, so ``from oversight.analytics import services`` keeps working.
"""

from ..jobs import BATCH, cancel_flag, import_stage, org_cadre_rows, record_hits, run_execute
from .clues import default_supervising_node, warning_to_clue
from .library import (
    model_add,
    model_enable,
    model_params_save,
    model_problems,
    model_test,
    model_update,
)
from .runs import run_cancel, run_start
from .sources import (
    UPLOAD_LABELS,
    UPLOAD_SUFFIXES,
    clean_mapping,
    field_label,
    import_accept,
    import_discard,
    import_from_platform,
    import_map,
    import_start,
    source_save,
)
from .units import unit_rule_delete, unit_rule_save, warning_assign_unit
from .warnings import evidence_viewed, warning_dismiss, warnings_dismiss

__all__ = [
    "BATCH", "UPLOAD_SUFFIXES", "cancel_flag", "clean_mapping", "default_supervising_node",
    "evidence_viewed", "field_label", "import_accept", "import_map", "UPLOAD_LABELS", "import_discard", "import_from_platform", "import_stage",
    "import_start", "model_add", "model_enable", "model_params_save", "model_problems",
    "model_test", "model_update", "org_cadre_rows", "record_hits", "run_cancel", "run_execute",
    "run_start", "source_save", "unit_rule_delete", "unit_rule_save", "warning_assign_unit", "warning_dismiss", "warnings_dismiss",
    "warning_to_clue",
]  # fmt: skip
