"""Writes of disclosure supervision: the catalogue, events that must be disclosed, captured
notices (entered, imported, classified), and the check that lights lapses. Every write records
a ledger leaf in its own transaction; periods and lapses move only through the loop's services,
and the expected disclosures are opened by the schedule service."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from cssselect import GenericTranslator, SelectorError
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.lib.cndates import parse_date, parse_period
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode
from oversight.orgs.selectors import node_list
from oversight.schedules import services as schedules
from oversight.schedules.models import Obligation

from . import fetcher
from . import schedules as declared
from .adapters import Broken, LayoutChanged, adapter_for, read_excel, read_word
from .models import (
    CatalogueItem,
    Collected,
    Expectation,
    Fetch,
    Lapse,
    Occurrence,
    Publication,
    Source,
)
from .workflows import LAPSE, PLATFORM

MONTH_KEY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
QUARTER_KEY = re.compile(r"^\d{4}-Q[1-4]$")
MAX_FIELDS = 40


def _require(actor, code: str, message: str) -> None:
    if not has_perm(actor, code):
        raise PermissionDenied(message)


def _refuse(field_name: str, message: str, code: str) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code)})


def _in_scope(actor, node: OrgNode) -> None:
    if not node_list(viewer=actor, include_inactive=False).filter(pk=node.pk).exists():
        raise PermissionDenied(_("This unit is outside your scope."))


def _words(values: Sequence[str] | str) -> list[str]:
    """A list typed as one text (commas, 、, ；, new lines) or given as a list, cleaned."""
    if isinstance(values, str):
        values = re.split(r"[,，、;；\n]+", values)
    seen: list[str] = []
    for value in values:
        value = str(value).strip()
        if value and value not in seen:
            seen.append(value)
    return seen


# --- the catalogue -----------------------------------------------------------------------------


@transaction.atomic
def catalogue_item_save(
    *,
    actor: Account,
    item: CatalogueItem | None = None,
    title: str,
    category: str,
    area: str = CatalogueItem.Area.GENERAL,
    unit_type: str,
    frequency: str,
    required_fields: Sequence[str] | str = (),
    photo_required: bool = False,
    keywords: Sequence[str] | str = (),
    active: bool = True,
) -> CatalogueItem:
    """Add a catalogue item, or change ``item``: what a kind of unit must disclose, when, and
    what a complete notice shows."""
    _require(actor, "disclosure:catalogue:edit", _("Your role does not edit the catalogue."))
    title = title.strip()
    fields_ = _words(required_fields)
    words = _words(keywords)
    errors = {}
    if not title:
        errors["title"] = ValidationError(_("A title is required."), code="required")
    elif (
        CatalogueItem.objects.filter(unit_type=unit_type, title=title)
        .exclude(pk=getattr(item, "pk", None))
        .exists()
    ):
        errors["title"] = ValidationError(
            _("This kind of unit already has a disclosure of that title."), code="exists"
        )
    if category not in CatalogueItem.Category.values:
        errors["category"] = ValidationError(_("Choose a category."), code="invalid")
    if area not in CatalogueItem.Area.values:
        errors["area"] = ValidationError(_("Choose a key area."), code="invalid")
    if unit_type not in OrgNode.Type.values:
        errors["unit_type"] = ValidationError(_("Choose a kind of unit."), code="invalid")
    if frequency not in CatalogueItem.Frequency.values:
        errors["frequency"] = ValidationError(_("Choose a schedule."), code="invalid")
    if len(fields_) > MAX_FIELDS:
        errors["required_fields"] = ValidationError(
            _("At most %(count)d fields.") % {"count": MAX_FIELDS}, code="too_many"
        )
    if not words:
        errors["keywords"] = ValidationError(
            _("Give at least one title keyword, so captured notices can be classified."),
            code="required",
        )
    if errors:
        raise ValidationError(errors)
    before = snapshot(item) if item is not None else None
    if item is None:
        item = CatalogueItem()
    item.title, item.category, item.area = title, category, area
    item.unit_type, item.frequency = unit_type, frequency
    item.required_fields, item.photo_required = fields_, bool(photo_required)
    item.keywords, item.active = words, bool(active)
    item.save()
    ledger.record(
        actor=actor,
        action="disclosure.catalogue.save",
        target=item,
        before=before,
        after=snapshot(item),
    )
    return item


# --- events ------------------------------------------------------------------------------------


@transaction.atomic
def event_record(
    *,
    actor: Account,
    node: OrgNode,
    catalogue_item: CatalogueItem,
    title: str,
    happened_on: datetime.date,
) -> Occurrence:
    """Record an event the unit must disclose within days (a major project approved): the
    schedule service opens its obligation, due on the working-day calendar."""
    _require(actor, "disclosure:publication:capture", _("Your role does not record events."))
    _in_scope(actor, node)
    title = title.strip()
    errors = {}
    if not title:
        errors["title"] = ValidationError(_("A title is required."), code="required")
    if catalogue_item.frequency != CatalogueItem.Frequency.EVENT:
        errors["catalogue_item"] = ValidationError(
            _("Choose a disclosure that is due on an event."), code="not_event"
        )
    elif catalogue_item.unit_type != node.type or not catalogue_item.active:
        errors["catalogue_item"] = ValidationError(
            _("This disclosure does not apply to this unit."), code="not_applicable"
        )
    if happened_on is None or happened_on > timing.today():
        errors["happened_on"] = ValidationError(
            _("The event happened today or earlier."), code="future"
        )
    if errors:
        raise ValidationError(errors)
    event = Occurrence.objects.create(
        node=node,
        catalogue_item=catalogue_item,
        title=title,
        happened_on=happened_on,
        key=f"pending-{timing.today():%Y%m%d}",
        recorded_by=actor,
    )
    event.key = f"E{event.pk}"
    event.save(update_fields=["key"])
    schedules.schedule_event(
        schedule=declared.EVENT, node=node, happened_on=happened_on, key=event.key
    )
    ledger.record(
        actor=actor,
        action="disclosure.event.record",
        target=event,
        before=None,
        after=snapshot(event),
    )
    return event


# --- captured notices --------------------------------------------------------------------------


def content_digest(body: str) -> str:
    """The digest of a notice's content with its white space ignored ('' for no content), so
    that last period's notice republished is recognised."""
    text = "".join((body or "").split())
    return hashlib.sha256(text.encode()).hexdigest() if text else ""


def classify(*, node: OrgNode, title: str) -> CatalogueItem | None:
    """The active catalogue item for the unit's kind whose keyword the title holds (the longest
    keyword wins); None when no keyword matches or two items tie."""
    best: list[tuple[int, CatalogueItem]] = []
    for item in CatalogueItem.objects.filter(active=True, unit_type=node.type):
        length = max((len(w) for w in item.keywords if w and w in title), default=0)
        if length:
            best.append((length, item))
    best.sort(key=lambda pair: -pair[0])
    if not best or (len(best) > 1 and best[0][0] == best[1][0]):
        return None
    return best[0][1]


def _key_error(item: CatalogueItem, node: OrgNode, key: str) -> str | None:
    if item.frequency == CatalogueItem.Frequency.MONTHLY and not MONTH_KEY.match(key):
        return _("A monthly disclosure's period is written 2026-03.")
    if item.frequency == CatalogueItem.Frequency.QUARTERLY and not QUARTER_KEY.match(key):
        return _("A quarterly disclosure's period is written 2026-Q1.")
    if (
        item.frequency == CatalogueItem.Frequency.EVENT
        and not Occurrence.objects.filter(key=key, node=node, catalogue_item=item).exists()
    ):
        return _("Name one of the unit's recorded events of this disclosure (such as E12).")
    return None


def _event_key(item: CatalogueItem, node: OrgNode, published_on: datetime.date) -> str:
    """The latest event of ``item`` at ``node`` that happened by ``published_on``."""
    event = (
        Occurrence.objects.filter(node=node, catalogue_item=item, happened_on__lte=published_on)
        .order_by("-happened_on", "-pk")
        .first()
    )
    return event.key if event else ""


def _validate_publication(
    *,
    node: OrgNode,
    title: str,
    published_on: datetime.date | None,
    catalogue_item: CatalogueItem | None,
    key: str,
) -> dict:
    errors = {}
    if not title:
        errors["title"] = ValidationError(_("A title is required."), code="required")
    if published_on is None:
        errors["published_on"] = ValidationError(
            _("Give the date the notice was published (such as 2026年3月5日)."), code="required"
        )
    elif published_on > timing.today():
        errors["published_on"] = ValidationError(
            _("A notice cannot be published after today."), code="future"
        )
    if catalogue_item is not None:
        if catalogue_item.unit_type != node.type:
            errors["catalogue_item"] = ValidationError(
                _("This disclosure is not one this kind of unit makes."), code="not_applicable"
            )
        elif key:
            problem = _key_error(catalogue_item, node, key)
            if problem:
                errors["key"] = ValidationError(problem, code="invalid")
    return errors


@transaction.atomic
def publication_capture(
    *,
    actor: Account,
    node: OrgNode,
    title: str,
    published_on: datetime.date | None,
    url: str = "",
    body: str = "",
    fields: Sequence[str] | str = (),
    has_photo: bool = False,
    catalogue_item: CatalogueItem | None = None,
    key: str = "",
    source: str = Publication.Source.ENTERED,
) -> Publication:
    """Capture a notice the unit published. Without a catalogue item it is classified by its
    title's keywords, and without a period the period is read from its title (2026年第一季度);
    what cannot be placed waits for a person (``publication_classify``)."""
    _require(actor, "disclosure:publication:capture", _("Your role does not capture notices."))
    _in_scope(actor, node)
    return _capture(
        actor=actor, node=node, title=title, published_on=published_on, url=url, body=body,
        fields=fields, has_photo=has_photo, catalogue_item=catalogue_item, key=key, source=source,
    )  # fmt: skip


def _capture(
    *,
    actor: Account | None,
    node: OrgNode,
    title: str,
    published_on: datetime.date | None,
    url: str = "",
    body: str = "",
    fields: Sequence[str] | str = (),
    has_photo: bool = False,
    catalogue_item: CatalogueItem | None = None,
    key: str = "",
    source: str = Publication.Source.ENTERED,
) -> Publication:
    """``publication_capture`` once the actor is known to be allowed (or is the platform's
    collection, ``actor=None``)."""
    title = title.strip()
    key = key.strip().upper()
    if catalogue_item is None and title:
        catalogue_item = classify(node=node, title=title)
    if catalogue_item is not None and not key and published_on is not None:
        key = (
            _event_key(catalogue_item, node, published_on)
            if catalogue_item.frequency == CatalogueItem.Frequency.EVENT
            else (parse_period(title) or "")
        )
        if key and _key_error(catalogue_item, node, key):
            key = ""  # a period of the wrong form for this item: a person places it
    errors = _validate_publication(
        node=node, title=title, published_on=published_on, catalogue_item=catalogue_item, key=key
    )
    if errors:
        raise ValidationError(errors)
    publication = Publication.objects.create(
        node=node,
        catalogue_item=catalogue_item,
        key=key if catalogue_item is not None else "",
        title=title,
        published_on=published_on,
        url=url.strip(),
        body=body.strip(),
        fields=_words(fields),
        has_photo=bool(has_photo),
        digest=content_digest(body),
        source=source,
        captured_by=actor,
    )
    ledger.record(
        actor=actor,
        action="disclosure.publication.capture",
        target=publication,
        before=None,
        after=snapshot(publication),
    )
    return publication


@transaction.atomic
def publication_classify(
    *, actor: Account, publication: Publication, catalogue_item: CatalogueItem, key: str
) -> Publication:
    """A person places a notice the rules could not: its catalogue item and period."""
    _require(actor, "disclosure:publication:capture", _("Your role does not capture notices."))
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    _in_scope(actor, publication.node)
    key = key.strip().upper()
    errors = _validate_publication(
        node=publication.node,
        title=publication.title,
        published_on=publication.published_on,
        catalogue_item=catalogue_item,
        key=key,
    )
    if not key and "key" not in errors:
        errors["key"] = ValidationError(_("Give the period the notice covers."), code="required")
    if errors:
        raise ValidationError(errors)
    before = snapshot(publication)
    publication.catalogue_item, publication.key = catalogue_item, key
    publication.save(update_fields=["catalogue_item", "key"])
    ledger.record(
        actor=actor,
        action="disclosure.publication.classify",
        target=publication,
        before=before,
        after=snapshot(publication),
    )
    return publication


IMPORT_COLUMNS = [
    ("unit", _lazy("unit")),
    ("title", _lazy("title")),
    ("published_on", _lazy("published on")),
    ("url", _lazy("link")),
    ("key", _lazy("period")),
    ("fields", _lazy("fields shown")),
    ("has_photo", _lazy("notice board photo")),
    ("body", _lazy("content")),
]
IMPORT_REQUIRED = ["unit", "title", "published_on"]
YES = {"1", "y", "yes", "true", "是", "有", "√"}


@transaction.atomic
def publications_import(*, actor: Account, rows: Sequence[dict]) -> int:
    """Capture the notices of ``rows`` (an Excel sheet: the unit by code or name, dates as
    notices write them): all of them, or none, with every row's problems named."""
    _require(actor, "disclosure:publication:capture", _("Your role does not capture notices."))
    if not rows:
        raise _refuse("file", _("The sheet has no rows."), "empty")
    units = {}
    for node in node_list(viewer=actor, include_inactive=False):
        units[node.code] = node
        units.setdefault(node.name, node)
    labels = dict(IMPORT_COLUMNS)
    errors: list[str] = []
    created = 0
    for row in rows:
        number = row["_row"]
        node = units.get(row.get("unit", "").strip())
        published_on = parse_date(row.get("published_on", ""))
        problems = []
        if node is None:
            problems.append(_("unit: no unit of that code or name in your scope"))
        if published_on is None:
            problems.append(_("published on: write a date such as 2026年3月5日 or 2026-03-05"))
        if problems:
            errors.append(_("Row %(n)d: %(errors)s") % {"n": number, "errors": "; ".join(problems)})
            continue
        try:
            with transaction.atomic():
                publication_capture(
                    actor=actor,
                    node=node,
                    title=row.get("title", ""),
                    published_on=published_on,
                    url=row.get("url", ""),
                    body=row.get("body", ""),
                    fields=row.get("fields", ""),
                    has_photo=row.get("has_photo", "").strip().lower() in YES,
                    key=row.get("key", ""),
                    source=Publication.Source.IMPORTED,
                )
                created += 1
        except ValidationError as exc:
            messages = [
                f"{labels.get(name, name)}: {' '.join(texts)}"
                for name, texts in exc.message_dict.items()
            ]
            errors.append(_("Row %(n)d: %(errors)s") % {"n": number, "errors": "; ".join(messages)})
    if errors:
        raise ValidationError({"file": [ValidationError(e, code="row") for e in errors]})
    return created


# --- the check ---------------------------------------------------------------------------------


@dataclass
class CheckReport:
    periods: int = 0
    expected: int = 0
    lapses: list[Lapse] = field(default_factory=list)


def _expected_items(obligation: Obligation) -> list[CatalogueItem]:
    if obligation.schedule == declared.EVENT:
        event = Occurrence.objects.filter(key=obligation.key, node=obligation.node).first()
        return [event.catalogue_item] if event else []
    frequency = {declared.MONTHLY: "monthly", declared.QUARTERLY: "quarterly"}[obligation.schedule]
    return list(
        CatalogueItem.objects.filter(
            active=True, frequency=frequency, unit_type=obligation.node.type
        )
    )


def find_lapses(
    item: CatalogueItem, publications: list[Publication], due: datetime.date, earlier: set[str]
) -> list[tuple[str, str, Publication | None]]:
    """The lapses of one unit's disclosure for one period: ``publications`` are its notices in
    the order published, ``earlier`` the content digests of its notices of earlier periods.
    Each lapse is (kind, detail, the notice it is about)."""
    if not publications:
        return [(Lapse.Kind.MISSING, _("Nothing was published by %(due)s.") % {"due": due}, None)]
    found = []
    first, latest = publications[0], publications[-1]
    if first.published_on > due:
        found.append(
            (
                Lapse.Kind.LATE,
                _("Published on %(on)s, due by %(due)s.") % {"on": first.published_on, "due": due},
                first,
            )
        )
    missing = [f for f in item.required_fields if f not in latest.fields]
    if missing:
        found.append(
            (
                Lapse.Kind.INCOMPLETE,
                _("The notice does not show: %(fields)s") % {"fields": "、".join(missing)},
                latest,
            )
        )
    if item.photo_required and not any(p.has_photo for p in publications):
        found.append((Lapse.Kind.NO_PHOTO, _("No photo of the notice board was captured."), latest))
    repeated = next((p for p in publications if p.digest and p.digest in earlier), None)
    if repeated is not None:
        found.append(
            (
                Lapse.Kind.REPUBLISHED,
                _("The content is the same as a notice of an earlier period."),
                repeated,
            )
        )
    return found


def _check_obligation(obligation: Obligation, on: datetime.date, report: CheckReport) -> None:
    node, key, due = obligation.node, obligation.key, obligation.due
    items = _expected_items(obligation)
    # The unit's notices of these items, every period, read once: this period's in the order
    # published, and the others' (dated) content digests for the republication test.
    this_period: dict[int, list[Publication]] = {item.pk: [] for item in items}
    others: dict[int, list[tuple[datetime.date, str]]] = {item.pk: [] for item in items}
    for publication in Publication.objects.filter(node=node, catalogue_item__in=items).order_by(
        "published_on", "pk"
    ):
        if publication.key == key:
            this_period[publication.catalogue_item_id].append(publication)
        elif publication.digest:
            others[publication.catalogue_item_id].append(
                (publication.published_on, publication.digest)
            )
    # What was checked before is left alone; the rest is written at once (a concurrent check of
    # the same period fails on the unique constraint, as its closing transition would).
    checked = set(
        Expectation.objects.filter(node=node, key=key, catalogue_item__in=items).values_list(
            "catalogue_item_id", flat=True
        )
    )
    pending = []
    for item in items:
        if item.pk in checked:
            continue
        publications = this_period[item.pk]
        until = publications[-1].published_on if publications else on
        earlier = {digest for published_on, digest in others[item.pk] if published_on <= until}
        first = publications[0].published_on if publications else None
        status = (
            Expectation.Status.MISSING
            if first is None
            else Expectation.Status.ON_TIME
            if first <= due
            else Expectation.Status.LATE
        )
        expectation = Expectation(
            node=node,
            catalogue_item=item,
            key=key,
            due=due,
            obligation_item=obligation.item,
            status=status,
            published_on=first,
            checked_on=on,
        )
        pending.append((item, expectation, publications, earlier))
    Expectation.objects.bulk_create([expectation for _item, expectation, _p, _e in pending])
    events = []  # the ledger leaves of the period's check, appended at once
    for item, expectation, publications, earlier in pending:
        events.append(
            ledger.Event(
                actor=None,
                action="disclosure.expectation.check",
                target=expectation,
                before=None,
                after=snapshot(expectation),
            )
        )
        report.expected += 1
        for kind, detail, publication in find_lapses(item, publications, due, earlier):
            work = loop.item_open(
                kind=LAPSE,
                title=f"{node.name} · {item.title} ({key}): {Lapse.Kind(kind).label}",
                description=detail,
                actor=None,
                responsible_node=node,
                supervising_node=obligation.item.supervising_node,
                announce=False,
            )
            lapse = Lapse.objects.create(
                expectation=expectation,
                node=node,
                catalogue_item=item,
                key=key,
                kind=kind,
                detail=detail,
                publication=publication,
                found_on=on,
                item=work,
            )
            events.append(
                ledger.Event(
                    actor=None,
                    action="disclosure.lapse.light",
                    target=lapse,
                    before=None,
                    after=snapshot(lapse),
                )
            )
            report.lapses.append(lapse)
    ledger.record_many(events)


def check_run(*, on: datetime.date) -> CheckReport:
    """Check every disclosure period whose due date has passed by ``on`` and is not checked
    yet: what each unit owed is compared with the notices captured, the lapses are lit as
    ``disclosure.lapse`` work items, and the period's item is closed. One transaction per
    period, so a failure leaves the others done."""
    report = CheckReport()
    pending = (
        Obligation.objects.filter(
            schedule__in=[declared.MONTHLY, declared.QUARTERLY, declared.EVENT],
            due__lt=on,
            item__closed_at__isnull=True,
        )
        .select_related("node", "item", "item__supervising_node")
        .order_by("due", "pk")
    )
    for obligation in pending:
        with transaction.atomic():
            _check_obligation(obligation, on, report)
            loop.item_public_transition(item=obligation.item, name="check", actor_name=PLATFORM)
            report.periods += 1
    for source in Source.objects.filter(enabled=True).select_related("node"):
        with transaction.atomic():
            lapse = silent_check(source=source, on=on)
            if lapse is not None:
                report.lapses.append(lapse)
    return report


def silent_since(source: Source) -> datetime.date:
    """The date of the source's latest notice (or of its configuration, before any)."""
    latest = (
        Collected.objects.filter(source=source, published_on__isnull=False)
        .order_by("-published_on")
        .values_list("published_on", flat=True)
        .first()
    )
    return latest or timezone.localdate(source.created_at)


def silent_check(*, source: Source, on: datetime.date) -> Lapse | None:
    """Light a "silent" lapse when ``source`` has published nothing for longer than its cadence
    allows (``cadence_days`` working days after its latest notice, on the working-day
    calendar); once per silence (keyed by the date the silence began)."""
    since = silent_since(source)
    allowed_until = timing.calendar().add_days(since, source.cadence_days, working=True)
    if on <= allowed_until:
        return None
    key = f"S{since:%Y%m%d}"
    if Lapse.objects.filter(source=source, kind=Lapse.Kind.SILENT, key=key).exists():
        return None
    detail = _(
        "Nothing new since %(since)s; the source is expected to publish within %(days)d "
        "working days (by %(until)s)."
    ) % {"since": since, "days": source.cadence_days, "until": allowed_until}
    work = loop.item_open(
        kind=LAPSE,
        title=f"{source.node.name} · {source.name}: {Lapse.Kind.SILENT.label}",
        description=detail,
        actor=None,
        responsible_node=source.node,
        supervising_node=declared.supervisor(source.node),
        announce=False,
    )
    lapse = Lapse.objects.create(
        node=source.node,
        source=source,
        key=key,
        kind=Lapse.Kind.SILENT,
        detail=detail,
        found_on=on,
        item=work,
    )
    ledger.record(
        actor=None, action="disclosure.lapse.light", target=lapse, before=None,
        after=snapshot(lapse),
    )  # fmt: skip
    return lapse


# --- collection by adapters ----------------------------------------------------------------------

CONFIG_KEYS = {
    Source.Kind.HTML: ("item", "title", "date", "link", "body"),
    Source.Kind.JSON: ("items", "id", "title", "date", "link", "body"),
    Source.Kind.RSS: (),
    Source.Kind.ATOM: (),
    Source.Kind.UPLOAD: (),
}


def host_allowed(url: str) -> bool:
    """Whether ``url``'s host is on the configured list of hosts sources may be read from
    (``DISCLOSURE_SOURCE_HOSTS``; a name there allows its subdomains)."""
    name = (urlsplit(url or "").hostname or "").lower().rstrip(".")
    for entry in settings.DISCLOSURE_SOURCE_HOSTS:
        entry = entry.strip().lower().strip(".")
        if name and entry and (name == entry or name.endswith("." + entry)):
            return True
    return False


def url_error(url: str) -> ValidationError | None:
    """What is wrong with a source's address: not http(s), or a host off the configured list."""
    if not fetcher.host_of(url) or not url.lower().startswith(("http://", "https://")):
        return ValidationError(
            _("Give the address (http:// or https://) the source is read from."),
            code="required",
        )
    if not host_allowed(url):
        return ValidationError(
            _(
                "%(host)s is not on the list of hosts sources may be read from; ask the "
                "administrator to add it (DISCLOSURE_SOURCE_HOSTS)."
            )
            % {"host": urlsplit(url).hostname},
            code="host_not_allowed",
        )
    return None


def _source_clean(*, name: str, kind: str, url: str, config: dict | None):
    """A source's settings cleaned, and the errors of its kind, address and configuration."""
    name, url = (name or "").strip(), (url or "").strip()
    config = {k: str(v).strip() for k, v in (config or {}).items() if str(v).strip()}
    errors = {}
    if kind not in Source.Kind.values:
        errors["kind"] = ValidationError(_("Choose a kind of source."), code="invalid")
    elif kind != Source.Kind.UPLOAD:
        problem = url_error(url)
        if problem is not None:
            errors["url"] = problem
        unknown = sorted(set(config) - set(CONFIG_KEYS[kind]))
        if unknown:
            errors["config"] = ValidationError(
                _("Not a setting of this kind of source: %(keys)s") % {"keys": ", ".join(unknown)},
                code="invalid",
            )
        if kind == Source.Kind.HTML and "item" not in config:
            errors["config"] = ValidationError(
                _("An HTML list page needs the CSS selector of one notice (item)."),
                code="required",
            )
        for selector in config.values() if kind == Source.Kind.HTML else ():
            try:
                GenericTranslator().css_to_xpath(selector)
            except SelectorError:
                errors["config"] = ValidationError(
                    _("“%(selector)s” is not a CSS selector.") % {"selector": selector},
                    code="invalid",
                )
                break
    return name, url, config, errors


@transaction.atomic
def source_save(
    *,
    actor: Account,
    source: Source | None = None,
    node: OrgNode,
    name: str,
    kind: str,
    url: str = "",
    config: dict | None = None,
    cadence_days: int = 30,
    enabled: bool = True,
) -> Source:
    """Add a source a unit publishes through, or change ``source``: its adapter and that
    adapter's configuration (selectors, field paths), its address and expected cadence."""
    _require(actor, "disclosure:publication:capture", _("Your role does not configure sources."))
    _in_scope(actor, node)
    if source is not None:
        _in_scope(actor, source.node)
    name, url, config, errors = _source_clean(name=name, kind=kind, url=url, config=config)
    if not name:
        errors["name"] = ValidationError(_("A name is required."), code="required")
    if not 1 <= int(cadence_days or 0) <= 400:
        errors["cadence_days"] = ValidationError(
            _("Give between 1 and 400 working days."), code="invalid"
        )
    if errors:
        raise ValidationError(errors)
    kept = ("etag", "last_modified")  # the fetcher's, not a change of the configuration
    before = snapshot(source, exclude=kept) if source is not None else None
    if source is None:
        source = Source()
    elif source.url != url:
        source.etag = source.last_modified = ""  # a new address: read it whole
    source.node, source.name, source.kind, source.url = node, name, kind, url
    source.host = fetcher.host_of(url) if kind != Source.Kind.UPLOAD else ""
    source.config, source.cadence_days, source.enabled = config, int(cadence_days), bool(enabled)
    source.save()
    ledger.record(
        actor=actor,
        action="disclosure.source.save",
        target=source,
        before=before,
        after=snapshot(source, exclude=kept),
    )
    return source


def allowed_hosts() -> set[str]:
    """The hosts configured on enabled sources and on the configured list: nothing else is ever
    fetched."""
    hosts = Source.objects.filter(enabled=True).exclude(host="").values_list("host", "url")
    return {host for host, url in hosts if host_allowed(url)}


def collect_notices(*, source: Source, notices, actor: Account | None = None) -> int:
    """Keep the notices of ``source`` not collected before (by link or guid) and capture each as
    a notice of the source's unit, classified by the rules; one that cannot be placed (no
    date, say) is kept and waits for a person. Returns how many were new."""
    new = 0
    known = set(Collected.objects.filter(source=source).values_list("guid", flat=True))
    for notice in notices:
        guid = (notice.guid or notice.link or notice.title)[:500]
        if not guid or guid in known:
            continue
        known.add(guid)
        with transaction.atomic():
            collected = Collected.objects.create(
                source=source,
                guid=guid,
                title=notice.title[:300],
                published_on=notice.published_on,
                body=notice.body,
                digest=content_digest(notice.body),
            )
            try:
                with transaction.atomic():
                    collected.publication = _capture(
                        actor=actor,
                        node=source.node,
                        title=notice.title[:300],
                        published_on=notice.published_on,
                        url=notice.link[:500],
                        body=notice.body,
                        source=Publication.Source.COLLECTED,
                    )
                collected.save(update_fields=["publication"])
            except ValidationError:
                pass  # kept as collected, waiting for a person
            new += 1
    return new


def source_fetch(
    *,
    source: Source,
    data: bytes | None = None,
    timeout: float = fetcher.TIMEOUT,
    interval: float = fetcher.MIN_INTERVAL,
) -> Fetch:
    """Read ``source`` once (from its address, or from ``data`` when given, as the demo does),
    collect what is new and record the attempt. A broken feed, a timeout, a refused host or a
    changed layout is the fetch's outcome, never an exception."""
    fetch = Fetch(source=source, at=timezone.now())
    try:
        if data is None:
            answer = fetcher.get(
                source.url,
                allowed_hosts=allowed_hosts(),
                etag=source.etag,
                last_modified=source.last_modified,
                timeout=timeout,
                interval=interval,
            )
            fetch.status = answer.status
            if answer.not_modified:
                fetch.outcome = Fetch.Outcome.NOT_MODIFIED
                fetch.save()
                return fetch
            data = answer.data
            source.etag, source.last_modified = answer.etag[:255], answer.last_modified[:64]
            Source.objects.filter(pk=source.pk).update(
                etag=source.etag, last_modified=source.last_modified
            )
        notices = adapter_for(source.kind).parse(data, source)
        fetch.found = len(notices)
        fetch.new = collect_notices(source=source, notices=notices)
        fetch.outcome = Fetch.Outcome.OK if notices else Fetch.Outcome.EMPTY
    except fetcher.Refused as exc:
        fetch.outcome, fetch.error = Fetch.Outcome.REFUSED, str(exc)
    except fetcher.Failed as exc:
        fetch.status = exc.status
        fetch.outcome = Fetch.Outcome.TIMEOUT if exc.timeout else Fetch.Outcome.BROKEN
        fetch.error = str(exc)
    except LayoutChanged as exc:
        fetch.outcome, fetch.error = Fetch.Outcome.EMPTY, str(exc)
    except Broken as exc:
        fetch.outcome, fetch.error = Fetch.Outcome.BROKEN, str(exc)
    fetch.save()
    return fetch


def sources_fetch(*, interval: float = fetcher.MIN_INTERVAL) -> list[Fetch]:
    """Read every enabled source with an address (the worker's recurring run)."""
    return [
        source_fetch(source=source, interval=interval)
        for source in Source.objects.filter(enabled=True)
        .exclude(kind=Source.Kind.UPLOAD)
        .select_related("node")
    ]


UPLOAD_TYPES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def _upload_allowed(actor: Account) -> None:
    if not (
        has_perm(actor, "disclosure:publication:capture")
        or has_perm(actor, "disclosure:source:upload")
    ):
        raise PermissionDenied(_("Your role does not upload notices."))


@transaction.atomic
def source_upload(
    *,
    actor: Account,
    source: Source,
    name: str,
    data: bytes,
    title: str = "",
    published_on: datetime.date | None = None,
    body: str = "",
) -> int:
    """Collect the notices of a file a unit uploads: an Excel sheet or a Word table (title,
    date, link, content: all rows, or none with every bad row named), or one notice as a PDF
    or a photo (its title and date given with it; a photo shows the notice board). Returns how
    many notices were new."""
    _upload_allowed(actor)
    _in_scope(actor, source.node)
    if source.kind != Source.Kind.UPLOAD:
        raise _refuse("source", _("This source is read from its address, not uploaded."), "kind")
    if not data:
        raise _refuse("file", _("The file is empty."), "empty")
    if len(data) > settings.EVIDENCE_MAX_BYTES:
        raise _refuse(
            "file",
            _("The file is larger than %(mb)d MB.")
            % {"mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)},
            "too_large",
        )
    lower = name.lower()
    suffix = "." + lower.rsplit(".", 1)[-1] if "." in lower else ""
    if suffix in UPLOAD_TYPES:
        return _upload_single(
            actor=actor, source=source, name=name, data=data, suffix=suffix, title=title,
            published_on=published_on, body=body,
        )  # fmt: skip
    try:
        if suffix == ".xlsx":
            notices, errors = read_excel(data)
        elif suffix == ".docx":
            notices, errors = read_word(data)
        else:
            raise _refuse(
                "file",
                _("Upload an Excel (.xlsx), Word (.docx), PDF (.pdf) or image (.jpg, .png) file."),
                "type",
            )
    except (Broken, LayoutChanged) as exc:
        raise _refuse("file", str(exc), "unreadable") from exc
    if errors:
        raise ValidationError({"file": [ValidationError(e, code="row") for e in errors]})
    new = collect_notices(source=source, notices=notices, actor=actor)
    Fetch.objects.create(source=source, outcome=Fetch.Outcome.OK, found=len(notices), new=new)
    return new


def _upload_single(
    *, actor, source: Source, name: str, data: bytes, suffix: str, title: str,
    published_on: datetime.date | None, body: str,
) -> int:  # fmt: skip
    """One notice kept as the uploaded PDF or photo, captured for the source's unit."""
    if not data.startswith(UPLOAD_TYPES[suffix]):
        raise _refuse(
            "file",
            _("The file is not the %(kind)s its name says.") % {"kind": suffix[1:].upper()},
            "unreadable",
        )
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = ValidationError(
            _("Give the title of the notice the file shows."), code="required"
        )
    if published_on is None:
        errors["published_on"] = ValidationError(
            _("Give the date the notice was published (such as 2026年3月5日)."), code="required"
        )
    elif published_on > timing.today():
        errors["published_on"] = ValidationError(
            _("A notice cannot be published after today."), code="future"
        )
    guid = "upload:" + hashlib.sha256(data).hexdigest()
    if Collected.objects.filter(source=source, guid=guid).exists():
        errors["file"] = ValidationError(_("This file was uploaded before."), code="duplicate")
    if errors:
        raise ValidationError(errors)
    from django.core.files.base import ContentFile

    collected = Collected(
        source=source,
        guid=guid,
        title=title[:300],
        published_on=published_on,
        body=(body or "").strip(),
        digest=content_digest(body),
    )
    collected.attachment.save(f"{guid[7:23]}{suffix}", ContentFile(data), save=False)
    collected.save()
    try:
        with transaction.atomic():
            collected.publication = _capture(
                actor=actor, node=source.node, title=title[:300], published_on=published_on,
                body=body or "", has_photo=suffix in IMAGE_SUFFIXES,
                source=Publication.Source.COLLECTED,
            )  # fmt: skip
        collected.save(update_fields=["publication"])
    except ValidationError:
        pass  # kept as collected, waiting for a person
    Fetch.objects.create(source=source, outcome=Fetch.Outcome.OK, found=1, new=1)
    return 1


@dataclass
class Preview:
    """What a fetch of a source's settings would collect, nothing saved."""

    outcome: str
    status: int | None = None
    error: str = ""
    rows: list = field(default_factory=list)  # (Notice, catalogue item or None, period)

    @property
    def outcome_label(self) -> str:
        return str(Fetch.Outcome(self.outcome).label)


def source_preview(
    *,
    actor: Account,
    node: OrgNode,
    kind: str,
    url: str,
    config: dict | None = None,
    timeout: float = fetcher.TIMEOUT,
    interval: float = fetcher.MIN_INTERVAL,
) -> Preview:
    """Read the address once with these settings and show what would be collected and how
    each notice would be classified; nothing is saved (no source, fetch or notice)."""
    _require(actor, "disclosure:publication:capture", _("Your role does not configure sources."))
    _in_scope(actor, node)
    _name, url, config, errors = _source_clean(name="", kind=kind, url=url, config=config)
    if not errors and kind == Source.Kind.UPLOAD:
        errors["kind"] = ValidationError(
            _("Files a unit uploads cannot be tested; upload one instead."), code="upload"
        )
    if errors:
        raise ValidationError(errors)
    draft = Source(node=node, kind=kind, url=url, config=config)
    try:
        answer = fetcher.get(
            url, allowed_hosts={fetcher.host_of(url)}, timeout=timeout, interval=interval
        )
        notices = adapter_for(kind).parse(answer.data, draft)
    except fetcher.Refused as exc:
        return Preview(Fetch.Outcome.REFUSED, error=str(exc))
    except fetcher.Failed as exc:
        outcome = Fetch.Outcome.TIMEOUT if exc.timeout else Fetch.Outcome.BROKEN
        return Preview(outcome, status=exc.status, error=str(exc))
    except LayoutChanged as exc:
        return Preview(Fetch.Outcome.EMPTY, status=answer.status, error=str(exc))
    except Broken as exc:
        return Preview(Fetch.Outcome.BROKEN, status=answer.status, error=str(exc))
    rows = []
    for notice in notices:
        item = classify(node=node, title=notice.title)
        key = ""
        if item is not None and item.frequency != CatalogueItem.Frequency.EVENT:
            key = parse_period(notice.title) or ""
            if key and _key_error(item, node, key):
                key = ""
        rows.append((notice, item, key))
    outcome = Fetch.Outcome.OK if notices else Fetch.Outcome.EMPTY
    return Preview(outcome, status=answer.status, rows=rows)


def source_fetch_now(
    *,
    actor: Account,
    source: Source,
    timeout: float = fetcher.TIMEOUT,
    interval: float = fetcher.MIN_INTERVAL,
) -> Fetch:
    """An officer reads ``source`` now rather than at the worker's next hourly run."""
    _require(actor, "disclosure:publication:capture", _("Your role does not configure sources."))
    _in_scope(actor, source.node)
    if source.kind == Source.Kind.UPLOAD:
        raise _refuse("source", _("Files a unit uploads are not fetched."), "upload")
    if not source.enabled:
        raise _refuse("source", _("The source is disabled; enable it first."), "disabled")
    return source_fetch(source=source, timeout=timeout, interval=interval)


@transaction.atomic
def collected_classify(
    *,
    actor: Account,
    collected: Collected,
    catalogue_item: CatalogueItem,
    key: str,
    published_on: datetime.date | None = None,
) -> Publication:
    """A person places a collected notice the rules could not: its catalogue item and period
    (and its date, when the source gave none)."""
    _require(actor, "disclosure:publication:capture", _("Your role does not capture notices."))
    collected = (
        Collected.objects.select_for_update().select_related("source__node").get(pk=collected.pk)
    )
    _in_scope(actor, collected.source.node)
    if collected.publication_id is not None:
        return publication_classify(
            actor=actor, publication=collected.publication, catalogue_item=catalogue_item, key=key
        )
    published_on = collected.published_on or published_on
    if not (key or "").strip():
        raise _refuse("key", _("Give the period the notice covers."), "required")
    publication = _capture(
        actor=actor,
        node=collected.source.node,
        title=collected.title,
        published_on=published_on,
        url=collected.guid if collected.guid.startswith(("http://", "https://")) else "",
        body=collected.body,
        catalogue_item=catalogue_item,
        key=key,
        source=Publication.Source.COLLECTED,
    )
    collected.publication, collected.published_on = publication, published_on
    collected.save(update_fields=["publication", "published_on"])
    return publication
