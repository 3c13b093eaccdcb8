"""The score engine of political-ecology portraits: plain Python, no Django, no database.

An indicator tree is a list of ``Node``s; a node's ``weight`` is its points, its children's
weights add up to it, and a leaf carries a typed scoring rule. A leaf's rule turns the leaf's raw
value (a measure's figure, a survey's mean answer, raters' scores) into the share (0–1) of the
leaf's points it earns; a node's points are its applicable children's points scaled to its own
weight (items that do not apply to a unit's type drop out and the others fill their place); the
total is the points of the top level over their weights, in points out of 100.

Rules (``params`` keys in brackets):

- ``all_or_nothing``: full points when the value reaches ``target`` (``at_most``: when it stays
  at or under it), else none.
- ``per_occurrence``: ``per`` points for each occurrence, capped at the leaf's points.
- ``deduction``: the leaf's points less ``per`` for each instance, never below zero.
- ``threshold``: full points up to ``threshold``, then ``slope`` points off per unit above it.
- ``linear``: none at ``zero``, full at ``full`` (either order), straight in between.
- ``rank``: the value's rank among the peers of the round (``higher_is_better``, default true):
  first gets full points, last none, evenly between.
- ``average``: the mean of the raters' scores (or one survey's mean), each 0–100.
- ``veto`` (一票否决): the leaf scores nothing by itself; any occurrence caps the total at
  ``cap`` (default 0).
- ``expression``: a formula over ``value``, ``points`` and the params, evaluated by a small
  sandbox (numbers, + - * / // % **, comparisons, ``and``/``or``/``not``, ``x if c else y``,
  ``min``/``max``/``abs``/``round``) — never Python's ``eval``. Its result, in points, is held
  within ``[0, points]``.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

ALL_OR_NOTHING = "all_or_nothing"
PER_OCCURRENCE = "per_occurrence"
DEDUCTION = "deduction"
THRESHOLD = "threshold"
LINEAR = "linear"
RANK = "rank"
AVERAGE = "average"
VETO = "veto"
EXPRESSION = "expression"
RULES = (
    ALL_OR_NOTHING,
    PER_OCCURRENCE,
    DEDUCTION,
    THRESHOLD,
    LINEAR,
    RANK,
    AVERAGE,
    VETO,
    EXPRESSION,
)

# The params each rule needs (a missing one is refused when the indicator is saved).
REQUIRED = {
    ALL_OR_NOTHING: ("target",),
    PER_OCCURRENCE: ("per",),
    DEDUCTION: ("per",),
    THRESHOLD: ("threshold", "slope"),
    LINEAR: ("zero", "full"),
    RANK: (),
    AVERAGE: (),
    VETO: (),
    EXPRESSION: ("formula",),
}

TOTAL = 100.0


class RuleError(ValueError):
    """A rule's params (or formula) cannot be used; the message says which, ``code`` says what
    kind of problem (``required``, ``number``, ``positive``, ``negative``, ``differ``, ``cap``,
    ``formula``) and ``param`` which setting."""

    def __init__(self, message: str, *, code: str = "formula", param: str = "formula"):
        super().__init__(message)
        self.code = code
        self.param = param


# --- the sandbox for formulas ------------------------------------------------------------------

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
    ast.Pow: lambda a, b: a**b,
}
_COMPARE = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}
_FUNCTIONS = {"min": min, "max": max, "abs": abs, "round": round}
MAX_FORMULA = 500


def formula_check(formula: str, names: Iterable[str] = ()) -> ast.Expression:
    """The formula parsed and checked: only numbers, the given names, arithmetic, comparisons
    and the allowed functions. ``RuleError`` names what is not allowed."""
    if not formula or not formula.strip():
        raise RuleError("the formula is empty")
    if len(formula) > MAX_FORMULA:
        raise RuleError(f"the formula is longer than {MAX_FORMULA} characters")
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as exc:
        raise RuleError(f"the formula cannot be read: {exc.msg}") from None
    allowed = {"value", "points", *names}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in allowed and node.id not in _FUNCTIONS:
                raise RuleError(f"unknown name {node.id!r} in the formula")
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
                raise RuleError("only min, max, abs and round may be called")
            if node.keywords:
                raise RuleError("functions take no named arguments here")
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise RuleError("only numbers may be written in a formula")
        elif not isinstance(
            node,
            ast.Expression
            | ast.BinOp
            | ast.UnaryOp
            | ast.BoolOp
            | ast.Compare
            | ast.IfExp
            | ast.Load
            | ast.operator
            | ast.unaryop
            | ast.boolop
            | ast.cmpop,
        ):
            raise RuleError(f"{type(node).__name__} is not allowed in a formula")
        if isinstance(node, ast.BinOp) and type(node.op) not in _BINARY:
            raise RuleError("only + - * / // % ** are allowed")
        if isinstance(node, ast.Compare) and any(type(op) not in _COMPARE for op in node.ops):
            raise RuleError("only < <= > >= == != compare")
    return tree


def _evaluate(node: ast.AST, names: Mapping[str, float]) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, names)
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return float(names[node.id])
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, names)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(node.op, ast.Not):
            return float(not operand)
        raise RuleError("unknown operator")
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, names), _evaluate(node.right, names)
        if isinstance(node.op, ast.Pow) and (abs(right) > 10 or abs(left) > 1e6):
            raise RuleError("a power is limited to exponents up to 10")
        try:
            return float(_BINARY[type(node.op)](left, right))
        except ZeroDivisionError:
            raise RuleError("the formula divides by zero") from None
    if isinstance(node, ast.BoolOp):
        values = [_evaluate(v, names) for v in node.values]
        if isinstance(node.op, ast.And):
            return float(all(values))
        return float(any(values))
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, names)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(comparator, names)
            if not _COMPARE[type(op)](left, right):
                return 0.0
            left = right
        return 1.0
    if isinstance(node, ast.IfExp):
        if _evaluate(node.test, names):
            return _evaluate(node.body, names)
        return _evaluate(node.orelse, names)
    if isinstance(node, ast.Call):
        args = [_evaluate(a, names) for a in node.args]
        if not args:
            raise RuleError(f"{node.func.id} needs an argument")
        return float(_FUNCTIONS[node.func.id](*args))
    raise RuleError(f"{type(node).__name__} is not allowed in a formula")


def formula_value(formula: str, *, value: float, points: float, params: Mapping) -> float:
    """The formula's result for ``value`` (in points, not yet held within the leaf's)."""
    numbers = {k: float(v) for k, v in params.items() if _is_number(v)}
    tree = formula_check(formula, numbers)
    result = _evaluate(tree, {**numbers, "value": value, "points": points})
    if math.isnan(result) or math.isinf(result):
        raise RuleError("the formula gives no number")
    return result


def _is_number(v) -> bool:
    return isinstance(v, int | float | Decimal) and not isinstance(v, bool)


# --- rules ------------------------------------------------------------------------------------


def params_check(rule: str, params: Mapping) -> None:
    """Refuse params a rule cannot use (``RuleError`` names the param)."""
    if rule not in RULES:
        raise RuleError(f"unknown rule {rule!r}", code="rule", param="rule")
    for name in REQUIRED[rule]:
        if name not in params or params[name] in ("", None):
            raise RuleError(f"the rule needs {name!r}", code="required", param=name)
    for name, value in params.items():
        if name in ("formula", "at_most", "higher_is_better"):
            continue
        if not _is_number(value):
            raise RuleError(f"{name!r} must be a number", code="number", param=name)
    if rule in (PER_OCCURRENCE, DEDUCTION) and params["per"] <= 0:
        raise RuleError("'per' must be more than zero", code="positive", param="per")
    if rule == THRESHOLD and params["slope"] < 0:
        raise RuleError("'slope' cannot be negative", code="negative", param="slope")
    if rule == LINEAR and params["zero"] == params["full"]:
        raise RuleError("'zero' and 'full' must differ", code="differ", param="full")
    if rule == VETO and not 0 <= params.get("cap", 0) <= TOTAL:
        raise RuleError("'cap' lies between 0 and 100", code="cap", param="cap")
    if rule == EXPRESSION:
        numbers = [k for k, v in params.items() if _is_number(v)]
        formula_check(str(params["formula"]), numbers)


def _clamp(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def share(rule: str, params: Mapping, value, points: float, *, rank: tuple[int, int] = (1, 1)):
    """The share (0–1) of ``points`` a leaf earns for ``value`` (None: no value, so nothing).

    ``rank`` is (the value's rank, the number of peers) for the ``rank`` rule."""
    if rule == VETO:
        return 1.0  # a veto costs no points of its own: it caps the total
    if rule == AVERAGE:
        values = [float(v) for v in value] if isinstance(value, list | tuple) else [value]
        values = [v for v in values if v is not None]
        if not values:
            return 0.0
        return _clamp(sum(values) / len(values) / 100.0)
    if value is None:
        return 0.0
    value = float(value)
    p = {k: float(v) for k, v in params.items() if _is_number(v)}
    if rule == ALL_OR_NOTHING:
        if params.get("at_most"):
            return 1.0 if value <= p["target"] else 0.0
        return 1.0 if value >= p["target"] else 0.0
    if points <= 0:
        return 0.0
    if rule == PER_OCCURRENCE:
        return _clamp(max(value, 0) * p["per"] / points)
    if rule == DEDUCTION:
        return _clamp(1 - max(value, 0) * p["per"] / points)
    if rule == THRESHOLD:
        return _clamp(1 - max(value - p["threshold"], 0) * p["slope"] / points)
    if rule == LINEAR:
        return _clamp((value - p["zero"]) / (p["full"] - p["zero"]))
    if rule == RANK:
        position, peers = rank
        return 1.0 if peers <= 1 else _clamp((peers - position) / (peers - 1))
    if rule == EXPRESSION:
        return _clamp(
            formula_value(params["formula"], value=value, points=points, params=p) / points
        )
    raise RuleError(f"unknown rule {rule!r}")


def vetoes(rule: str, value) -> bool:
    """Whether a veto leaf's value vetoes (any occurrence)."""
    return rule == VETO and value is not None and float(value) > 0


# --- trees ------------------------------------------------------------------------------------


@dataclass
class Node:
    """An indicator: a leaf when it has a rule, else a branch of its children."""

    id: int
    weight: float
    children: list[Node] = field(default_factory=list)
    rule: str = ""
    params: dict = field(default_factory=dict)
    unit_types: Sequence[str] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def applies(self, unit_type: str | None) -> bool:
        return not self.unit_types or unit_type is None or unit_type in self.unit_types


@dataclass
class Result:
    """One subject's scores: the total (out of 100), each node's points and lost points, and the
    vetoes that capped the total."""

    total: float
    points: dict[int, float]
    weights: dict[int, float]
    vetoed_by: list[int] = field(default_factory=list)

    def lost(self, node_id: int) -> float:
        return self.weights[node_id] - self.points[node_id]

    def percent(self, node_id: int) -> float:
        w = self.weights[node_id]
        return 100.0 * self.points[node_id] / w if w else 0.0


def walk(nodes: Iterable[Node]) -> Iterable[Node]:
    for n in nodes:
        yield n
        yield from walk(n.children)


def weight_problems(roots: Sequence[Node], unit_types: Iterable[str | None] = (None,)) -> list:
    """Where weights do not add up, as (node id or None for the top, unit type, expected,
    found): the top level adds up to 100, each branch's applicable children to its weight —
    for each unit type given (``None``: every item; ``""``: units of a type no item is limited
    to)."""
    problems: list = []
    for unit_type in unit_types:
        _check_weights(None, TOTAL, list(roots), unit_type, problems)
    return problems


def _check_weights(parent_id, expected: float, children, unit_type, problems: list) -> None:
    found = sum(c.weight for c in children if c.applies(unit_type))
    if children and abs(found - expected) > 1e-6:
        problems.append((parent_id, unit_type, expected, found))
    for c in children:
        if c.applies(unit_type) and c.children:
            _check_weights(c.id, c.weight, c.children, unit_type, problems)


def _score(
    nodes: Sequence[Node],
    weight: float,
    values: Mapping,
    unit_type,
    ranks: Mapping,
    result: Result,
) -> float:
    """Points of ``nodes`` scaled to ``weight``; fills ``result``."""
    applicable = [n for n in nodes if n.applies(unit_type)]
    total_weight = sum(n.weight for n in applicable)
    earned = 0.0
    for n in applicable:
        if n.is_leaf:
            value = values.get(n.id)
            got = n.weight * share(n.rule, n.params, value, n.weight, rank=ranks.get(n.id, (1, 1)))
            if vetoes(n.rule, value):
                result.vetoed_by.append(n.id)
        else:
            got = _score(n.children, n.weight, values, unit_type, ranks, result)
        result.points[n.id] = got
        result.weights[n.id] = n.weight
        earned += got
    if not total_weight:
        return 0.0
    return earned * weight / total_weight


def rank_positions(values: Mapping, higher_is_better: bool = True) -> dict:
    """``{subject: (rank, peers)}``: equal values share the better rank (1, 1, 3)."""
    present = {k: float(v) for k, v in values.items() if v is not None}
    ordered = sorted(present.values(), reverse=higher_is_better)
    first = {}
    for i, v in enumerate(ordered, start=1):
        first.setdefault(v, i)
    peers = len(present)
    return {k: (first[v], peers) for k, v in present.items()} | {
        k: (peers + 1, peers + 1) for k, v in values.items() if v is None
    }


def score_all(
    roots: Sequence[Node], subjects: Mapping, unit_types: Mapping | None = None
) -> dict[object, Result]:
    """Score every subject: ``subjects`` is ``{subject: {leaf id: value}}``; ``unit_types``
    ``{subject: type}`` drops the items that do not apply. Rank rules rank each subject among
    all subjects given (so pass the peers of one type together)."""
    unit_types = unit_types or {}
    ranks: dict = {s: {} for s in subjects}
    for leaf in walk(roots):
        if leaf.is_leaf and leaf.rule == RANK:
            higher = leaf.params.get("higher_is_better", True) not in (False, "false", 0)
            positions = rank_positions(
                {s: values.get(leaf.id) for s, values in subjects.items()}, higher
            )
            for s, pos in positions.items():
                ranks[s][leaf.id] = pos
    results = {}
    for subject, values in subjects.items():
        result = Result(total=0.0, points={}, weights={})
        total = _score(roots, TOTAL, values, unit_types.get(subject), ranks[subject], result)
        if result.vetoed_by:
            caps = [float(n.params.get("cap", 0)) for n in walk(roots) if n.id in result.vetoed_by]
            total = min(total, min(caps))
        result.total = total
        results[subject] = result
    return results


def ranks_of(totals: Mapping) -> dict:
    """Each subject's rank by total (1 the best; equal totals share a rank)."""
    return {k: pos for k, (pos, _) in rank_positions(dict(totals), True).items()}
