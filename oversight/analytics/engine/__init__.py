"""The comparison-model engine (大数据比对): plain Python over DuckDB, and Spark beyond one machine.

It imports nothing from Django; the ``oversight.analytics`` app wraps it. The public API:

- data: :class:`Workspace` (sources, saved mappings, versions), :meth:`Workspace.stage` →
  :class:`ImportReport` (every rejected row with its reason) → ``accept()`` or ``discard()``;
  :data:`DATASET_KINDS` are the schema contracts.
- models: :func:`load_library` (the built-in models), :class:`Model` (``from_text``,
  ``from_files``, ``with_params``), :func:`validate_model`.
- runs: :class:`Runner` (``run``, ``cancel``, ``test_model``) → :class:`RunResult` of
  :class:`Hit`; ``known_fingerprints`` marks hits raised before; :class:`HitStore` keeps them
  when the caller has no database; ``spark.SparkRunner`` runs the same models on Spark.
"""

from .contracts import DATASET_KINDS, Column, DatasetKind, dataset_kind
from .hits import Evidence, Hit, HitStore, fingerprint
from .importer import REASONS, ImportFailed, ImportReport, Rejection, preview
from .models import Model, ModelInvalid, load_library, load_models, validate_model
from .runner import ModelRun, ModelTest, Progress, Runner, RunResult
from .workspace import DatasetVersion, Source, Workspace, WorkspaceError

__all__ = [
    "DATASET_KINDS",
    "REASONS",
    "Column",
    "DatasetKind",
    "DatasetVersion",
    "Evidence",
    "Hit",
    "HitStore",
    "ImportFailed",
    "ImportReport",
    "Model",
    "ModelInvalid",
    "ModelRun",
    "ModelTest",
    "Progress",
    "Rejection",
    "RunResult",
    "Runner",
    "Source",
    "Workspace",
    "WorkspaceError",
    "dataset_kind",
    "fingerprint",
    "load_library",
    "load_models",
    "preview",
    "validate_model",
]
