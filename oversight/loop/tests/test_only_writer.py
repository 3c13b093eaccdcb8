"""The loop is the only writer of its rows: no module outside ``oversight/loop/`` assigns a
``WorkItem`` field, creates or updates an ``Event`` or an ``Attachment`` of the loop, or builds a
``WorkItem`` itself. Modules call the loop's services (``item_open``, ``item_transition``,
``item_adjust``, ``item_comment``, ``attachments_store`` …) instead.

The scan reads the source (module code, not tests: a test may set up a row directly)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

from oversight.loop.models import WorkItem

ROOT = Path(__file__).resolve().parents[2]  # oversight/
LOOP_MODELS = {"WorkItem", "Event", "Attachment"}
WRITES = {"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "update"}
# Names under which modules hold a work item.
ITEMISH_NAMES = {"item", "work_item", "review", "review_item", "parent", "child"}
ITEMISH_ATTRS = {"item", "work_item", "review_item"}

# The demo's after-the-fact timestamp rewriting (matters, public) moves history by queryset
# updates; the ledger issue (15) replaces it with a moved clock. Remove each entry then.
KNOWN: dict[str, str] = {}  # none left: the demo writes its past under a moved clock


def _workitem_fields() -> tuple[set[str], set[str]]:
    """All of WorkItem's field names, and those no other model of the project has."""
    mine = set()
    for f in WorkItem._meta.concrete_fields:
        mine |= {f.name, f.attname}
    others = set()
    for model in apps.get_models():
        if model is WorkItem or not model.__module__.startswith("oversight."):
            continue
        for f in model._meta.concrete_fields:
            others |= {f.name, f.attname}
    return mine, mine - others - {"id", "pk"}


def _loop_names(tree: ast.Module) -> tuple[dict[str, str], set[str]]:
    """Local names bound to the loop's models, and names bound to the loop's models module."""
    names, modules = {}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "oversight.loop.models":
            for alias in node.names:
                if alias.name in LOOP_MODELS:
                    names[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module == "oversight.loop":
            for alias in node.names:
                if alias.name == "models":
                    modules.add(alias.asname or alias.name)
    return names, modules


def _model_of(expr: ast.AST, names: dict[str, str], modules: set[str]) -> str | None:
    """The loop model that ``expr`` (``Event``, ``loop_models.Event``) names, if any."""
    if isinstance(expr, ast.Name):
        return names.get(expr.id)
    if (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and expr.value.id in modules
        and expr.attr in LOOP_MODELS
    ):
        return expr.attr
    return None


def _manager_root(expr: ast.AST, names, modules) -> str | None:
    """For ``Event.objects.filter(...).update``'s receiver, the model at the chain's root."""
    while True:
        if isinstance(expr, ast.Call):
            expr = expr.func
        elif isinstance(expr, ast.Attribute):
            if expr.attr == "objects":
                return _model_of(expr.value, names, modules)
            expr = expr.value
        else:
            return None


def _itemish(expr: ast.AST) -> bool:
    if isinstance(expr, ast.Name):
        return expr.id in ITEMISH_NAMES
    return isinstance(expr, ast.Attribute) and expr.attr in ITEMISH_ATTRS


def violations(source: str, *, fields=None) -> list[str]:
    """What ``source`` writes of the loop's rows, as ``line: what``."""
    all_fields, only_workitem = fields or _workitem_fields()
    tree = ast.parse(source)
    names, modules = _loop_names(tree)
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if not isinstance(target, ast.Attribute):
                continue
            if target.attr in only_workitem or (
                target.attr in all_fields and _itemish(target.value)
            ):
                found.append(f"{node.lineno}: assigns WorkItem.{target.attr}")
        if isinstance(node, ast.Call):
            model = _model_of(node.func, names, modules)
            if model:
                found.append(f"{node.lineno}: builds a {model}")
            elif isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
                model = _manager_root(node.func.value, names, modules)
                if model:
                    found.append(f"{node.lineno}: {model}.objects….{node.func.attr}()")
    return found


def _module_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        parts = relative.split("/")
        if parts[0] == "loop" or "tests" in parts or "migrations" in parts:
            continue
        if parts[-1] in ("conftest.py", "test_settings.py"):
            continue
        yield relative, path


def test_it_finds_no_module_writing_the_loops_rows():
    fields = _workitem_fields()
    found = {}
    for relative, path in _module_files():
        if relative in KNOWN:
            continue
        hits = violations(path.read_text(encoding="utf-8"), fields=fields)
        if hits:
            found[relative] = hits
    assert found == {}, "call the loop's services instead: " + repr(found)


def test_it_keeps_the_known_exceptions_true():
    fields = _workitem_fields()
    for relative, _reason in KNOWN.items():
        path = ROOT / relative
        assert path.exists(), f"{relative} is gone: remove it from KNOWN"
        assert violations(path.read_text(encoding="utf-8"), fields=fields), (
            f"{relative} no longer writes the loop's rows: remove it from KNOWN"
        )


def test_it_catches_each_kind_of_write():
    source = """
from oversight.loop.models import Event as E, WorkItem
from oversight.loop import models as lm

def hook(*, item, event, actor, complaint):
    item.responsible_node = None
    complaint.item.final_deadline = None
    other.light = "red"
    E.objects.create(item=item)
    lm.Attachment(item=item)
    WorkItem.objects.filter(pk=1).update(light="red")
    lm.Event.objects.bulk_create([])
"""
    hits = violations(source)
    assert [hit.split(":")[0] for hit in hits] == ["6", "7", "8", "9", "10", "11", "12"], hits


def test_it_leaves_other_models_alone():
    source = """
from oversight.ledger.models import Event
from oversight.public.models import PowerItem

def save(*, power, complaint):
    power.responsible_node = None
    complaint.unit = None
    Event.objects.create(kind="x")
"""
    assert violations(source) == []
