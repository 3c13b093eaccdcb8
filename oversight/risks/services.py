"""Writes of integrity risks: the catalogue (entered or imported from Excel, every bad row
named), assignments to posts, the rules' parameters, the run of the rules that fires reminders
(each a ``risks.reminder`` work item, once per fingerprint), and reminder talks. Every write
records its ledger leaf in its own transaction; reminders move only through the loop."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.orgs.access import has_perm, scope_q
from oversight.orgs.models import Account, OrgNode, Person

from . import rules, selectors
from .models import Assignment, Level, Reminder, RiskPoint, RiskRule, Talk
from .workflows import KIND

EDIT, CONFIRM = "risks:catalogue:edit", "risks:reminder:confirm"


def _require(actor, code: str) -> None:
    if not has_perm(actor, code):
        raise PermissionDenied(_("Your role does not do this."))


def _trace(actor, action: str, row, before, **details) -> None:
    ledger.record(
        actor=actor,
        action=action,
        target=row,
        before=before,
        after=snapshot(row),
        details=details or None,
    )


def _in_scope(actor, node: OrgNode) -> bool:
    return OrgNode.objects.filter(scope_q(actor, node=""), pk=node.pk).exists()


# --- the catalogue -----------------------------------------------------------------------------


def _choice(value: str, choices) -> str:
    """A choice given by its code or its label in either language ("" if none)."""
    from django.utils import translation

    value = (value or "").strip()
    for code, label in choices:
        if value == code:
            return code
        for language in ("en", "zh-hans"):
            with translation.override(language):
                if value == str(label):
                    return code
    return ""


@transaction.atomic
def point_save(
    *,
    actor: Account,
    point: RiskPoint | None,
    category: str,
    name: str,
    description: str,
    prevention: str,
    level: str,
    indicator: str = "",
    active: bool = True,
) -> RiskPoint:
    """Add a risk point to the catalogue, or change ``point``."""
    _require(actor, EDIT)
    name, description, prevention = name.strip(), description.strip(), prevention.strip()
    errors = {}
    if category not in RiskPoint.Category.values:
        errors["category"] = ValidationError(_("Choose the post category."), code="invalid")
    if not name:
        errors["name"] = ValidationError(_("Name the risk."), code="required")
    elif len(name) > 120:
        errors["name"] = ValidationError(_("Keep the name within 120 characters."), code="long")
    if not description:
        errors["description"] = ValidationError(_("Describe the risk."), code="required")
    if not prevention:
        errors["prevention"] = ValidationError(_("State the prevention measures."), code="required")
    if level not in Level.values:
        errors["level"] = ValidationError(_("Choose the level."), code="invalid")
    if len(indicator.strip()) > 200:
        errors["indicator"] = ValidationError(
            _("Keep the indicator within 200 characters."), code="long"
        )
    if not errors:
        twin = RiskPoint.objects.filter(category=category, name=name)
        if point is not None:
            twin = twin.exclude(pk=point.pk)
        if twin.exists():
            errors["name"] = ValidationError(
                _("The category already has a risk of this name."), code="duplicate"
            )
    if errors:
        raise ValidationError(errors)
    before = snapshot(point) if point is not None else None
    point = point or RiskPoint(created_by=actor)
    point.category, point.name, point.level = category, name, level
    point.description, point.prevention = description, prevention
    point.indicator, point.active = indicator.strip(), active
    point.save()
    _trace(actor, "risks.point.save", point, before)
    return point


POINT_COLUMNS = [
    ("category", _lazy("post category")),
    ("name", _lazy("risk")),
    ("description", _lazy("description")),
    ("prevention", _lazy("prevention measures")),
    ("indicator", _lazy("monitoring indicator")),
    ("level", _lazy("level")),
]
POINT_REQUIRED = ["category", "name", "description", "prevention", "level"]
POINT_LABELS = dict(POINT_COLUMNS)


def points_import(*, actor: Account, rows: Sequence[dict]) -> int:
    """Add the risk points of ``rows`` (read from an Excel sheet, one point a row): all of
    them, or none, with every bad row named and why."""
    _require(actor, EDIT)
    if not rows:
        raise ValidationError({"file": ValidationError(_("The sheet has no rows."), code="empty")})
    errors: list[str] = []
    created = 0
    seen: dict[tuple[str, str], int] = {}
    with transaction.atomic():
        for row in rows:
            number = row["_row"]
            problems: list[str] = []
            category = _choice(row.get("category", ""), RiskPoint.Category.choices)
            level = _choice(row.get("level", ""), Level.choices)
            if not category:
                problems.append(f"{POINT_LABELS['category']}: {_('not a post category')}")
            if not level:
                problems.append(f"{POINT_LABELS['level']}: {_('high, medium or low')}")
            key = (category, (row.get("name") or "").strip())
            if category and key[1] and key in seen:
                problems.append(
                    _("%(column)s: the same risk as row %(n)d")
                    % {"column": POINT_LABELS["name"], "n": seen[key]}
                )
            seen.setdefault(key, number)
            if not problems:
                try:
                    with transaction.atomic():
                        point_save(
                            actor=actor,
                            point=None,
                            category=category,
                            name=row.get("name", ""),
                            description=row.get("description", ""),
                            prevention=row.get("prevention", ""),
                            indicator=row.get("indicator", ""),
                            level=level,
                        )
                        created += 1
                except ValidationError as exc:
                    problems.extend(
                        f"{POINT_LABELS.get(f, f)}: {' '.join(texts)}"
                        for f, texts in exc.message_dict.items()
                    )
            if problems:
                errors.append(
                    _("Row %(n)d: %(errors)s") % {"n": number, "errors": "; ".join(problems)}
                )
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError({"file": [ValidationError(e, code="row") for e in errors]})
    return created


@transaction.atomic
def assignment_add(
    *, actor: Account, point: RiskPoint, node: OrgNode, post: str = ""
) -> Assignment:
    """Assign ``point`` to the posts titled ``post`` at ``node`` (every post there if empty)."""
    _require(actor, EDIT)
    post = post.strip()
    errors = {}
    if node is None or not _in_scope(actor, node):
        errors["node"] = ValidationError(_("Choose a unit in your scope."), code="scope")
    elif Assignment.objects.filter(point=point, node=node, post=post).exists():
        errors["post"] = ValidationError(
            _("The risk point is already assigned to this post."), code="duplicate"
        )
    if len(post) > 80:
        errors["post"] = ValidationError(_("Keep the post within 80 characters."), code="long")
    if errors:
        raise ValidationError(errors)
    row = Assignment.objects.create(point=point, node=node, post=post, created_by=actor)
    _trace(actor, "risks.assignment.add", row, None)
    return row


@transaction.atomic
def assignment_remove(*, actor: Account, assignment: Assignment) -> None:
    _require(actor, EDIT)
    if not _in_scope(actor, assignment.node):
        raise PermissionDenied(_("The unit is outside your scope."))
    before = snapshot(assignment)
    ledger.record(
        actor=actor, action="risks.assignment.remove", target=assignment, before=before, after=None
    )
    assignment.delete()


@transaction.atomic
def rule_save(
    *, actor: Account, rule: RiskRule, params: dict, level: str, active: bool
) -> RiskRule:
    """Change a rule's parameters (checked by ``rules.clean_params``), level and activity."""
    _require(actor, EDIT)
    errors = {}
    if level not in Level.values:
        errors["level"] = ValidationError(_("Choose the level."), code="invalid")
    try:
        params = rules.clean_params(rule.kind, params)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    before = snapshot(rule)
    rule.params, rule.level, rule.active = params, level, active
    rule.save()
    _trace(actor, "risks.rule.save", rule, before)
    return rule


# --- firing reminders --------------------------------------------------------------------------


@dataclass
class RunReport:
    rules: int = 0
    hits: int = 0
    fired: list[Reminder] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # rule code → why


def _fire(rule: RiskRule, hit: rules.Hit, on: datetime.date) -> Reminder | None:
    """The reminder of ``hit``, opened for its unit (None if it was fired before)."""
    fingerprint = f"{rule.code}:{hit.key}"
    if Reminder.objects.filter(fingerprint=fingerprint).exists():
        return None
    title = _("%(rule)s: %(who)s") % {
        "rule": rule.name,
        "who": hit.person.name if hit.person else hit.node.name,
    }
    try:
        with transaction.atomic():
            item = loop.item_open(
                kind=KIND,
                title=title[:200],
                description=hit.facts,
                actor=None,
                responsible_node=hit.node,
                supervising_node=selectors.commission_over(hit.node),
                priority=2 if rule.level == Level.HIGH else 1,
            )
            reminder = Reminder.objects.create(
                rule=rule,
                fingerprint=fingerprint,
                node=hit.node,
                person=hit.person,
                level=rule.level,
                facts=hit.facts,
                source=hit.source[:120],
                fired_on=on,
                item=item,
            )
            _trace(None, "risks.reminder.fire", reminder, None, rule=rule.code)
    except IntegrityError:  # a concurrent run fired it first
        return None
    return reminder


def rules_run(*, on: datetime.date | None = None, codes: Sequence[str] = ()) -> RunReport:
    """Run every active rule (or those of ``codes``) over the platform's data as of ``on`` and
    fire a reminder for each case not fired before. A rule that fails is named in the report
    and the others still run."""
    on = on or timing.today()
    report = RunReport()
    qs = RiskRule.objects.filter(active=True).order_by("code")
    if codes:
        qs = qs.filter(code__in=list(codes))
    for rule in qs:
        report.rules += 1
        try:
            hits = rules.hits_of(rule, on)
        except ValidationError as exc:
            report.failed[rule.code] = "; ".join(exc.messages)
            continue
        report.hits += len(hits)
        for hit in hits:
            reminder = _fire(rule, hit, on)
            if reminder is not None:
                report.fired.append(reminder)
    return report


# --- reminder talks ----------------------------------------------------------------------------


@transaction.atomic
def talk_record(
    *,
    actor: Account,
    person: Person,
    held_on: datetime.date,
    talker: str,
    summary: str,
    reminder: Reminder | None = None,
) -> Talk:
    """Record a reminder talk (提醒谈话) held with ``person``, after ``reminder`` if given; the
    reminder's timeline tells of it."""
    _require(actor, CONFIRM)
    errors = {}
    if person is None:
        errors["person"] = ValidationError(_("Choose the cadre."), code="required")
    elif not _in_scope(actor, person.org_node):
        errors["person"] = ValidationError(_("The cadre is outside your scope."), code="scope")
    elif reminder is not None and reminder.person_id not in (None, person.pk):
        errors["person"] = ValidationError(
            _("The reminder concerns another cadre."), code="other_person"
        )
    if held_on is None:
        errors["held_on"] = ValidationError(_("Give the date of the talk."), code="required")
    elif held_on > timing.today():
        errors["held_on"] = ValidationError(_("The talk cannot lie in the future."), code="future")
    if not talker.strip():
        errors["talker"] = ValidationError(_("Say who held the talk."), code="required")
    if not summary.strip():
        errors["summary"] = ValidationError(_("Summarise what was said."), code="required")
    if errors:
        raise ValidationError(errors)
    talk = Talk.objects.create(
        person=person,
        node=reminder.node if reminder is not None else person.org_node,
        reminder=reminder,
        held_on=held_on,
        talker=talker.strip()[:64],
        summary=summary.strip(),
        created_by=actor,
    )
    _trace(actor, "risks.talk.record", talk, None)
    if reminder is not None:
        loop.item_comment(
            item=reminder.item,
            actor=actor,
            comment=_("Reminder talk held on %(day)s by %(talker)s.")
            % {"day": held_on, "talker": talk.talker},
            data={"risks_talk": talk.pk},
        )
    return talk
