"""What each kind of risk rule watches (``RiskRule.kind``), with its parameters as the
commission edits them (``PARAMS``: name, type, default; ``clean_params`` checks them).

Every rule reads the platform's data the way the modules let others read it: figures through
the measures registry (``measures.selectors.figures`` / ``records`` as the platform), people and
their posts from ``orgs``, relatives and personal-matter reports through the integrity file's
selectors, warnings as the records of the comparison models' measure. A rule returns ``Hit``s;
each hit's key makes the reminder's fingerprint, so a rule fires once on the same case."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from oversight.integrity import selectors as integrity
from oversight.measures import registry as measure_registry
from oversight.measures import selectors as measure_selectors
from oversight.measures.registry import MEASURES, SYSTEM, Period
from oversight.orgs.models import OrgNode, Person, Position

from .models import LEVEL_RANK, Assignment, RiskRule


class _Platform:
    """The platform itself as the viewer of the modules' scoped selectors (the rules run for
    the whole county; who sees a reminder is decided by the reminder's own scope)."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    token_role_id = None
    pk = None
    person_id = None
    org_node_id = None


PLATFORM = _Platform()

UNIT_TYPES = [
    OrgNode.Type.UNIT,
    OrgNode.Type.DEPARTMENT,
    OrgNode.Type.SERVICE_WINDOW,
    OrgNode.Type.TOWN,
]


@dataclass(frozen=True)
class Hit:
    key: str  # what the rule fired on, unique within the rule
    node: OrgNode
    facts: str
    person: Person | None = None
    source: str = ""  # the record it came from, "app.model:pk"


# name → (type, default); the types: int, str, list (of strings)
PARAMS: dict[str, dict[str, tuple[type, object]]] = {
    RiskRule.Kind.MEASURE: {
        "measure": (str, ""),
        "threshold": (int, 1),
        "period": (str, Period.MONTH),
        "unit_types": (list, list(UNIT_TYPES)),
    },
    RiskRule.Kind.TENURE: {"years": (int, 5), "min_level": (str, "high")},
    RiskRule.Kind.MODEL_HIT: {"models": (list, [])},
    RiskRule.Kind.REPORT_MISSING: {"due_month": (int, 3), "due_day": (int, 31)},
    RiskRule.Kind.FESTIVAL: {"days_ahead": (int, 7), "unit_types": (list, list(UNIT_TYPES))},
}


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({"params": ValidationError(f"{field}: {message}", code="invalid")})


def clean_params(kind: str, params: dict) -> dict:
    """The parameters of a rule of ``kind``, each checked and the missing ones defaulted; a
    ValidationError on ``params`` names the parameter that is wrong."""
    if kind not in PARAMS:
        raise ValidationError({"kind": ValidationError(_("Unknown kind of rule."), code="kind")})
    if not isinstance(params, dict):
        raise ValidationError(
            {"params": ValidationError(_("Parameters are a JSON object."), code="invalid")}
        )
    measure_registry.autodiscover()
    spec = PARAMS[kind]
    unknown = sorted(set(params) - set(spec))
    if unknown:
        raise _error(unknown[0], _("no such parameter for this kind of rule"))
    clean = {}
    for name, (typ, default) in spec.items():
        value = params.get(name, default)
        if typ is int:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise _error(name, _("a whole number of 0 or more"))
        elif typ is list:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _error(name, _("a list of codes"))
        elif not isinstance(value, str):
            raise _error(name, _("a text"))
        clean[name] = value
    if kind == RiskRule.Kind.MEASURE:
        if clean["measure"] not in MEASURES:
            raise _error("measure", _("no measure of the registry has this id"))
        if clean["period"] not in (Period.MONTH, Period.QUARTER, Period.YEAR):
            raise _error("period", _("month, quarter or year"))
        if clean["threshold"] < 1:
            raise _error("threshold", _("at least 1"))
    if "unit_types" in clean:
        bad = [t for t in clean["unit_types"] if t not in OrgNode.Type.values]
        if bad or not clean["unit_types"]:
            raise _error("unit_types", _("kinds of unit of the org tree"))
    if kind == RiskRule.Kind.TENURE:
        if clean["min_level"] not in LEVEL_RANK:
            raise _error("min_level", _("high, medium or low"))
        if clean["years"] < 1:
            raise _error("years", _("at least 1"))
    if kind == RiskRule.Kind.REPORT_MISSING:
        try:
            datetime.date(2024, clean["due_month"], clean["due_day"])
        except ValueError:
            raise _error("due_day", _("not a date of the year")) from None
    return clean


def _units(types) -> list[OrgNode]:
    return list(OrgNode.objects.filter(is_active=True, type__in=types).order_by("path"))


# The registry's grouped query names each node's subtree in one OR: SQLite refuses an
# expression deeper than 1,000 terms, so a county's units are asked in batches.
NODES_PER_QUERY = 200


# --- the kinds ---------------------------------------------------------------------------------


def measure_hits(rule: RiskRule, on: datetime.date) -> list[Hit]:
    """Each unit whose figure of the measure over the period containing ``on`` reaches the
    threshold (late rectification: ``inspections.overdue``; complaints clustering on a window:
    ``public.complaints``), once per unit and period."""
    p = clean_params(rule.kind, rule.params)
    measure = MEASURES[p["measure"]]
    period = Period.containing(on, p["period"])
    units = _units(p["unit_types"])
    if not units:
        return []
    figs = {}
    for start in range(0, len(units), NODES_PER_QUERY):
        figs.update(
            measure_selectors.figures(
                viewer=SYSTEM,
                measures=[measure],
                nodes=units[start : start + NODES_PER_QUERY],
                period=period,
                on=on,
            )[measure.id]
        )
    hits = []
    for unit in units:
        value = figs[unit.pk].value
        if value is not None and value >= p["threshold"]:
            hits.append(
                Hit(
                    key=f"{unit.pk}:{period.key}",
                    node=unit,
                    facts=_("%(measure)s of %(unit)s in %(period)s: %(value)s (threshold %(t)s).")
                    % {
                        "measure": measure.label,
                        "unit": unit.name,
                        "period": period.key,
                        "value": value,
                        "t": p["threshold"],
                    },
                    source=f"measure:{measure.id}",
                )
            )
    return hits


def _assigned_level(position: Position, assignments: dict) -> tuple[int, object]:
    best = (0, None)
    for assignment in assignments.get(position.org_node_id, []):
        if assignment.post and assignment.post != position.title:
            continue
        rank = LEVEL_RANK[assignment.point.level]
        if rank > best[0]:
            best = (rank, assignment.point)
    return best


def tenure_hits(rule: RiskRule, on: datetime.date) -> list[Hit]:
    """Each current post with a risk point of at least ``min_level`` assigned, held by the same
    person for longer than ``years`` (the rotation period), once per post held."""
    p = clean_params(rule.kind, rule.params)
    floor = LEVEL_RANK[p["min_level"]]
    try:
        since = on.replace(year=on.year - p["years"])
    except ValueError:  # 29 February
        since = on.replace(year=on.year - p["years"], day=28)
    assignments: dict[int, list[Assignment]] = {}
    for a in Assignment.objects.filter(point__active=True).select_related("point"):
        assignments.setdefault(a.node_id, []).append(a)
    positions = (
        Position.objects.filter(
            org_node__in=list(assignments),
            start_date__lt=since,
            person__is_active=True,
            org_node__is_active=True,
        )
        .exclude(end_date__lt=on)
        .select_related("person", "org_node")
        .order_by("org_node__path", "pk")
    )
    hits = []
    for position in positions:
        rank, point = _assigned_level(position, assignments)
        if rank < floor:
            continue
        hits.append(
            Hit(
                key=f"{position.pk}",
                node=position.org_node,
                person=position.person,
                facts=_(
                    "%(name)s has held the post %(post)s at %(unit)s since %(since)s, longer than "
                    "the rotation period of %(years)d years; risk point: %(point)s."
                )
                % {
                    "name": position.person.name,
                    "post": position.title,
                    "unit": position.org_node.name,
                    "since": position.start_date,
                    "years": p["years"],
                    "point": point.name,
                },
                source=f"orgs.position:{position.pk}",
            )
        )
    return hits


def model_hit_hits(rule: RiskRule, on: datetime.date) -> list[Hit]:
    """Each comparison model's warning raised this year (the records of the measure
    ``analytics.warnings``, not dismissed) whose subject is a cadre of the platform, or names a
    relative in the file of a cadre of the warning's unit (a relative matching a vendor of the
    person's unit), once per warning and cadre."""
    p = clean_params(rule.kind, rule.params)
    measure = MEASURES.get("analytics.warnings")
    if measure is None:
        return []
    warnings = measure_selectors.records(
        viewer=SYSTEM, measure=measure, node=None, period=Period.containing(on, Period.YEAR), on=on
    ).exclude(status="dismissed")
    if p["models"]:
        warnings = warnings.filter(model_id__in=p["models"])
    warnings = list(warnings.order_by("pk"))
    if not warnings:
        return []
    subjects = {w.subject_id for w in warnings if w.subject_id}
    cadres = {
        person.resident_id: person
        for person in Person.objects.filter(
            resident_id__in=subjects, is_active=True
        ).select_related("org_node")
    }
    unit_ids = {w.unit_id for w in warnings if w.unit_id}
    staff = {
        person.pk: person
        for person in Person.objects.filter(org_node__in=unit_ids, is_active=True).select_related(
            "org_node"
        )
    }
    relatives: dict[int, list] = {}
    for relation in integrity.relations_of(list(staff), viewer=PLATFORM):
        if relation.resident_id:
            relatives.setdefault(staff[relation.person_id].org_node_id, []).append(relation)
    hits = []
    for warning in warnings:
        label = warning.subject_name or warning.subject_id
        person = cadres.get(warning.subject_id)
        if person is not None:
            hits.append(
                Hit(
                    key=f"{warning.pk}:{person.pk}",
                    node=person.org_node,
                    person=person,
                    facts=_("A comparison model's warning names %(name)s: %(reason)s")
                    % {"name": person.name, "reason": warning.reason_zh or label},
                    source=f"analytics.warning:{warning.pk}",
                )
            )
        haystack = " ".join((warning.subject_id, warning.detail, warning.fingerprint_key))
        for relation in relatives.get(warning.unit_id, []):
            if relation.resident_id not in haystack:
                continue
            cadre = staff[relation.person_id]
            hits.append(
                Hit(
                    key=f"{warning.pk}:{cadre.pk}",
                    node=cadre.org_node,
                    person=cadre,
                    facts=_(
                        "A relative of %(name)s in the integrity file (%(relative)s) is named by "
                        "a comparison model's warning at %(unit)s: %(subject)s."
                    )
                    % {
                        "name": cadre.name,
                        "relative": relation.name,
                        "unit": cadre.org_node.name,
                        "subject": label,
                    },
                    source=f"analytics.warning:{warning.pk}",
                )
            )
    return list({h.key: h for h in hits}.values())


def report_missing_hits(rule: RiskRule, on: datetime.date) -> list[Hit]:
    """After the due date of last year's yearly personal-matter report, each cadre holding a
    leading post since before that year's end who has not filed it, once per person and year."""
    p = clean_params(rule.kind, rule.params)
    due = datetime.date(on.year, p["due_month"], p["due_day"])
    if on <= due:
        return []
    year = on.year - 1
    positions = (
        Position.objects.filter(
            is_leader=True,
            start_date__lte=datetime.date(year, 12, 31),
            person__is_active=True,
        )
        .exclude(end_date__lt=on)
        .select_related("person", "org_node")
        .order_by("person_id", "start_date")
    )
    leaders = {}
    for position in positions:
        leaders.setdefault(position.person_id, position)
    filed = integrity.yearly_reporters(viewer=PLATFORM, year=year, person_ids=list(leaders))
    return [
        Hit(
            key=f"{person_id}:{year}",
            node=position.org_node,
            person=position.person,
            facts=_(
                "%(name)s (%(post)s, %(unit)s) has not filed the yearly personal-matter report "
                "of %(year)d, due %(due)s."
            )
            % {
                "name": position.person.name,
                "post": position.title,
                "unit": position.org_node.name,
                "year": year,
                "due": due,
            },
            source=f"orgs.person:{person_id}",
        )
        for person_id, position in leaders.items()
        if person_id not in filed
    ]


def holidays_ahead(on: datetime.date, days: int) -> list[tuple[str, datetime.date]]:
    """National holidays (by the national calendar) whose first day falls after ``on`` and
    within ``days`` days: (name, first day)."""
    import chinese_calendar

    found = []
    for n in range(1, days + 1):
        day = on + datetime.timedelta(days=n)
        try:
            is_holiday, name = chinese_calendar.get_holiday_detail(day)
            before = chinese_calendar.get_holiday_detail(day - datetime.timedelta(days=1))
        except NotImplementedError:  # a year the library does not know
            continue
        if is_holiday and name and before[1] != name:
            found.append((name, day))
    return found


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}


def festival_hits(rule: RiskRule, on: datetime.date) -> list[Hit]:
    """Before each national holiday, a reminder on the "four winds" (official receptions,
    gifts, official cars, banquets) to every unit of the kinds named, once per unit and
    holiday."""
    p = clean_params(rule.kind, rule.params)
    ahead = holidays_ahead(on, p["days_ahead"])
    if not ahead:
        return []
    hits = []
    for unit in _units(p["unit_types"]):
        for name, first in ahead:
            holiday = HOLIDAY_NAMES.get(name, name)
            hits.append(
                Hit(
                    key=f"{unit.pk}:{first.isoformat()}",
                    node=unit,
                    facts=_(
                        "%(holiday)s begins on %(day)s: remind the unit's staff of the eight-point "
                        "rules — no public funds for gifts, banquets or travel, no official cars "
                        "for private use, no gifts or money accepted."
                    )
                    % {"holiday": holiday, "day": first},
                    source=f"calendar:{first.isoformat()}",
                )
            )
    return hits


KINDS = {
    RiskRule.Kind.MEASURE: measure_hits,
    RiskRule.Kind.TENURE: tenure_hits,
    RiskRule.Kind.MODEL_HIT: model_hit_hits,
    RiskRule.Kind.REPORT_MISSING: report_missing_hits,
    RiskRule.Kind.FESTIVAL: festival_hits,
}


def hits_of(rule: RiskRule, on: datetime.date) -> list[Hit]:
    return KINDS[rule.kind](rule, on)
