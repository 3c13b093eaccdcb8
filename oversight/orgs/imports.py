"""Loading a county from Excel: people and org units, every row checked before anything is
written (each bad row reported with its row number and field), then all written in one
transaction or none."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from oversight.core.selectors import dict_choices
from oversight.lib import resident_id as rid

from . import services
from .access import scope_q
from .models import OrgNode, Person

PEOPLE_COLUMNS = [
    ("name", pgettext_lazy("person", "name")),
    ("resident_id", gettext_lazy("resident ID")),
    ("unit_code", gettext_lazy("unit code")),
    ("rank", gettext_lazy("rank")),
    ("phone", gettext_lazy("phone")),
]
UNIT_COLUMNS = [
    ("code", gettext_lazy("code")),
    ("name", gettext_lazy("name")),
    ("type", gettext_lazy("type")),
    ("parent_code", gettext_lazy("parent code")),
]


@dataclass
class Report:
    created: int = 0
    errors: list[str] = field(default_factory=list)


def _problem(row: dict, column: str, message: str) -> str:
    labels = dict(UNIT_COLUMNS + PEOPLE_COLUMNS)
    return _("Row %(row)s, %(field)s: %(message)s") % {
        "row": row.get("_row", "?"),
        "field": labels.get(column, column),
        "message": message,
    }


def _nodes_in_scope(viewer) -> dict[str, OrgNode]:
    return {n.code: n for n in OrgNode.objects.filter(scope_q(viewer, node=""), is_active=True)}


def people_import(*, rows: list[dict], actor) -> Report:
    """Register the people of ``rows`` (keys of ``PEOPLE_COLUMNS``) at units in the actor's
    scope. Every problem of every row is reported; if there is any, nothing is written."""
    report = Report()
    nodes = _nodes_in_scope(actor)
    ranks = {}
    for value, label in dict_choices("cadre_rank"):
        ranks[value.lower()] = value
        ranks[str(label).lower()] = value
    existing = set(
        Person.objects.filter(
            resident_id__in=[r.get("resident_id", "").upper() for r in rows]
        ).values_list("resident_id", flat=True)
    )
    seen: dict[str, int] = {}
    plan = []
    if not rows:
        report.errors.append(_("The file has no rows."))
    for row in rows:
        problems = []
        name = row.get("name", "")
        if not name:
            problems.append(_problem(row, "name", _("A name is required.")))
        elif len(name) > 50:
            problems.append(_problem(row, "name", _("At most 50 characters.")))
        normalized = ""
        try:
            normalized = rid.normalize(row.get("resident_id", ""))
        except rid.InvalidResidentId as exc:
            problems.append(_problem(row, "resident_id", services.resident_id_message(exc.code)))
        if normalized:
            if normalized in existing:
                problems.append(
                    _problem(
                        row, "resident_id", _("A person with this resident ID already exists.")
                    )
                )
            elif normalized in seen:
                problems.append(
                    _problem(
                        row,
                        "resident_id",
                        _("The same resident ID is on row %(row)s.") % {"row": seen[normalized]},
                    )
                )
            seen.setdefault(normalized, row["_row"])
        node = nodes.get(row.get("unit_code", ""))
        if node is None:
            problems.append(_problem(row, "unit_code", _("No unit with this code in your scope.")))
        rank = row.get("rank", "")
        if rank and rank.lower() not in ranks:
            problems.append(_problem(row, "rank", _("Not a rank of the dictionary.")))
        if problems:
            report.errors.extend(problems)
        else:
            plan.append((name, normalized, node, ranks.get(rank.lower(), ""), row.get("phone", "")))
    if report.errors:
        return report
    with transaction.atomic():
        for name, normalized, node, rank, phone in plan:
            services.person_create(
                actor=actor,
                name=name,
                resident_id=normalized,
                org_node=node,
                rank=rank,
                phone=phone,
            )
    report.created = len(plan)
    return report


def units_import(*, rows: list[dict], actor) -> Report:
    """Add the org units of ``rows`` (keys of ``UNIT_COLUMNS``) under parents in the actor's
    scope or earlier in the file; all or nothing, every bad row reported."""
    report = Report()
    nodes = _nodes_in_scope(actor)
    taken = set(OrgNode.objects.values_list("code", flat=True))
    types = {}
    for value, label in OrgNode.Type.choices:
        types[value] = value
        types[str(label).lower()] = value
    planned: dict[str, int] = {}
    plan = []
    if not rows:
        report.errors.append(_("The file has no rows."))
    for row in rows:
        problems = []
        code, name = row.get("code", ""), row.get("name", "")
        if not code:
            problems.append(_problem(row, "code", _("A code is required.")))
        elif code in taken:
            problems.append(_problem(row, "code", _("This code is used already.")))
        elif code in planned:
            problems.append(
                _problem(
                    row, "code", _("The same code is on row %(row)s.") % {"row": planned[code]}
                )
            )
        if not name:
            problems.append(_problem(row, "name", _("A name is required.")))
        kind = types.get(row.get("type", "").lower())
        if kind is None:
            problems.append(_problem(row, "type", _("Not a type of org node.")))
        parent_code = row.get("parent_code", "")
        if parent_code not in nodes and parent_code not in planned:
            problems.append(
                _problem(row, "parent_code", _("No parent with this code in your scope or above."))
            )
        if code and code not in planned:
            planned[code] = row["_row"]
        if problems:
            report.errors.extend(problems)
        else:
            plan.append((code, name, kind, parent_code))
    if report.errors:
        return report
    with transaction.atomic():
        created = dict(nodes)
        for code, name, kind, parent_code in plan:
            try:
                created[code] = services.node_create(
                    actor=actor, name=name, code=code, type=kind, parent=created[parent_code]
                )
            except ValidationError as exc:
                transaction.set_rollback(True)
                report.errors.extend(f"{code}: {m}" for m in exc.messages)
                return report
    report.created = len(plan)
    return report
