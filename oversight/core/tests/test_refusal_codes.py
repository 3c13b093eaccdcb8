"""Every refusal carries a code, so a caller (and a test) can tell which refusal it got:
``ValidationError(message, code=...)`` (a field's error coded inside the dict:
``ValidationError({"field": ValidationError(message, code=...)})``), and ``TransitionRefused``
with its code. Analytics is outside this rule for now.

An aggregate (``ValidationError(errors)`` of errors built before) passes the scan; the errors it
gathers are coded where they are built, which the scan sees as calls of their own."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # oversight/
REFUSALS = {"ValidationError", "DuplicateSubmission", "TransitionRefused"}
EXCEPTED_APPS = {"analytics"}


def _is_refusal(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in REFUSALS


def _coded(call: ast.Call) -> bool:
    return any(keyword.arg == "code" for keyword in call.keywords)


def _aggregate(node: ast.AST) -> bool:
    """Errors gathered before (a name), or coded errors made in place."""
    if isinstance(node, ast.Name):
        return True
    if isinstance(node, ast.Call):
        return _is_refusal(node) and _coded(node)
    if isinstance(node, ast.Dict):
        return all(_aggregate(value) for value in node.values)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(_aggregate(element) for element in node.elts)
    if isinstance(node, ast.ListComp):
        return _aggregate(node.elt)
    return False


def uncoded(source: str) -> list[int]:
    """Lines of ``source`` where a refusal is made without a code."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _is_refusal(node) and not _coded(node):
            if not (node.args and _aggregate(node.args[0])):
                lines.append(node.lineno)
    return sorted(lines)


def test_it_finds_every_refusal_coded():
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in EXCEPTED_APPS or "tests" in parts or "migrations" in parts:
            continue
        lines = uncoded(path.read_text(encoding="utf-8"))
        if lines:
            found[str(path.relative_to(ROOT))] = lines
    assert found == {}


def test_it_tells_a_coded_refusal_from_an_uncoded_one():
    source = """
raise ValidationError("bad", code="bad")
raise ValidationError({"title": ValidationError("bad", code="required")})
raise ValidationError(errors)
raise ValidationError([ValidationError(e, code="row") for e in errors])
raise TransitionRefused("no", code="not_allowed")
raise ValidationError("bad")
raise forms.ValidationError({"title": "bad"})
raise TransitionRefused("no")
"""
    assert uncoded(source) == [7, 8, 9]
