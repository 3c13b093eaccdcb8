"""Writes of integrity files: opening a file (with its reason), family members and social
relations (entered or imported from Excel), sanctions and personal-matter reports. Every write
records a ledger leaf in its own transaction; every row written is traced."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.lib import resident_id as rid
from oversight.loop import timing
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, Person
from oversight.orgs.services import resident_id_message

from . import selectors
from .models import (
    Effect,
    FileRecord,
    FileView,
    MatterCheck,
    MatterCheckEntry,
    MatterEntry,
    MatterReport,
    Opinion,
    OpinionRequest,
    OpinionRule,
    Purpose,
    Relative,
    Sanction,
    SensitiveRequest,
)

REASON_MAX = 300


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _is_own(actor, person: Person) -> bool:
    return actor.person_id is not None and actor.person_id == person.pk


def _require_edit(actor, person: Person) -> None:
    """Officers holding ``integrity:file:edit`` write the files of people in their scope."""
    if not has_perm(actor, "integrity:file:edit") or not selectors.in_scope(
        viewer=actor, person=person
    ):
        raise PermissionDenied(_("Your role does not enter records in this file."))


# --- opening a file --------------------------------------------------------------------------


@transaction.atomic
def file_open(*, actor: Account, person: Person, reason: str = "") -> FileView:
    """Open ``person``'s integrity file: one's own (with ``integrity:file:own``) without a
    reason, anyone else's in one's scope (with ``integrity:file:view``) only with a stated
    reason. Every opening is recorded, and listed on the file."""
    own = _is_own(actor, person) and has_perm(actor, "integrity:file:own")
    if not own and not (
        has_perm(actor, "integrity:file:view") and selectors.in_scope(viewer=actor, person=person)
    ):
        raise PermissionDenied(_("You may not open this integrity file."))
    reason = " ".join(reason.split())
    if not own and not reason:
        raise _refuse(
            "reason", _("Say why you open this file (for example: promotion review)."), "required"
        )
    if len(reason) > REASON_MAX:
        raise _refuse(
            "reason",
            _("Keep the reason within %(n)d characters.") % {"n": REASON_MAX},
            "too_long",
        )
    view = FileView.objects.create(person=person, viewer=actor, reason=reason, own=own)
    ledger.record(
        actor=actor,
        action="integrity.file.open",
        target=view,
        before=None,
        after=snapshot(view),
        details={"person": person.pk, "reason": reason},
    )
    return view


# --- family members and social relations -----------------------------------------------------


def _normalized_id(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return rid.normalize(value)
    except rid.InvalidResidentId as exc:
        raise _refuse("resident_id", resident_id_message(exc.code), "invalid") from exc


@transaction.atomic
def relative_add(
    *,
    actor: Account,
    person: Person,
    relation: str,
    name: str,
    resident_id: str = "",
    workplace: str = "",
    note: str = "",
) -> Relative:
    """Add a family member or social relation to ``person``'s file; a resident ID, when given,
    must be valid, and links the relative to the platform's person who bears it."""
    _require_edit(actor, person)
    errors = {}
    name = name.strip()
    if not name:
        errors["name"] = ValidationError(_("Give the relative's name."), code="required")
    if relation not in Relative.Relation.values:
        errors["relation"] = ValidationError(_("Choose the relation."), code="invalid")
    try:
        number = _normalized_id(resident_id)
    except ValidationError as exc:
        errors.update(exc.error_dict)
        number = ""
    if number and number == person.resident_id:
        errors["resident_id"] = ValidationError(
            _("This is the cadre's own resident ID."), code="self"
        )
    elif number and Relative.objects.filter(person=person, resident_id=number).exists():
        errors["resident_id"] = ValidationError(
            _("This relative is already in the file."), code="exists"
        )
    if errors:
        raise ValidationError(errors)
    relative = Relative.objects.create(
        person=person,
        relation=relation,
        name=name,
        resident_id=number,
        relative_person=Person.objects.filter(resident_id=number).first() if number else None,
        workplace=workplace.strip(),
        note=note.strip(),
        created_by=actor,
    )
    ledger.record(
        actor=actor,
        action="integrity.relative.add",
        target=relative,
        before=None,
        after=snapshot(relative),
    )
    return relative


@transaction.atomic
def relative_remove(*, actor: Account, relative: Relative, reason: str) -> None:
    """Remove a relative entered by mistake, for a recorded reason."""
    _require_edit(actor, relative.person)
    if not reason.strip():
        raise _refuse("reason", _("Say why the relative is removed."), "required")
    before, pk = snapshot(relative), relative.pk
    relative.delete()
    # After the row: a leaf with a before and no after records its removal.
    ledger.record(
        actor=actor,
        action="integrity.relative.remove",
        target=(Relative._meta.label_lower, pk),
        before=before,
        after=None,
        details={"reason": reason.strip()},
    )


RELATIVE_COLUMNS = [
    ("cadre_id", _lazy("cadre's resident ID")),
    ("relation", _lazy("relation")),
    ("name", _lazy("name of the relative")),
    ("resident_id", _lazy("resident ID")),
    ("workplace", _lazy("workplace and post")),
    ("note", _lazy("note")),
]
RELATIVE_REQUIRED = ["cadre_id", "relation", "name"]
RELATIVE_LABELS = dict(RELATIVE_COLUMNS)


def _relation(value: str) -> str:
    """A relation given by its code or its label in either language."""
    from django.utils import translation

    value = value.strip()
    for code, label in Relative.Relation.choices:
        if value == code:
            return code
        for language in ("en", "zh-hans"):
            with translation.override(language):
                if value == str(label):
                    return code
    return value


@transaction.atomic
def relatives_import(*, actor: Account, rows: Sequence[dict]) -> int:
    """Add the relatives of ``rows`` (read from an Excel sheet, one relative a row, the cadre by
    resident ID): all of them, or none, with every bad row named and why."""
    if not has_perm(actor, "integrity:file:edit"):
        raise PermissionDenied(_("Your role does not enter records in integrity files."))
    if not rows:
        raise _refuse("file", _("The sheet has no rows."), "empty")
    errors: list[str] = []
    created = 0
    for row in rows:
        number = row["_row"]
        problems: list[str] = []
        person = None
        try:
            cadre_id = rid.normalize(row.get("cadre_id", ""))
        except rid.InvalidResidentId as exc:
            problems.append(f"{RELATIVE_LABELS['cadre_id']}: {resident_id_message(exc.code)}")
        else:
            person = selectors.people(viewer=actor).filter(resident_id=cadre_id).first()
            if person is None:
                problems.append(
                    _("%(column)s: no cadre in your scope has this resident ID")
                    % {"column": RELATIVE_LABELS["cadre_id"]}
                )
        if person is not None:
            try:
                with transaction.atomic():
                    relative_add(
                        actor=actor,
                        person=person,
                        relation=_relation(row.get("relation", "")),
                        name=row.get("name", ""),
                        resident_id=row.get("resident_id", ""),
                        workplace=row.get("workplace", ""),
                        note=row.get("note", ""),
                    )
                    created += 1
            except ValidationError as exc:
                problems.extend(
                    f"{RELATIVE_LABELS.get(field, field)}: {' '.join(texts)}"
                    for field, texts in exc.message_dict.items()
                )
        if problems:
            errors.append(_("Row %(n)d: %(errors)s") % {"n": number, "errors": "; ".join(problems)})
    if errors:
        raise ValidationError({"file": [ValidationError(e, code="row") for e in errors]})
    return created


# --- sanctions ---------------------------------------------------------------------------------


@transaction.atomic
def sanction_add(
    *,
    actor: Account,
    person: Person,
    kind: str,
    decided_on: datetime.date,
    authority: str,
    summary: str,
    document_no: str = "",
    probation_months: int | None = None,
) -> Sanction:
    """Record a sanction of ``person`` (entered from the decision; its influence period follows
    from ``rules.SANCTION_RULES``)."""
    _require_edit(actor, person)
    errors = {}
    if kind not in Sanction.Kind.values:
        errors["kind"] = ValidationError(_("Choose the sanction."), code="invalid")
    if decided_on is None:
        errors["decided_on"] = ValidationError(_("Give the decision date."), code="required")
    elif decided_on > timing.today():
        errors["decided_on"] = ValidationError(
            _("The decision date cannot lie in the future."), code="future"
        )
    if not authority.strip():
        errors["authority"] = ValidationError(
            _("Name the body that decided the sanction."), code="required"
        )
    if not summary.strip():
        errors["summary"] = ValidationError(_("State the facts in brief."), code="required")
    if kind == Sanction.Kind.PARTY_PROBATION:
        if probation_months not in (12, 24):
            errors["probation_months"] = ValidationError(
                _("Probation within the party lasts 12 or 24 months."), code="invalid"
            )
    elif probation_months:
        errors["probation_months"] = ValidationError(
            _("Only probation within the party has a probation period."), code="not_probation"
        )
    if errors:
        raise ValidationError(errors)
    sanction = Sanction.objects.create(
        person=person,
        kind=kind,
        decided_on=decided_on,
        probation_months=probation_months or None,
        authority=authority.strip(),
        document_no=document_no.strip(),
        summary=summary.strip(),
        created_by=actor,
    )
    ledger.record(
        actor=actor,
        action="integrity.sanction.add",
        target=sanction,
        before=None,
        after=snapshot(sanction),
    )
    return sanction


# --- personal-matter reports -------------------------------------------------------------------


@transaction.atomic
def matter_report_submit(
    *,
    actor: Account,
    person: Person,
    kind: str,
    year: int,
    entries: Sequence[tuple[str, str]],
) -> MatterReport:
    """A personal-matter report of ``person``: submitted by the cadre themself (with
    ``integrity:file:own``) or entered by an officer from the paper form. ``entries`` are
    (item, what is reported); a yearly report is one per year."""
    if not (_is_own(actor, person) and has_perm(actor, "integrity:file:own")):
        _require_edit(actor, person)
    today = timing.today()
    errors = {}
    if kind not in MatterReport.Kind.values:
        errors["kind"] = ValidationError(_("Choose the kind of report."), code="invalid")
    if year is None or not 2000 <= year <= today.year:
        errors["year"] = ValidationError(
            _("The year lies between 2000 and this year."), code="out_of_range"
        )
    elif (
        kind == MatterReport.Kind.YEARLY
        and MatterReport.objects.filter(person=person, year=year, kind=kind).exists()
    ):
        errors["year"] = ValidationError(
            _("The yearly report of %(year)d has been submitted already: report a change.")
            % {"year": year},
            code="exists",
        )
    cleaned = [(item, content.strip()) for item, content in entries if content.strip()]
    if not cleaned:
        errors["entries"] = ValidationError(
            _("Fill in at least one item (write “none” where nothing changed)."), code="required"
        )
    unknown = sorted({item for item, _content in cleaned} - set(MatterEntry.Item.values))
    if unknown:
        errors["entries"] = ValidationError(
            _("Unknown items: %(items)s") % {"items": ", ".join(unknown)}, code="invalid"
        )
    if errors:
        raise ValidationError(errors)
    report = MatterReport.objects.create(
        person=person, kind=kind, year=year, submitted_on=today, submitted_by=actor
    )
    rows = MatterEntry.objects.bulk_create(
        MatterEntry(report=report, item=item, content=content) for item, content in cleaned
    )
    ledger.record_many(
        [
            ledger.Event(
                actor=actor,
                action="integrity.report.submit",
                target=report,
                before=None,
                after=snapshot(report),
            ),
            *(
                ledger.Event(
                    actor=actor,
                    action="integrity.report.entry",
                    target=row,
                    before=None,
                    after=snapshot(row),
                )
                for row in rows
            ),
        ]
    )
    return report


# --- integrity opinions ------------------------------------------------------------------------

MAX_PEOPLE = 500
SIGNED_OPINION = "integrity.signed_opinion"


def _people_from_ids(actor, resident_ids: Sequence[str]) -> list[Person]:
    """The people named by ``resident_ids`` (one per line as pasted), each bad line named."""
    errors: list[str] = []
    found: list[Person] = []
    seen: dict[str, int] = {}
    visible = selectors.people(viewer=actor)
    for number, raw in enumerate(resident_ids, start=1):
        raw = raw.strip()
        if not raw:
            continue
        try:
            value = rid.normalize(raw)
        except rid.InvalidResidentId as exc:
            errors.append(
                _("Line %(n)d (%(id)s): %(error)s")
                % {"n": number, "id": raw, "error": resident_id_message(exc.code)}
            )
            continue
        if value in seen:
            errors.append(
                _("Line %(n)d (%(id)s): listed already on line %(first)d")
                % {"n": number, "id": raw, "first": seen[value]}
            )
            continue
        seen[value] = number
        person = visible.filter(resident_id=value).first()
        if person is None:
            errors.append(
                _("Line %(n)d (%(id)s): no cadre in your scope has this resident ID")
                % {"n": number, "id": raw}
            )
            continue
        found.append(person)
    if errors:
        raise ValidationError({"resident_ids": [ValidationError(e, code="line") for e in errors]})
    if not found:
        raise _refuse("resident_ids", _("List at least one resident ID."), "required")
    if len(found) > MAX_PEOPLE:
        raise _refuse(
            "resident_ids",
            _("At most %(n)d people in one request.") % {"n": MAX_PEOPLE},
            "too_many",
        )
    return found


@transaction.atomic
def opinion_request_create(
    *, actor: Account, requester: str, purpose: str, resident_ids: Sequence[str]
) -> OpinionRequest:
    """A request for integrity opinions on the people ``resident_ids`` (pasted or read from a
    sheet) for ``purpose``: one ``integrity.opinion`` work item at the actor's body, and one
    drafted opinion per person, each sentence citing its record."""
    from oversight.loop import services as loop

    from . import opinions
    from .workflows import KIND

    if not has_perm(actor, "integrity:opinion:draft"):
        raise PermissionDenied(_("Your role does not draft integrity opinions."))
    errors = {}
    requester = " ".join(requester.split())
    if not requester:
        errors["requester"] = ValidationError(
            _("Name who asks (for example: the county's organisation department)."),
            code="required",
        )
    if purpose not in Purpose.values:
        errors["purpose"] = ValidationError(_("Choose the purpose."), code="invalid")
    try:
        people_ = _people_from_ids(actor, resident_ids)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    as_of = timing.today()
    item = loop.item_open(
        kind=KIND,
        title=_("Integrity opinions for %(requester)s: %(purpose)s, %(n)d people")
        % {"requester": requester, "purpose": Purpose(purpose).label, "n": len(people_)},
        actor=actor,
        responsible_node=actor.org_node,
        supervising_node=actor.org_node,
        assignee=actor,
        announce=False,
    )
    request = OpinionRequest.objects.create(
        requester=requester,
        purpose=purpose,
        as_of=as_of,
        node=actor.org_node,
        item=item,
        created_by=actor,
    )
    table = list(OpinionRule.objects.filter(active=True))
    rows = []
    for person in people_:
        drafted = opinions.draft(person=person, purpose=purpose, as_of=as_of, table=table)
        rows.append(
            Opinion(
                request=request,
                person=person,
                verdict=drafted.verdict,
                sentences=[s.as_json() for s in drafted.sentences],
                rules=drafted.rules_fired,
            )
        )
    rows = Opinion.objects.bulk_create(rows)
    ledger.record_many(
        [
            ledger.Event(
                actor=actor,
                action="integrity.opinion.request",
                target=request,
                before=None,
                after=snapshot(request),
            ),
            *(
                ledger.Event(
                    actor=actor,
                    action="integrity.opinion.draft",
                    target=row,
                    before=None,
                    after=snapshot(row),
                )
                for row in rows
            ),
        ]
    )
    return request


def opinions_sign(*, item, actor) -> list[Opinion]:
    """The signing step's hook: each opinion of the request issued as a Word document with
    its serial number (by someone other than the drafter), and its content fixed in the
    ledger, so the requester can verify it was not altered."""
    from oversight.documents.models import DocType
    from oversight.documents.services import issue_document

    request = OpinionRequest.objects.select_related("node").get(item=item)
    if actor is not None and actor.pk == request.created_by_id:
        raise ValidationError(
            _("An opinion is signed by someone other than its drafter."),
            code="signer_is_drafter",
        )
    signed = []
    for opinion in request.opinions.select_related("person").select_for_update().order_by("pk"):
        if opinion.document_id is not None:
            continue
        before = snapshot(opinion)
        opinion.document = issue_document(
            doc_type=DocType.INTEGRITY_OPINION,
            issuer_node=request.node,
            actor=actor,
            context={
                "recipient_unit": request.requester,
                "title": _("Integrity opinion on %(name)s") % {"name": opinion.person.name},
                "paragraphs": [s["text"] for s in opinion.sentences],
            },
            target=item,
            issued_on=timing.today(),
            announce=False,
        )
        opinion.save(update_fields=["document"])
        ledger.record(
            actor=actor,
            action="integrity.opinion.sign",
            target=opinion,
            before=before,
            after=snapshot(opinion),
        )
        ledger.fix_record(
            actor=actor,
            record_type=SIGNED_OPINION,
            record_id=opinion.pk,
            content=signed_content(opinion),
            public=False,
        )
        signed.append(opinion)
    if request.letter_id is None and request.opinions.count() > 1:
        _covering_letter(request, actor)
    return signed


def _current_titles(person_ids: list[int], as_of) -> dict[int, str]:
    """Each person's posts held on ``as_of`` (from orgs), joined by a semicolon."""
    from django.db.models import Q

    from oversight.orgs.models import Position

    titles: dict[int, list[str]] = {}
    held = Position.objects.filter(person_id__in=person_ids, start_date__lte=as_of).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=as_of)
    )
    for person_id, title in held.order_by("-start_date").values_list("person_id", "title"):
        titles.setdefault(person_id, []).append(title)
    return {k: "; ".join(v) for k, v in titles.items()}


def _covering_letter(request: OpinionRequest, actor) -> None:
    """One covering letter for a list: its table names each person, their unit, the
    conclusion and the serial number of their own opinion (issued through ``documents`` as
    the per-person ones). The rows go in ``extra.columns`` and ``extra.rows``: the built-in
    template sets them as a real Word table, a custom template may place them itself; each
    finding names the record it came from."""
    from oversight.documents.models import DocType
    from oversight.documents.services import issue_document

    from .opinions import VERDICTS

    opinions_ = list(
        request.opinions.select_related("person", "person__org_node", "document").order_by("pk")
    )
    titles = _current_titles([o.person_id for o in opinions_], request.as_of)
    columns = [
        _("No."),
        _("name"),
        _("unit"),
        _("position"),
        _("findings (each with its record)"),
        _("conclusion"),
        _("serial"),
    ]
    rows = [
        [
            str(n),
            o.person.name,
            o.person.org_node.name,
            titles.get(o.person_id, ""),
            "\n".join(f"{s['text']} [{s['cite']['type']} #{s['cite']['id']}]" for s in o.sentences),
            str(VERDICTS[o.verdict]),
            o.document.serial if o.document else "",
        ]
        for n, o in enumerate(opinions_, start=1)
    ]
    paragraphs = [
        _(
            "In answer to your request for integrity opinions on %(n)d people (%(purpose)s), "
            "the conclusions are listed in the table below; each person's opinion, with the "
            "records it cites, is issued under its own serial number."
        )
        % {"n": len(rows), "purpose": request.get_purpose_display()},
    ]
    before = snapshot(request)
    request.letter = issue_document(
        doc_type=DocType.INTEGRITY_OPINION,
        issuer_node=request.node,
        actor=actor,
        context={
            "recipient_unit": request.requester,
            "title": _("Integrity opinions on %(n)d people") % {"n": len(rows)},
            "paragraphs": paragraphs,
            "extra": {"columns": columns, "rows": rows},
        },
        target=request.item,
        issued_on=timing.today(),
        announce=False,
    )
    request.save(update_fields=["letter"])
    ledger.record(
        actor=actor,
        action="integrity.opinion.letter",
        target=request,
        before=before,
        after=snapshot(request),
    )


def signed_content(opinion: Opinion) -> dict:
    """What a signed opinion says, as fixed in the ledger: the document's serial number and
    digest, the conclusion, the rules applied and every sentence with its citation."""
    document = opinion.document
    return {
        "serial": document.serial if document else "",
        "sha256": document.sha256 if document else "",
        "person": opinion.person.resident_id,
        "verdict": opinion.verdict,
        "rules": list(opinion.rules),
        "sentences": [{"text": s["text"], "cite": s["cite"]} for s in opinion.sentences],
    }


# --- sensitive parts ---------------------------------------------------------------------------


@transaction.atomic
def sensitive_request(*, actor: Account, view: FileView, reason: str) -> SensitiveRequest:
    """Ask a leader to approve seeing the family members and property matters of the file
    opened by ``view`` (the actor's own, current opening of someone else's file)."""
    from oversight.analytics.services import default_supervising_node
    from oversight.loop import services as loop

    from .workflows import SENSITIVE_KIND

    if view.viewer_id != actor.pk or view.own or not view.is_current():
        raise PermissionDenied(_("Open the file first."))
    reason = " ".join(reason.split())
    if not reason:
        raise _refuse("reason", _("Say why you need to see these parts."), "required")
    if len(reason) > REASON_MAX:
        raise _refuse(
            "reason",
            _("Keep the reason within %(n)d characters.") % {"n": REASON_MAX},
            "too_long",
        )
    pending = SensitiveRequest.objects.filter(
        person=view.person, requester=actor, item__closed_at__isnull=True
    )
    if pending.exists():
        raise _refuse("reason", _("Your request is awaiting a decision already."), "pending")
    item = loop.item_open(
        kind=SENSITIVE_KIND,
        title=_("See the family and property parts of %(name)s's file")
        % {"name": view.person.name},
        description=reason,
        actor=actor,
        responsible_node=actor.org_node,
        supervising_node=default_supervising_node(actor.org_node),
    )
    request = SensitiveRequest.objects.create(
        person=view.person, requester=actor, reason=reason, item=item
    )
    ledger.record(
        actor=actor,
        action="integrity.sensitive.request",
        target=request,
        before=None,
        after=snapshot(request),
    )
    return request


def _choice(value, choices) -> str:
    """A choice given by its code or its label in either language ("" if none matches)."""
    from django.utils import translation

    value = str(value or "").strip()
    for code, label in choices:
        if value == code:
            return code
        for language in ("en", "zh-hans"):
            with translation.override(language):
                if value == str(label):
                    return code
    return ""


# --- other records of the file: gifts, talks, accountability, commendations, audits ----------


@transaction.atomic
def record_add(
    *,
    actor: Account,
    person: Person,
    kind: str,
    on: datetime.date,
    summary: str,
    authority: str = "",
    amount=None,
) -> FileRecord:
    """Enter a record of ``person``'s file that comes from outside the platform (a gift handed
    in, an integrity talk, accountability, a commendation, a departure audit)."""
    _require_edit(actor, person)
    errors = {}
    if kind not in FileRecord.Kind.values:
        errors["kind"] = ValidationError(_("Choose the kind of record."), code="invalid")
    if on is None:
        errors["on"] = ValidationError(_("Give the date."), code="required")
    elif on > timing.today():
        errors["on"] = ValidationError(_("The date cannot lie in the future."), code="future")
    summary = " ".join((summary or "").split())
    if not summary:
        errors["summary"] = ValidationError(_("Say what happened."), code="required")
    elif len(summary) > 500:
        errors["summary"] = ValidationError(
            _("Keep it within %(n)d characters.") % {"n": 500}, code="too_long"
        )
    if amount is not None and amount < 0:
        errors["amount"] = ValidationError(_("The amount cannot be negative."), code="negative")
    if kind == FileRecord.Kind.GIFT and amount is None:
        errors["amount"] = ValidationError(
            _("Give the value of the gift or money handed in."), code="required"
        )
    if errors:
        raise ValidationError(errors)
    record = FileRecord.objects.create(
        person=person,
        kind=kind,
        on=on,
        summary=summary,
        authority=" ".join((authority or "").split())[:120],
        amount=amount,
        created_by=actor,
    )
    ledger.record(
        actor=actor,
        action="integrity.record.add",
        target=record,
        before=None,
        after=snapshot(record),
    )
    return record


RECORD_COLUMNS = [
    ("cadre_id", _lazy("cadre's resident ID")),
    ("kind", _lazy("kind of record")),
    ("on", _lazy("date")),
    ("summary", _lazy("what happened")),
    ("authority", _lazy("by whom")),
    ("amount", _lazy("amount (yuan)")),
]
RECORD_REQUIRED = ["cadre_id", "kind", "on", "summary"]
RECORD_LABELS = dict(RECORD_COLUMNS)


def _date_cell(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("not a date (write it as 2025-03-10)")) from None


def _amount_cell(value):
    from decimal import Decimal, InvalidOperation

    text = str(value if value is not None else "").strip().replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(_("not a number")) from None


@transaction.atomic
def records_import(*, actor: Account, rows: Sequence[dict]) -> int:
    """Add the records of ``rows`` (an Excel sheet, one record a row, the cadre by resident
    ID): all of them, or none, with every bad row named by its number and field."""
    if not has_perm(actor, "integrity:file:edit"):
        raise PermissionDenied(_("Your role does not enter records in integrity files."))
    if not rows:
        raise _refuse("file", _("The sheet has no rows."), "empty")
    errors: list[str] = []
    created = 0
    visible = selectors.people(viewer=actor)
    for row in rows:
        problems: list[str] = []
        person = None
        try:
            cadre_id = rid.normalize(str(row.get("cadre_id") or ""))
        except rid.InvalidResidentId as exc:
            problems.append(f"{RECORD_LABELS['cadre_id']}: {resident_id_message(exc.code)}")
        else:
            person = visible.filter(resident_id=cadre_id).first()
            if person is None:
                problems.append(
                    _("%(column)s: no cadre in your scope has this resident ID")
                    % {"column": RECORD_LABELS["cadre_id"]}
                )
        values = {}
        for key, parse in (("on", _date_cell), ("amount", _amount_cell)):
            try:
                values[key] = parse(row.get(key))
            except ValueError as exc:
                problems.append(f"{RECORD_LABELS[key]}: {exc}")
        kind = _choice(row.get("kind"), FileRecord.Kind.choices)
        if not kind:
            problems.append(f"{RECORD_LABELS['kind']}: {_('Choose the kind of record.')}")
        if person is not None and not problems:
            try:
                with transaction.atomic():
                    record_add(
                        actor=actor,
                        person=person,
                        kind=kind,
                        on=values["on"],
                        summary=str(row.get("summary") or ""),
                        authority=str(row.get("authority") or ""),
                        amount=values["amount"],
                    )
                    created += 1
            except ValidationError as exc:
                problems.extend(
                    f"{RECORD_LABELS.get(field, field)}: {' '.join(texts)}"
                    for field, texts in exc.message_dict.items()
                )
        if problems:
            errors.append(
                _("Row %(n)d: %(errors)s") % {"n": row["_row"], "errors": "; ".join(problems)}
            )
    if errors:
        raise ValidationError({"file": [ValidationError(e, code="row") for e in errors]})
    return created


# --- random checks of personal-matter reports (抽查核实) -----------------------------------------

CHECK_LIST_COLUMNS = [
    ("resident_id", _lazy("resident ID")),
    ("item", _lazy("item")),
    ("content", _lazy("what the list records")),
    ("source", _lazy("from which register")),
]
CHECK_LIST_REQUIRED = ["resident_id", "item", "content"]
CHECK_LIST_LABELS = dict(CHECK_LIST_COLUMNS)
MAX_SAMPLE = 500


def check_list_rows(rows: Sequence[dict]) -> list[dict]:
    """The rows of an officer's property or payroll list (one fact a row: whose, which item of
    the report, what the list records), cleaned; all or none, every bad row named."""
    errors: list[str] = []
    cleaned: list[dict] = []
    for row in rows:
        problems: list[str] = []
        try:
            number = rid.normalize(str(row.get("resident_id") or ""))
        except rid.InvalidResidentId as exc:
            problems.append(f"{CHECK_LIST_LABELS['resident_id']}: {resident_id_message(exc.code)}")
            number = ""
        item = _choice(row.get("item"), MatterEntry.Item.choices)
        if not item:
            problems.append(
                f"{CHECK_LIST_LABELS['item']}: {_('not one of the fourteen items of the report')}"
            )
        content = " ".join(str(row.get("content") or "").split())
        if not content:
            problems.append(f"{CHECK_LIST_LABELS['content']}: {_('empty')}")
        if problems:
            errors.append(
                _("Row %(n)d: %(errors)s") % {"n": row["_row"], "errors": "; ".join(problems)}
            )
            continue
        cleaned.append(
            {
                "row": row["_row"],
                "resident_id": number,
                "item": item,
                "content": content,
                "source": " ".join(str(row.get("source") or "").split())[:120],
            }
        )
    if errors:
        raise ValidationError({"sheet": [ValidationError(e, code="row") for e in errors]})
    return cleaned


def _squeeze(text: str) -> str:
    return "".join(text.split()).lower()


def _discrepancies(
    report: MatterReport, roles: Sequence, facts: Sequence[dict], list_name: str
) -> list[dict]:
    """What the data knows about the report's cadre and their family that the report does not
    say: each with its text, the item concerned and where the fact comes from."""
    person = report.person
    said: dict[str, str] = {}
    for entry in report.entries.all():
        said[entry.item] = said.get(entry.item, "") + _squeeze(entry.content)
    family = {r.resident_id: r for r in person.relatives.all() if r.resident_id and r.is_family}
    who = {person.resident_id: person.name, **{k: f"{r.name} ({r.get_relation_display()})"
                                                 for k, r in family.items()}}  # fmt: skip
    found = []
    for role in roles:
        if role.resident_id not in who:
            continue
        item = MatterEntry.Item.FAMILY_BUSINESS
        if role.role == "shareholder" and role.resident_id == person.resident_id:
            item = MatterEntry.Item.SECURITIES
        text_said = said.get(item, "")
        if _squeeze(role.vendor) in text_said or _squeeze(role.uscc) in text_said:
            continue
        found.append(
            {
                "text": (
                    _(
                        "The vendor data shows %(who)s as the legal representative of "
                        "%(vendor)s (%(uscc)s); the item “%(item)s” does not mention it."
                    )
                    if role.role == "legal_rep"
                    else _(
                        "The vendor shareholders data shows %(who)s holding %(ratio)s of "
                        "%(vendor)s (%(uscc)s); the item “%(item)s” does not mention it."
                    )
                )
                % {
                    "who": who[role.resident_id],
                    "vendor": role.vendor or "—",
                    "uscc": role.uscc,
                    "ratio": role.share_ratio or "—",
                    "item": MatterEntry.Item(item).label,
                },
                "item": str(item),
                "source": "analytics."
                + ("vendors" if role.role == "legal_rep" else "vendor_shareholders"),  # fmt: skip
                "key": role.uscc,
            }
        )
    for fact in facts:
        if fact["resident_id"] not in who:
            continue
        if _squeeze(fact["content"]) in said.get(fact["item"], ""):
            continue
        found.append(
            {
                "text": _(
                    "%(list)s, row %(row)d (%(source)s), records for %(who)s under “%(item)s”: "
                    "%(content)s; the report does not mention it."
                )
                % {
                    "list": list_name or _("The uploaded list"),
                    "row": fact["row"],
                    "source": fact["source"] or "—",
                    "who": who[fact["resident_id"]],
                    "item": MatterEntry.Item(fact["item"]).label,
                    "content": fact["content"],
                },
                "item": fact["item"],
                "source": "list",
                "key": str(fact["row"]),
            }
        )
    return found


def draw(pool: Sequence[int], size: int, seed: int) -> list[int]:
    """The reports drawn from ``pool`` (report ids) with ``seed``: the same seed over the same
    pool draws the same sample, whoever draws it, in the order of the pool's ids."""
    import random

    ordered = sorted(pool)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))


@transaction.atomic
def check_draw(
    *,
    actor: Account,
    year: int,
    size: int,
    seed: int | None = None,
    list_rows: Sequence[dict] = (),
    list_name: str = "",
) -> MatterCheck:
    """Draw a random sample of ``size`` yearly personal-matter reports of ``year`` among the
    cadres in the actor's scope (``seed`` recorded; one is chosen when none is given), compare
    each with the vendors and shareholders data and the officer's list ``list_rows``, and list
    the discrepancies for a talk: one ``integrity.check`` work item at the actor's body."""
    import secrets

    from oversight.analytics import selectors as analytics_selectors
    from oversight.loop import services as loop

    from .workflows import CHECK_KIND

    if not has_perm(actor, "integrity:check"):
        raise PermissionDenied(_("Your role does not draw random checks."))
    errors = {}
    if year is None or not 2000 <= year <= timing.today().year:
        errors["year"] = ValidationError(
            _("The year lies between 2000 and this year."), code="out_of_range"
        )
    if size is None or not 1 <= size <= MAX_SAMPLE:
        errors["size"] = ValidationError(
            _("Draw between 1 and %(n)d reports.") % {"n": MAX_SAMPLE}, code="out_of_range"
        )
    if seed is not None and not 0 <= seed < 2**62:
        errors["seed"] = ValidationError(_("The seed is a whole number ≥ 0."), code="invalid")
    facts = []
    if list_rows:
        try:
            facts = check_list_rows(list_rows)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    pool = list(
        MatterReport.objects.filter(
            kind=MatterReport.Kind.YEARLY,
            year=year,
            person__in=selectors.people(viewer=actor).values("pk"),
        ).values_list("pk", flat=True)
    )
    if not pool:
        raise _refuse(
            "year",
            _("No yearly report of %(year)d by a cadre in your scope is on record.")
            % {"year": year},
            "empty",
        )
    seed = secrets.randbits(32) if seed is None else seed
    drawn = draw(pool, size, seed)
    reports = list(
        MatterReport.objects.filter(pk__in=drawn)
        .select_related("person")
        .prefetch_related("entries", "person__relatives")
        .order_by("pk")
    )
    ids = set()
    for report in reports:
        ids.add(report.person.resident_id)
        ids.update(r.resident_id for r in report.person.relatives.all() if r.resident_id)
    roles = analytics_selectors.vendor_roles(sorted(ids))
    item = loop.item_open(
        kind=CHECK_KIND,
        title=_("Random check of the %(year)d personal-matter reports: %(n)d of %(pool)d drawn")
        % {"year": year, "n": len(reports), "pool": len(pool)},
        actor=actor,
        responsible_node=actor.org_node,
        supervising_node=actor.org_node,
        assignee=actor,
        announce=False,
    )
    check = MatterCheck.objects.create(
        year=year,
        seed=seed,
        pool=len(pool),
        size=len(reports),
        node=actor.org_node,
        item=item,
        list_name=list_name[:200],
        created_by=actor,
    )
    entries = MatterCheckEntry.objects.bulk_create(
        MatterCheckEntry(
            check_round=check,
            report=report,
            discrepancies=_discrepancies(report, roles, facts, list_name),
        )
        for report in reports
    )
    ledger.record_many(
        [
            ledger.Event(
                actor=actor,
                action="integrity.check.draw",
                target=check,
                before=None,
                after=snapshot(check),
                details={"seed": seed, "pool": sorted(pool), "drawn": drawn},
            ),
            *(
                ledger.Event(
                    actor=actor,
                    action="integrity.check.compare",
                    target=entry,
                    before=None,
                    after=snapshot(entry),
                )
                for entry in entries
            ),
        ]
    )
    return check


# --- the opinion's rule table ------------------------------------------------------------------

RULE_CODE = __import__("re").compile(r"^[A-Z][A-Z0-9_-]{0,15}$")


@transaction.atomic
def rule_save(
    *,
    actor: Account,
    rule: OpinionRule | None,
    code: str,
    condition: str,
    purposes: Sequence[str],
    effect: str,
    active: bool,
    order: int,
) -> OpinionRule:
    """Add a rule to the opinion's rule table (``rule`` None) or change one, by an
    administrator holding ``integrity:rule:edit``: every bad value named, and no two active
    rules deciding the same fact for the same purpose (which of them weighs would depend on
    their order). Each change records a leaf; opinions drafted before keep their rules."""
    if not has_perm(actor, "integrity:rule:edit"):
        raise PermissionDenied(_("Your role does not change the opinion's rules."))
    errors = {}
    code = (code or "").strip().upper()
    if not RULE_CODE.match(code):
        errors["code"] = ValidationError(
            _("A rule's code starts with a letter: capitals, digits, - and _, at most 16."),
            code="invalid",
        )
    elif OpinionRule.objects.filter(code=code).exclude(pk=rule.pk if rule else None).exists():
        errors["code"] = ValidationError(_("Another rule has this code."), code="exists")
    if condition not in OpinionRule.Condition.values:
        errors["condition"] = ValidationError(_("Choose when the rule applies."), code="invalid")
    purposes = sorted(set(purposes or ()))
    unknown = [p for p in purposes if p not in Purpose.values]
    if unknown:
        errors["purposes"] = ValidationError(
            _("Unknown purposes: %(p)s") % {"p": ", ".join(unknown)}, code="invalid"
        )
    if effect not in Effect.values:
        errors["effect"] = ValidationError(_("Choose the effect."), code="invalid")
    if order is None or not 0 <= order <= 9999:
        errors["order"] = ValidationError(_("The order lies between 0 and 9999."), code="invalid")
    if active and "condition" not in errors and "purposes" not in errors:
        others = OpinionRule.objects.filter(active=True, condition=condition)
        if rule is not None:
            others = others.exclude(pk=rule.pk)
        for other in others:
            if not purposes or not other.purposes or set(purposes) & set(other.purposes):
                errors["purposes"] = ValidationError(
                    _(
                        "Rule %(code)s decides this fact already for these purposes: narrow "
                        "the purposes or deactivate one of the two."
                    )
                    % {"code": other.code},
                    code="twin",
                )
                break
    if errors:
        raise ValidationError(errors)
    before = snapshot(rule) if rule is not None else None
    rule = rule or OpinionRule()
    rule.code, rule.condition, rule.purposes = code, condition, purposes
    rule.effect, rule.active, rule.order = effect, bool(active), order
    rule.save()
    ledger.record(
        actor=actor,
        action="integrity.rule.save",
        target=rule,
        before=before,
        after=snapshot(rule),
    )
    return rule


# --- re-drafting after a return ----------------------------------------------------------------


@transaction.atomic
def opinions_redraft(*, actor: Account, request: OpinionRequest) -> list[Opinion]:
    """Draft the opinions of ``request`` again (after the review returned them, once the file
    was corrected): each weighed anew by today's records and rule table, each change recorded.
    Only while the request waits with its drafter, and never once signed."""
    from . import opinions

    if not has_perm(actor, "integrity:opinion:draft"):
        raise PermissionDenied(_("Your role does not draft integrity opinions."))
    from oversight.loop.models import WorkItem

    item = WorkItem.objects.select_for_update().get(pk=request.item_id)
    if item.state != "drafted" or item.closed_at is not None:
        raise ValidationError(
            _("Opinions are drafted again only while they wait with their drafter."),
            code="not_drafted",
        )
    as_of = timing.today()
    table = list(OpinionRule.objects.filter(active=True))
    changed = []
    events = []
    rows = list(request.opinions.select_related("person").select_for_update().order_by("pk"))
    if any(row.document_id for row in rows):
        raise ValidationError(_("A signed opinion is not drafted again."), code="signed")
    for row in rows:
        drafted = opinions.draft(
            person=row.person, purpose=request.purpose, as_of=as_of, table=table
        )
        before = snapshot(row)
        row.verdict = drafted.verdict
        row.sentences = [s.as_json() for s in drafted.sentences]
        row.rules = drafted.rules_fired
        row.save(update_fields=["verdict", "sentences", "rules"])
        events.append(
            ledger.Event(
                actor=actor,
                action="integrity.opinion.redraft",
                target=row,
                before=before,
                after=snapshot(row),
            )
        )
        changed.append(row)
    before = snapshot(request)
    request.as_of = as_of
    request.save(update_fields=["as_of"])
    events.insert(
        0,
        ledger.Event(
            actor=actor,
            action="integrity.opinion.redraft_request",
            target=request,
            before=before,
            after=snapshot(request),
        ),
    )
    ledger.record_many(events)
    return changed
