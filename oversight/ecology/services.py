"""Writes of political-ecology evaluation: indicator systems and their indicators. Every write
is one transaction with its ledger leaf (systems and indicators are traced rows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from oversight.core import measure_registry
from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode

from . import scoring
from .models import Indicator, IndicatorSystem

FIRST_YEAR, LAST_YEAR = 2000, 2100
EDIT = "ecology:system:edit"


def _require(actor, code: str) -> None:
    if not has_perm(actor, code):
        raise PermissionDenied(_("Your role does not do this."))


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _record(actor, action: str, row, before=None, details=None) -> None:
    ledger.record(
        actor=actor, action=action, target=row, before=before, after=snapshot(row), details=details
    )


def system_in_use(system: IndicatorSystem) -> bool:
    """A system that scored a round no longer changes (its portraits keep it)."""
    rounds = getattr(system, "rounds", None)
    return rounds is not None and rounds.exists()


def _editable(system: IndicatorSystem) -> None:
    if system_in_use(system):
        raise ValidationError(
            _(
                "This system has scored an evaluation round: it no longer changes. Copy it to "
                "a new year to change it."
            ),
            code="in_use",
        )


@transaction.atomic
def system_create(
    *, actor: Account, subject: str, year: int, title: str, owner_node: OrgNode
) -> IndicatorSystem:
    """A new, empty indicator system of ``subject`` for ``year``."""
    _require(actor, EDIT)
    title = (title or "").strip()
    if not title:
        raise _refuse("title", _("A title is required."), "required")
    if subject not in IndicatorSystem.Subject.values:
        raise _refuse("subject", _("Choose what the system evaluates."), "invalid")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _refuse(
            "year",
            _("The year lies between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            "out_of_range",
        )
    if IndicatorSystem.objects.filter(
        owner_node=owner_node, subject=subject, year=year, title=title
    ).exists():
        raise _refuse("title", _("This year already has a system with that title."), "exists")
    system = IndicatorSystem.objects.create(
        subject=subject, year=year, title=title, owner_node=owner_node, created_by=actor
    )
    _record(actor, "ecology.system.create", system)
    return system


def _rule_refusal(error: scoring.RuleError) -> ValidationError:
    """A rule's refusal, in the user's language, on the field of the setting it names."""
    name = error.param
    messages = {
        "required": _("This rule needs the setting “%(name)s”."),
        "number": _("The setting “%(name)s” must be a number."),
        "positive": _("The setting “%(name)s” must be more than zero."),
        "negative": _("The setting “%(name)s” cannot be negative."),
        "differ": _("The points-zero and full-points bounds must differ."),
        "cap": _("The veto's cap lies between 0 and 100 points."),
        "rule": _("Choose a scoring rule."),
    }
    if error.code == "formula":
        message = _(
            "The formula cannot be used (%(detail)s). Write numbers, value, points, the rule's "
            "settings, + - * / and min, max, abs, round."
        ) % {"detail": str(error)}
        return _refuse("formula", message, "formula")
    field = name if name in PARAM_FIELDS else "rule"
    return _refuse(field, messages[error.code] % {"name": name}, f"param_{error.code}")


# The rule settings the forms offer (``params`` keys).
PARAM_FIELDS = (
    "target",
    "at_most",
    "per",
    "threshold",
    "slope",
    "zero",
    "full",
    "higher_is_better",
    "cap",
    "formula",
)


def _clean_params(rule: str, params: Mapping) -> dict:
    """The settings the rule uses, as JSON numbers; refusals name the setting."""
    used = set(scoring.REQUIRED[rule]) | {
        scoring.ALL_OR_NOTHING: {"at_most"},
        scoring.RANK: {"higher_is_better"},
        scoring.VETO: {"cap"},
    }.get(rule, set())
    if rule == scoring.EXPRESSION:
        used |= {k for k in params if k not in PARAM_FIELDS}
    cleaned = {}
    for key in sorted(used):
        value = params.get(key)
        if value in (None, ""):
            continue
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        cleaned[key] = value
    try:
        scoring.params_check(rule, cleaned)
    except scoring.RuleError as exc:
        raise _rule_refusal(exc) from None
    return cleaned


@transaction.atomic
def indicator_add(
    *,
    actor: Account,
    system: IndicatorSystem,
    title: str,
    weight: Decimal,
    parent: Indicator | None = None,
    code: str = "",
    source: str = "",
    measure_id: str = "",
    survey_aspect: str = "",
    rater_role: str = "",
    rule: str = "",
    params: Mapping | None = None,
    unit_types: Sequence[str] = (),
) -> Indicator:
    """Add an indicator under ``parent`` (or at the top). With a ``rule`` it is a leaf and needs
    its source: a registered measure, a survey aspect, or a manual rating by a named role. A
    leaf takes no children."""
    _require(actor, EDIT)
    _editable(system)
    title = (title or "").strip()
    errors: dict[str, ValidationError] = {}
    if not title:
        errors["title"] = ValidationError(_("A title is required."), code="required")
    if weight is None or weight <= 0:
        errors["weight"] = ValidationError(_("The points must be more than zero."), code="weight")
    elif weight > scoring.TOTAL:
        errors["weight"] = ValidationError(
            _("An indicator weighs at most 100 points."), code="weight"
        )
    if parent is not None and parent.system_id != system.pk:
        errors["parent"] = ValidationError(
            _("The indicator above belongs to another system."), code="other_system"
        )
    elif parent is not None and parent.is_leaf:
        errors["parent"] = ValidationError(
            _("“%(title)s” is scored by its own rule: it takes no indicators under it.")
            % {"title": parent.title},
            code="leaf_parent",
        )
    cleaned: dict = {}
    if rule:
        if rule not in Indicator.Rule.values:
            errors["rule"] = ValidationError(_("Choose a scoring rule."), code="invalid")
        else:
            try:
                cleaned = _clean_params(rule, params or {})
            except ValidationError as exc:
                errors.update(exc.error_dict)
        if source == Indicator.Source.MEASURE:
            measure_registry.autodiscover()
            if measure_id not in measure_registry.MEASURES:
                errors["measure_id"] = ValidationError(
                    _("Choose a measure of the catalogue."), code="unknown_measure"
                )
        elif source == Indicator.Source.SURVEY:
            if system.subject == IndicatorSystem.Subject.SURVEY:
                errors["source"] = ValidationError(
                    _("A democratic-evaluation system is answered by the survey itself."),
                    code="invalid",
                )
            elif not survey_aspect.strip():
                errors["survey_aspect"] = ValidationError(
                    _("Name the aspect of the democratic evaluation."), code="required"
                )
        elif source == Indicator.Source.MANUAL:
            if not rater_role.strip():
                errors["rater_role"] = ValidationError(
                    _("Name the role that rates this indicator."), code="required"
                )
        else:
            errors["source"] = ValidationError(
                _("Say where the indicator's value comes from."), code="required"
            )
    elif source:
        errors["rule"] = ValidationError(
            _("An indicator with a source needs a scoring rule."), code="required"
        )
    bad_types = [t for t in unit_types if t not in OrgNode.Type.values]
    if bad_types:
        errors["unit_types"] = ValidationError(
            _("Unknown unit type: %(types)s.") % {"types": ", ".join(bad_types)}, code="invalid"
        )
    code = (code or "").strip()
    siblings = system.indicators.filter(parent=parent)
    if not code:
        prefix = f"{parent.code}." if parent is not None else ""
        code = f"{prefix}{siblings.count() + 1}"
    if system.indicators.filter(code=code).exists():
        errors["code"] = ValidationError(
            _("The number %(code)s is taken in this system.") % {"code": code}, code="exists"
        )
    if errors:
        raise ValidationError(errors)
    order = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1
    indicator = Indicator.objects.create(
        system=system,
        parent=parent,
        code=code,
        title=title,
        weight=weight,
        order=order,
        source=source if rule else "",
        measure_id=measure_id if rule and source == Indicator.Source.MEASURE else "",
        survey_aspect=survey_aspect.strip() if rule and source == Indicator.Source.SURVEY else "",
        rater_role=rater_role.strip() if rule and source == Indicator.Source.MANUAL else "",
        rule=rule,
        params=cleaned,
        unit_types=sorted(set(unit_types)),
    )
    _record(actor, "ecology.indicator.add", indicator)
    return indicator


@transaction.atomic
def indicator_delete(*, actor: Account, indicator: Indicator) -> None:
    """Remove an indicator and everything under it (while its system is still being drafted)."""
    _require(actor, EDIT)
    _editable(indicator.system)
    doomed = [indicator]
    frontier = [indicator]
    while frontier:
        children = list(Indicator.objects.filter(parent__in=frontier))
        doomed.extend(children)
        frontier = children
    events = [
        ledger.Event(
            actor=actor,
            action="ecology.indicator.delete",
            target=row,
            before=snapshot(row),
            after=None,
        )
        for row in doomed
    ]
    ledger.record_many(events)
    Indicator.objects.filter(pk__in=[row.pk for row in doomed]).delete()


@transaction.atomic
def system_copy(
    *, actor: Account, system: IndicatorSystem, year: int, title: str = ""
) -> IndicatorSystem:
    """A copy of ``system`` for another year, to change there: the original (and the portraits
    it scored) stays as it is."""
    copy = system_create(
        actor=actor,
        subject=system.subject,
        year=year,
        title=title or system.title,
        owner_node=system.owner_node,
    )
    new_of: dict[int, Indicator] = {}
    rows = list(system.indicators.order_by("parent_id", "order", "id"))
    pending = rows
    while pending:
        later = []
        for row in pending:
            if row.parent_id is not None and row.parent_id not in new_of:
                later.append(row)
                continue
            new_of[row.pk] = Indicator.objects.create(
                system=copy,
                parent=new_of.get(row.parent_id),
                code=row.code,
                title=row.title,
                weight=row.weight,
                order=row.order,
                source=row.source,
                measure_id=row.measure_id,
                survey_aspect=row.survey_aspect,
                rater_role=row.rater_role,
                rule=row.rule,
                params=row.params,
                unit_types=row.unit_types,
            )
        pending = later
    ledger.record_many(
        [
            ledger.Event(
                actor=actor,
                action="ecology.indicator.add",
                target=row,
                before=None,
                after=snapshot(row),
                details={"copied_from": old_pk},
            )
            for old_pk, row in new_of.items()
        ]
    )
    return copy
