"""Typed scoring rules of duty items: what an item's parameters mean, how they are checked, and
the points a value earns under each rule.

A rule turns a *value* into points within the item's points:

- ``points``: the supervisor gives the points themselves (no value).
- ``all_or_nothing``: value 1 (done as required) earns every point, 0 none.
- ``per_occurrence``: ``per`` points for each occurrence, up to ``cap`` (default: the points).
- ``deduction``: the points less ``per`` for each instance, never below 0.
- ``threshold``: nothing below ``threshold``; from it, ``base`` plus ``slope`` per unit above
  it, up to the points.
- ``rank``: points by the unit's rank among the units of its type on the value (higher is
  better unless ``lower_is_better``): ``table`` gives the points of the 1st, 2nd, … (ranks past
  its end earn its last entry); without a table, the first earns every point and the last none,
  evenly between.
- ``average``: the mean of the points several raters gave (at least ``raters`` of them).
- ``veto`` (一票否决): worth no points; a value above 0 (a case of the vetoed kind) makes the
  unit's whole score 0.

An item computed from a measure (``DutyItem.measure``) takes the measure's figure for the unit
over the list's year as its value; the rules that read a value apply to it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

POINTS = "points"
ALL_OR_NOTHING = "all_or_nothing"
PER_OCCURRENCE = "per_occurrence"
DEDUCTION = "deduction"
THRESHOLD = "threshold"
RANK = "rank"
AVERAGE = "average"
VETO = "veto"

# The rules whose points follow from a value (given by the supervisor or read from a measure).
VALUED = {ALL_OR_NOTHING, PER_OCCURRENCE, DEDUCTION, THRESHOLD, RANK, VETO}
# The rules an item computed from a measure may use.
MEASURABLE = {PER_OCCURRENCE, DEDUCTION, THRESHOLD, RANK, VETO}
# Parameters of each rule: name -> required.
PARAMS: dict[str, dict[str, bool]] = {
    POINTS: {},
    ALL_OR_NOTHING: {},
    PER_OCCURRENCE: {"per": True, "cap": False},
    DEDUCTION: {"per": True},
    THRESHOLD: {"threshold": True, "slope": True, "base": False},
    RANK: {"table": False, "lower_is_better": False},
    AVERAGE: {"raters": False},
    VETO: {},
}
CENT = Decimal("0.01")


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def clean_params(rule: str, params: dict | None, points: Decimal | None) -> dict:
    """``params`` checked for ``rule`` (numbers as strings, as JSON keeps them exactly); a
    ``ValidationError`` (code ``invalid``) names every parameter that is wrong."""
    params = dict(params or {})
    known = PARAMS.get(rule, {})
    problems: list[str] = []
    unknown = sorted(set(params) - set(known))
    if unknown:
        problems.append(
            _("%(rule)s takes no parameter %(names)s.")
            % {"rule": rule, "names": ", ".join(unknown)}
        )
    clean: dict = {}
    for name, required in known.items():
        raw = params.get(name)
        if raw in (None, "", []):
            if required:
                problems.append(_("%(name)s is required for this rule.") % {"name": name})
            continue
        if name == "table":
            values = raw if isinstance(raw, list) else str(raw).replace("，", ",").split(",")
            table = [_decimal(v) for v in values if str(v).strip()]
            if not table or any(v is None or v < 0 for v in table):
                problems.append(_("table: give the points of each rank, e.g. 10, 8, 6."))
            elif points is not None and any(v > points for v in table):
                problems.append(_("table: no rank earns more than the item's points."))
            elif any(a < b for a, b in zip(table, table[1:], strict=False)):
                problems.append(_("table: a better rank never earns fewer points."))
            else:
                clean[name] = [f"{v:f}" for v in table]
            continue
        if name == "lower_is_better":
            clean[name] = raw in (True, "1", "true", "yes", "on")
            continue
        number = _decimal(raw)
        if number is None:
            problems.append(_("%(name)s: give a number.") % {"name": name})
            continue
        if name in ("per", "slope", "cap", "raters") and number <= 0:
            problems.append(_("%(name)s: give a number above 0.") % {"name": name})
            continue
        if name == "raters" and number != number.to_integral_value():
            problems.append(_("raters: give a whole number."))
            continue
        if name in ("cap", "base") and points is not None and number > points:
            problems.append(
                _("%(name)s: no more than the item's points (%(points)s).")
                % {"name": name, "points": points}
            )
            continue
        clean[name] = f"{number:f}" if name != "raters" else int(number)
    if problems:
        raise ValidationError({"params": [ValidationError(p, code="invalid") for p in problems]})
    return clean


def param(params: dict, name: str, default=None) -> Decimal | None:
    value = params.get(name)
    return default if value is None else Decimal(str(value))


def check_value(rule: str, value) -> Decimal:
    """The value a supervisor gives for ``rule``, checked (``ValidationError`` on ``value``)."""
    number = _decimal(value)
    if number is None:
        raise ValidationError(
            {"value": ValidationError(_("Give the value this item is scored on."), code="required")}
        )
    if number < 0:
        raise ValidationError(
            {"value": ValidationError(_("The value is 0 or more."), code="negative")}
        )
    if rule in (ALL_OR_NOTHING, VETO) and number not in (0, 1):
        raise ValidationError(
            {"value": ValidationError(_("Give 1 (yes) or 0 (no)."), code="not_yes_or_no")}
        )
    if rule in (PER_OCCURRENCE, DEDUCTION) and number != number.to_integral_value():
        raise ValidationError(
            {"value": ValidationError(_("Count whole occurrences."), code="not_whole")}
        )
    return number


def points_for(rule: str, params: dict, points: Decimal, value: Decimal) -> Decimal:
    """The points ``value`` earns under ``rule`` (not for ``rank``, ``average``, ``veto`` or
    ``points``, which need more than one value)."""
    value = Decimal(value)
    if rule == ALL_OR_NOTHING:
        earned = points if value > 0 else Decimal(0)
    elif rule == PER_OCCURRENCE:
        cap = min(param(params, "cap", points), points)
        earned = min(value * param(params, "per"), cap)
    elif rule == DEDUCTION:
        earned = max(points - value * param(params, "per"), Decimal(0))
    elif rule == THRESHOLD:
        threshold = param(params, "threshold")
        if value < threshold:
            earned = Decimal(0)
        else:
            base = param(params, "base", Decimal(0))
            earned = min(base + (value - threshold) * param(params, "slope"), points)
    else:
        raise ValueError(f"the rule {rule} does not score one value")
    return max(earned, Decimal(0)).quantize(CENT)


def rank_points(params: dict, points: Decimal, rank: int, count: int) -> Decimal:
    """The points of the ``rank``-th of ``count`` units."""
    table = params.get("table")
    if table:
        table = [Decimal(str(v)) for v in table]
        return table[min(rank, len(table)) - 1].quantize(CENT)
    if count <= 1:
        return points.quantize(CENT)
    return (points * (count - rank) / (count - 1)).quantize(CENT)


def ranks(values: dict, *, lower_is_better: bool = False) -> dict:
    """Competition ranks (1, 2, 2, 4) of ``values`` ({key: number})."""
    ordered = sorted(values.items(), key=lambda kv: kv[1], reverse=not lower_is_better)
    result, previous, rank = {}, None, 0
    for n, (key, value) in enumerate(ordered, 1):
        if value != previous:
            rank, previous = n, value
        result[key] = rank
    return result


def average(scores: list[Decimal]) -> tuple[Decimal, Decimal]:
    """The mean of several raters' points and their spread (highest less lowest)."""
    mean = (sum(scores, Decimal(0)) / len(scores)).quantize(CENT)
    return mean, (max(scores) - min(scores)).quantize(CENT)
