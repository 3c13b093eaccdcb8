"""System check: every notification kind the code sends is declared in some app's
notifications.py (``notify`` refuses an undeclared kind at run time; this finds it before).

The kinds sent are read from the source of every oversight app (tests excepted): the ``kind``
of a call to ``notify``, ``notify_many``, ``Message`` or a module's ``_notify`` helper, when it is
a string, or a name to which the same function assigns strings
(``recipients, kind = ..., "loop.assigned"``)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps
from django.core import checks

from .kinds import get_kind

SENDERS = {"notify", "notify_many", "Message", "_notify"}


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _strings_assigned(function: ast.AST, name: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == name:
                values = [node.value]
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                values = [
                    value
                    for element, value in zip(target.elts, node.value.elts, strict=False)
                    if isinstance(element, ast.Name) and element.id == name
                ]
            else:
                continue
            found += [
                (v.lineno, v.value)
                for v in values
                if isinstance(v, ast.Constant) and isinstance(v.value, str) and v.value
            ]
    return found


def kinds_sent(source: str) -> list[tuple[int, str]]:
    """(line, kind) of every notification kind ``source`` sends, as far as the source says."""
    tree = ast.parse(source)
    found = []
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Module))]
    for function in functions:
        body = function.body if isinstance(function, ast.Module) else [function]
        for node in (n for part in body for n in ast.walk(part)):
            if not (isinstance(node, ast.Call) and _callee(node) in SENDERS):
                continue
            for keyword in node.keywords:
                if keyword.arg != "kind":
                    continue
                value = keyword.value
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.append((value.lineno, value.value))
                elif isinstance(value, ast.Name) and isinstance(function, ast.FunctionDef):
                    found += _strings_assigned(function, value.id)
    return sorted(set(found))


def _sources():
    for config in apps.get_app_configs():
        if not config.name.startswith("oversight."):
            continue
        root = Path(config.path)
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(root).parts
            if "tests" in parts or "migrations" in parts:
                continue
            text = path.read_text(encoding="utf-8")
            if "kind=" in text:
                yield path, text


@checks.register()
def notification_kinds_declared(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """notify.E001: the code sends a kind of notification that no app declares."""
    errors = []
    for path, source in _sources():
        for line, kind in kinds_sent(source):
            if get_kind(kind) is None:
                errors.append(
                    checks.Error(
                        f"{path.name}:{line} sends the undeclared notification kind {kind!r}.",
                        hint="Declare it in the app's notifications.py (NOTIFICATION_KINDS).",
                        obj=str(path),
                        id="notify.E001",
                    )
                )
    return errors
