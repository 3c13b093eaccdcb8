"""The kinds of work item, declared by modules in their ``workflows.py``."""

from __future__ import annotations

from oversight.core.discovery import declaring_modules

from .workflow import Workflow

WORKFLOWS: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    """Declare a kind once; a second declaration of the same kind is an error."""
    if workflow.kind in WORKFLOWS and WORKFLOWS[workflow.kind] is not workflow:
        raise ValueError(f"work item kind {workflow.kind} declared twice")
    WORKFLOWS[workflow.kind] = workflow
    return workflow


def get(kind: str) -> Workflow:
    return WORKFLOWS[kind]


def autodiscover() -> None:
    """Import every app's ``workflows.py``, whose kinds ``register`` themselves."""
    for _config, _module in declaring_modules("workflows"):
        pass


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, str(w.label)) for kind, w in sorted(WORKFLOWS.items())]
