"""Writes of the collective's books (三资): accounts, statements, assets, contracts, payouts,
members; the contract checks (rent against comparable contracts, expiry) that open
``collective.anomaly`` work items; Excel imports, all or nothing. Every write is recorded in the
ledger (the rows are traced), and a published month of accounts is a fixed record."""

from __future__ import annotations

import calendar
import datetime
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.lib.cndates import parse_date
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode
from oversight.orgs.selectors import node_list
from oversight.schedules.models import Obligation

from . import schedules as declared
from .ledger_targets import ASSET_STEP as ASSET_STEP_RECORD
from .ledger_targets import REIMBURSEMENT as REIMBURSEMENT_RECORD
from .ledger_targets import STATEMENT
from .models import (
    EXPENSE_CATEGORIES,
    Anomaly,
    Asset,
    AssetStep,
    Collective,
    Contract,
    Entry,
    Member,
    Objection,
    Payout,
    Reimbursement,
    Statement,
)
from .workflows import ANOMALY, ASSET_STEP, PLATFORM, REIMBURSEMENT

# The rent check: a contract is flagged when its rent per unit of size is below this share of
# the median of at least MIN_COMPARABLES comparable contracts (same town, kind and unit of size,
# in force on the day of the check).
UNDERPRICED_SHARE = Decimal("0.5")
MIN_COMPARABLES = 3
# Expiry warnings: a contract ending within this many days.
EXPIRY_WARNING_DAYS = 30


def _require(actor, code: str, message: str) -> None:
    if not has_perm(actor, code):
        raise PermissionDenied(message)


def _refuse(field_name: str, message: str, code: str) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code)})


def _in_scope(actor, node: OrgNode) -> None:
    if not node_list(viewer=actor, include_inactive=False).filter(pk=node.pk).exists():
        raise PermissionDenied(_("This unit is outside your scope."))


def _created(actor, action: str, row) -> None:
    ledger.record(actor=actor, action=action, target=row, before=None, after=snapshot(row))


def _may_record(actor, collective: Collective) -> None:
    _require(actor, "collective:record", _("Your role does not keep collectives' books."))
    _in_scope(actor, collective.node)


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳小明 -> 欧**明: what the public page shows of a beneficiary."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- collectives, accounts -----------------------------------------------------------------


@transaction.atomic
def collective_save(*, actor: Account, node: OrgNode, name: str) -> Collective:
    _require(actor, "collective:record", _("Your role does not keep collectives' books."))
    _in_scope(actor, node)
    name = name.strip()
    if not name:
        raise _refuse("name", _("A name is required."), "required")
    collective = Collective.objects.filter(node=node).first()
    if collective is None:
        collective = Collective.objects.create(node=node, name=name)
        _created(actor, "collective.collective.create", collective)
        return collective
    before = snapshot(collective)
    collective.name = name
    collective.save(update_fields=["name"])
    ledger.record(
        actor=actor,
        action="collective.collective.update",
        target=collective,
        before=before,
        after=snapshot(collective),
    )
    return collective


def _month_of(day: datetime.date) -> str:
    return f"{day.year}-{day.month:02d}"


def _entry_errors(*, booked_on, category, amount, summary, payment) -> dict:
    errors: dict[str, list[ValidationError]] = {}

    def add(name, message, code):
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    if booked_on is None:
        add("booked_on", _("Write a date such as 2026-03-05."), "date")
    if category not in Entry.Category.values:
        add("category", _("Not one of the 8 categories."), "category")
    if amount is None or amount <= 0:
        add("amount", _("Write an amount above zero."), "amount")
    if not (summary or "").strip():
        add("summary", _("A summary is required."), "required")
    if payment not in Entry.Payment.values:
        add("payment", _("Transfer or cash."), "payment")
    return errors


@transaction.atomic
def entry_add(
    *,
    actor: Account,
    collective: Collective,
    booked_on: datetime.date | None,
    category: str,
    amount: Decimal | None,
    summary: str,
    counterparty: str = "",
    payment: str = Entry.Payment.TRANSFER,
    approved_by: str = "",
    voucher: str = "",
) -> Entry:
    """Book one income or spending entry; a month already published is closed to new entries."""
    _may_record(actor, collective)
    errors = _entry_errors(
        booked_on=booked_on, category=category, amount=amount, summary=summary, payment=payment
    )
    if (
        booked_on is not None
        and Statement.objects.filter(collective=collective, month=_month_of(booked_on)).exists()
    ):
        errors.setdefault("booked_on", []).append(
            ValidationError(_("This month's accounts are already published."), code="published")
        )
    if errors:
        raise ValidationError(errors)
    entry = Entry.objects.create(
        collective=collective,
        month=_month_of(booked_on),
        booked_on=booked_on,
        category=category,
        amount=amount,
        summary=summary.strip(),
        counterparty=counterparty.strip(),
        payment=payment,
        approved_by=approved_by.strip(),
        voucher=voucher.strip(),
        created_by=actor,
    )
    _created(actor, "collective.entry.create", entry)
    return entry


def statement_due(month: str) -> datetime.date:
    """The 10th of the month after ``month`` (the schedule's date where it opened one)."""
    year, number = (int(part) for part in month.split("-"))
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    key = f"{year}-{number:02d}"
    obligation = Obligation.objects.filter(schedule=declared.MONTHLY, key=key).first()
    return obligation.due if obligation else datetime.date(year, number, declared.DUE_DAY)


def statement_content(statement: Statement) -> dict:
    """What a published month says (exactly what the public page shows): the totals by
    category and every entry, as they are now; compared by ``verify_ledger`` with what was
    fixed, so an entry changed later shows."""
    entries = statement.collective.entries.filter(month=statement.month).order_by("booked_on", "pk")
    totals: dict[str, str] = {}
    lines = []
    for entry in entries:
        total = Decimal(totals.get(entry.category, "0")) + entry.amount
        totals[entry.category] = str(total.quantize(Decimal("0.01")))
        lines.append(
            [
                str(entry.booked_on),
                entry.category,
                str(Decimal(entry.amount).quantize(Decimal("0.01"))),
                entry.summary,
                entry.payment,
            ]
        )
    return {
        "collective": statement.collective.name,
        "village": statement.collective.node.code,
        "month": statement.month,
        "income": str(Decimal(statement.income).quantize(Decimal("0.01"))),
        "spending": str(Decimal(statement.expense).quantize(Decimal("0.01"))),
        "totals": totals,
        "entries": lines,
    }


@transaction.atomic
def statement_publish(
    *, actor: Account, collective: Collective, month: str, on: datetime.date | None = None
) -> Statement:
    """Publish a month's accounts: its totals kept, its content fixed in the ledger (the
    receipt of the public page), the month's obligation closed."""
    _may_record(actor, collective)
    try:
        year, number = (int(part) for part in month.split("-"))
        if not 1 <= number <= 12 or len(month) != 7:
            raise ValueError
    except ValueError:
        raise _refuse("month", _("Write a month such as 2026-03."), "month") from None
    on = on or timing.today()
    if datetime.date(year, number, calendar.monthrange(year, number)[1]) >= on:
        raise _refuse("month", _("A month is published after it has ended."), "early")
    if Statement.objects.filter(collective=collective, month=month).exists():
        raise _refuse("month", _("This month is already published."), "published")
    entries = list(collective.entries.filter(month=month))
    income = sum((e.amount for e in entries if e.category in Entry.INCOME_CATEGORIES), Decimal(0))
    expense = sum(
        (e.amount for e in entries if e.category not in Entry.INCOME_CATEGORIES), Decimal(0)
    )
    statement = Statement.objects.create(
        collective=collective,
        month=month,
        due=statement_due(month),
        published_on=on,
        income=income.quantize(Decimal("0.01")),
        expense=expense.quantize(Decimal("0.01")),
        published_by=actor,
    )
    _created(actor, "collective.statement.publish", statement)
    leaf = ledger.fix_record(
        actor=actor,
        record_type=STATEMENT,
        record_id=statement.pk,
        content=statement_content(statement),
        action="collective.statement.fix",
    )
    Statement.objects.filter(pk=statement.pk).update(ledger_index=leaf.index)
    statement.ledger_index = leaf.index
    ledger.record(
        actor=actor,
        action="collective.statement.receipt",
        target=statement,
        before=None,
        after=snapshot(statement),
    )
    next_key = f"{year + 1}-01" if number == 12 else f"{year}-{number + 1:02d}"
    obligation = (
        Obligation.objects.filter(
            schedule=declared.MONTHLY,
            node=collective.node,
            key=next_key,
            item__closed_at__isnull=True,
        )
        .select_related("item")
        .first()
    )
    if obligation is not None:
        loop.item_public_transition(item=obligation.item, name="publish", actor_name=PLATFORM)
    return statement


# --- assets, contracts, payouts ----------------------------------------------------------


def _asset_errors(*, code, name, kind, area, unit, registered_on) -> dict:
    errors: dict[str, list[ValidationError]] = {}

    def add(name_, message, code_):
        errors.setdefault(name_, []).append(ValidationError(message, code=code_))

    if not (code or "").strip():
        add("code", _("An asset number is required."), "required")
    if not (name or "").strip():
        add("name", _("A name is required."), "required")
    if kind not in Asset.Kind.values:
        add("kind", _("Not a kind of asset."), "kind")
    if area is None or area <= 0:
        add("area", _("Write a size above zero."), "area")
    if unit not in Asset.Unit.values:
        add("unit", _("Write mu, m2 or piece."), "unit")
    if registered_on is None:
        add("registered_on", _("Write a date such as 2026-03-05."), "date")
    return errors


@transaction.atomic
def asset_register(
    *,
    actor: Account,
    collective: Collective,
    code: str,
    name: str,
    kind: str,
    area: Decimal | None,
    unit: str,
    registered_on: datetime.date | None,
    value: Decimal = Decimal(0),
    approved_by: str = "",
) -> Asset:
    _may_record(actor, collective)
    errors = _asset_errors(
        code=code, name=name, kind=kind, area=area, unit=unit, registered_on=registered_on
    )
    code = (code or "").strip()
    if code and Asset.objects.filter(collective=collective, code=code).exists():
        errors.setdefault("code", []).append(
            ValidationError(_("This asset number is already registered."), code="duplicate")
        )
    if errors:
        raise ValidationError(errors)
    asset = Asset.objects.create(
        collective=collective,
        code=code,
        name=name.strip(),
        kind=kind,
        area=area,
        unit=unit,
        value=value or Decimal(0),
        registered_on=registered_on,
        approved_by=approved_by.strip(),
    )
    _created(actor, "collective.asset.register", asset)
    return asset


@transaction.atomic
def contract_add(
    *,
    actor: Account,
    asset: Asset,
    number: str,
    counterparty: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    area: Decimal | None,
    yearly_rent: Decimal | None,
    approved_by: str = "",
) -> Contract:
    """Lease or contract an asset out; the asset is then leased."""
    collective = asset.collective
    _may_record(actor, collective)
    errors: dict[str, list[ValidationError]] = {}

    def add(name, message, code):
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    number = (number or "").strip()
    if not number:
        add("number", _("A contract number is required."), "required")
    elif Contract.objects.filter(collective=collective, number=number).exists():
        add("number", _("This contract number is already recorded."), "duplicate")
    if not (counterparty or "").strip():
        add("counterparty", _("A counterparty is required."), "required")
    if starts_on is None:
        add("starts_on", _("Write a date such as 2026-03-05."), "date")
    if ends_on is None:
        add("ends_on", _("Write a date such as 2026-03-05."), "date")
    elif starts_on is not None and ends_on <= starts_on:
        add("ends_on", _("The term ends after it starts."), "order")
    if area is None or area <= 0:
        add("area", _("Write a size above zero."), "area")
    elif area > asset.area:
        add("area", _("Larger than the asset."), "too_large")
    if yearly_rent is None or yearly_rent < 0:
        add("yearly_rent", _("Write the yearly rent (0 or more)."), "rent")
    if asset.status == Asset.Status.DISPOSED:
        add("asset", _("The asset was disposed of."), "disposed")
    if errors:
        raise ValidationError(errors)
    contract = Contract.objects.create(
        collective=collective,
        asset=asset,
        number=number,
        counterparty=counterparty.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        area=area,
        yearly_rent=yearly_rent,
        approved_by=approved_by.strip(),
    )
    _created(actor, "collective.contract.create", contract)
    if asset.status != Asset.Status.LEASED:
        before = snapshot(asset)
        asset.status = Asset.Status.LEASED
        asset.save(update_fields=["status"])
        ledger.record(
            actor=actor,
            action="collective.asset.lease",
            target=asset,
            before=before,
            after=snapshot(asset),
        )
    return contract


@transaction.atomic
def payout_add(
    *,
    actor: Account,
    collective: Collective,
    month: str,
    kind: str,
    beneficiary: str,
    amount: Decimal | None,
) -> Payout:
    _may_record(actor, collective)
    errors: dict[str, list[ValidationError]] = {}
    if kind not in Payout.Kind.values:
        errors["kind"] = [ValidationError(_("Not a kind of payout."), code="kind")]
    if not (beneficiary or "").strip():
        errors["beneficiary"] = [ValidationError(_("A name is required."), code="required")]
    if amount is None or amount <= 0:
        errors["amount"] = [ValidationError(_("Write an amount above zero."), code="amount")]
    if len(month or "") != 7:
        errors["month"] = [ValidationError(_("Write a month such as 2026-03."), code="month")]
    if errors:
        raise ValidationError(errors)
    payout = Payout.objects.create(
        collective=collective,
        month=month,
        kind=kind,
        beneficiary=beneficiary.strip(),
        amount=amount,
    )
    _created(actor, "collective.payout.create", payout)
    return payout


@transaction.atomic
def member_add(
    *, actor: Account, collective: Collective, name: str, resident_id: str, phone: str = ""
) -> Member:
    _may_record(actor, collective)
    resident_id = (resident_id or "").strip().upper()
    if not (name or "").strip():
        raise _refuse("name", _("A name is required."), "required")
    if len(resident_id) != 18:
        raise _refuse("resident_id", _("A resident ID has 18 characters."), "resident_id")
    member = Member.objects.create(
        collective=collective, name=name.strip(), resident_id=resident_id, phone=phone.strip()
    )
    _created(actor, "collective.member.add", member)
    return member


def objection_raise(*, member: Member, text: str, on: datetime.date | None = None) -> Objection:
    """A verified member's question or objection. It is filed as a complaint in the public
    channel about the village (anonymous: nothing about the member is kept beyond the record
    of their check), handled and answered there like any other; the objection names it, and
    carries its tracking code (``tracking_code``, shown once to the member)."""
    from oversight.public.services import complaint_submit

    text = (text or "").strip()
    if not text:
        raise _refuse("text", _("Write your question or objection."), "required")
    collective = member.collective
    with transaction.atomic():
        complaint, code = complaint_submit(
            content=text[:2000],
            subject_node=collective.node,
            subject_text=_("Collective funds, assets and resources of %(village)s")
            % {"village": collective.node.name},
        )
        objection = Objection.objects.create(
            collective=collective,
            node=collective.node,
            text=text[:2000],
            raised_on=on or timing.today(),
            complaint=complaint,
        )
        ledger.record(
            actor=None,
            action="collective.objection.raise",
            target=objection,
            before=None,
            after=snapshot(objection),
        )
    objection.tracking_code = code
    return objection


# --- the checks -------------------------------------------------------------------------


@dataclass
class CheckReport:
    anomalies: list[Anomaly] = field(default_factory=list)


def in_force(on: datetime.date):
    return Contract.objects.filter(starts_on__lte=on, ends_on__gte=on)


def rent_per_unit(contract: Contract) -> Decimal:
    return (contract.yearly_rent / contract.area).quantize(Decimal("0.01"))


def underpriced(on: datetime.date) -> list[tuple[Contract, Decimal, Decimal]]:
    """Contracts in force on ``on`` whose rent per unit of size is below half the median of
    the comparable contracts (same town, kind of asset and unit of size; the contract itself
    left out), with their rent and the median; at least MIN_COMPARABLES comparables."""
    groups: dict[tuple, list[Contract]] = {}
    for contract in in_force(on).select_related("asset", "collective__node"):
        key = (contract.collective.node.parent_id, contract.asset.kind, contract.asset.unit)
        groups.setdefault(key, []).append(contract)
    found = []
    for contracts in groups.values():
        for contract in contracts:
            others = [rent_per_unit(c) for c in contracts if c.pk != contract.pk]
            if len(others) < MIN_COMPARABLES:
                continue
            median = Decimal(statistics.median(others))
            rent = rent_per_unit(contract)
            if rent < median * UNDERPRICED_SHARE:
                found.append((contract, rent, median))
    return found


def _open_anomaly(
    *, kind: str, contract: Contract, detail: str, amount: Decimal, on: datetime.date
) -> Anomaly | None:
    if Anomaly.objects.filter(kind=kind, contract=contract, entry__isnull=True).exists():
        return None
    node = contract.collective.node
    work = loop.item_open(
        kind=ANOMALY,
        title=f"{node.name} · {contract.number}: {Anomaly.Kind(kind).label}",
        description=detail,
        actor=None,
        responsible_node=node,
        supervising_node=declared.supervisor(node),
        announce=False,
    )
    anomaly = Anomaly.objects.create(
        collective=contract.collective,
        node=node,
        kind=kind,
        detail=detail,
        contract=contract,
        amount=amount,
        found_on=on,
        item=work,
    )
    _created(None, "collective.anomaly.find", anomaly)
    return anomaly


def rent_check(*, on: datetime.date) -> CheckReport:
    """Flag underpriced contracts, once each, as ``collective.anomaly`` work items."""
    report = CheckReport()
    for contract, rent, median in underpriced(on):
        unit = contract.asset.get_unit_display()
        detail = _(
            "Rent %(rent)s yuan per %(unit)s a year, the median of comparable contracts %(median)s."
        ) % {"rent": rent, "unit": unit, "median": median.quantize(Decimal("0.01"))}
        shortfall = ((median - rent) * contract.area).quantize(Decimal("0.01"))
        with transaction.atomic():
            anomaly = _open_anomaly(
                kind=Anomaly.Kind.UNDERPRICED,
                contract=contract,
                detail=detail,
                amount=shortfall,
                on=on,
            )
        if anomaly is not None:
            report.anomalies.append(anomaly)
    return report


def expiry_check(*, on: datetime.date) -> CheckReport:
    """Warn of contracts ending within EXPIRY_WARNING_DAYS, and of leased assets whose every
    contract has ended, once each."""
    report = CheckReport()
    soon = on + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    ending = Contract.objects.filter(ends_on__gte=on, ends_on__lte=soon).select_related(
        "collective__node", "asset"
    )
    for contract in ending:
        later = contract.asset.contracts.filter(ends_on__gt=contract.ends_on).exists()
        if later:
            continue
        detail = _("Contract %(number)s with %(party)s ends on %(end)s.") % {
            "number": contract.number,
            "party": contract.counterparty,
            "end": contract.ends_on,
        }
        with transaction.atomic():
            anomaly = _open_anomaly(
                kind=Anomaly.Kind.EXPIRING,
                contract=contract,
                detail=detail,
                amount=contract.yearly_rent,
                on=on,
            )
        if anomaly is not None:
            report.anomalies.append(anomaly)
    leased = Asset.objects.filter(status=Asset.Status.LEASED).exclude(contracts__ends_on__gte=on)
    for asset in leased.select_related("collective__node"):
        contract = asset.contracts.order_by("-ends_on").first()
        if contract is None:
            continue
        detail = _(
            "Contract %(number)s ended on %(end)s; the asset is still recorded as leased."
        ) % {
            "number": contract.number,
            "end": contract.ends_on,
        }
        with transaction.atomic():
            anomaly = _open_anomaly(
                kind=Anomaly.Kind.EXPIRED,
                contract=contract,
                detail=detail,
                amount=Decimal(0),
                on=on,
            )
        if anomaly is not None:
            report.anomalies.append(anomaly)
    return report


def contracts_check(*, on: datetime.date) -> CheckReport:
    report = rent_check(on=on)
    report.anomalies += expiry_check(on=on).anomalies
    return report


# --- reimbursements and asset steps: the village proposes, the town reviews ---------------


def _may_propose(actor, collective: Collective) -> None:
    """Only the village's own accounts (keeping its books) propose; the town reviews."""
    _may_record(actor, collective)
    if getattr(actor, "org_node_id", None) != collective.node_id:
        raise PermissionDenied(_("Only the village's own accounts propose for it."))


def _evidence(files, errors: dict, *, required_message) -> list:
    from oversight.loop.uploads import check_uploads

    if not files:
        errors.setdefault("files", []).append(ValidationError(required_message, code="required"))
        return []
    try:
        return check_uploads(files)
    except ValidationError as exc:
        errors.setdefault("files", []).extend(exc.error_list)
        return []


def _not_self_approved(item, actor) -> None:
    if getattr(actor, "org_node_id", None) == item.responsible_node_id:
        raise loop.TransitionRefused(
            _("The village cannot approve its own proposal: the town reviews it."),
            code="own_village",
        )


def _open_proposal(kind: str, node, actor, checked, *, title: str, description: str):
    """A village's proposal opened as a work item of ``kind`` for the town to review, its
    evidence on the opening event, and the town's reviewers told."""
    item = loop.item_open(
        kind=kind,
        title=title[:200],
        description=description,
        actor=actor,
        responsible_node=node,
        supervising_node=declared.supervisor(node),
        checked_files=checked,
        announce=False,
    )
    _tell_town(item)
    return item


def _tell_town(item) -> None:
    """The proposal waits on the town from its opening: those who review there are told (the
    village that proposed it is not told of its own proposal)."""
    from oversight.notify.services import notify

    takers, copies = loop.split_takers(loop.supervising_accounts(item), {"collective:review"})
    if takers or copies:
        notify(
            recipients=takers,
            kind="loop.awaiting",
            title=_("To review: %(title)s") % {"title": item.title},
            body=item.description,
            url=loop.item_url(item),
            target=item,
            dedupe_key=f"loop.awaiting:open:{item.pk}",
            copies=copies,
        )


def _money(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01"))) if value is not None else ""


@transaction.atomic
def reimbursement_propose(
    *,
    actor: Account,
    collective: Collective,
    payee: str,
    purpose: str,
    amount: Decimal | None,
    category: str,
    spent_on: datetime.date | None,
    files: Sequence = (),
) -> Reimbursement:
    """The village proposes to reimburse a spending, its invoices attached: a
    ``collective.reimbursement`` work item the town reviews."""
    _may_propose(actor, collective)
    errors: dict[str, list[ValidationError]] = {}

    def add(name, message, code):
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    if not (payee or "").strip():
        add("payee", _("A payee is required."), "required")
    if not (purpose or "").strip():
        add("purpose", _("Say what the money was spent on."), "required")
    if amount is None or amount <= 0:
        add("amount", _("Write an amount above zero."), "amount")
    if category not in dict(EXPENSE_CATEGORIES):
        add("category", _("Not one of the 4 spending categories."), "category")
    if spent_on is None:
        add("spent_on", _("Write a date such as 2026-03-05."), "date")
    elif spent_on > timing.today():
        add("spent_on", _("The date is in the future."), "future")
    checked = _evidence(files, errors, required_message=_("Attach the invoices."))
    if errors:
        raise ValidationError(errors)
    node = collective.node
    item = _open_proposal(
        REIMBURSEMENT, node, actor, checked,
        title=f"{node.name} · {purpose.strip()} · {amount}",
        description=f"{payee.strip()}: {purpose.strip()}",
    )  # fmt: skip
    reimbursement = Reimbursement.objects.create(
        collective=collective,
        node=node,
        payee=payee.strip(),
        purpose=purpose.strip(),
        amount=amount,
        category=category,
        spent_on=spent_on,
        proposed_by=actor,
        item=item,
    )
    _created(actor, "collective.reimbursement.propose", reimbursement)
    return reimbursement


def reimbursement_content(reimbursement: Reimbursement) -> dict:
    """What an approved reimbursement says (the public page shows it, the payee masked), with
    the spending entry it was booked as: a later change of either shows."""
    entry = reimbursement.entry
    return {
        "collective": reimbursement.collective.name,
        "village": reimbursement.node.code,
        "payee": mask_name(reimbursement.payee),
        "purpose": reimbursement.purpose,
        "category": reimbursement.category,
        "amount": _money(reimbursement.amount),
        "spent_on": str(reimbursement.spent_on),
        "approved_on": str(reimbursement.approved_on or ""),
        "entry": [str(entry.booked_on), entry.category, _money(entry.amount), entry.summary]
        if entry is not None
        else None,
    }


def reimbursement_approved(*, item, actor) -> Reimbursement:
    """The town approved (the loop's ``approve`` step, in its transaction): the spending is
    booked as an entry of this month's accounts and the reimbursement fixed in the ledger."""
    _not_self_approved(item, actor)
    reimbursement = Reimbursement.objects.select_for_update().get(item=item)
    today = timing.today()
    entry = Entry.objects.create(
        collective=reimbursement.collective,
        month=_month_of(today),
        booked_on=today,
        category=reimbursement.category,
        amount=reimbursement.amount,
        summary=(_("Reimbursement: %(purpose)s") % {"purpose": reimbursement.purpose})[:200],
        counterparty=reimbursement.payee,
        approved_by=(getattr(actor, "display_name", "") or str(actor))[:100],
        voucher=f"BX-{reimbursement.pk}",
        created_by=actor,
    )
    _created(actor, "collective.entry.create", entry)
    before = snapshot(reimbursement)
    reimbursement.approved_on = today
    reimbursement.entry = entry
    leaf = ledger.fix_record(
        actor=actor,
        record_type=REIMBURSEMENT_RECORD,
        record_id=reimbursement.pk,
        content=reimbursement_content(reimbursement),
        action="collective.reimbursement.fix",
    )
    reimbursement.ledger_index = leaf.index
    reimbursement.save(update_fields=["approved_on", "entry", "ledger_index"])
    ledger.record(
        actor=actor,
        action="collective.reimbursement.approve",
        target=reimbursement,
        before=before,
        after=snapshot(reimbursement),
    )
    return reimbursement


def _in_force_contract(asset: Asset, on: datetime.date) -> bool:
    return asset.contracts.filter(starts_on__lte=on, ends_on__gte=on).exists()


@transaction.atomic
def asset_step_propose(
    *,
    actor: Account,
    asset: Asset,
    step: str,
    detail: str,
    done_on: datetime.date | None,
    amount: Decimal | None = None,
    files: Sequence = (),
) -> AssetStep:
    """The village proposes a step of an asset's lifecycle with its evidence: a
    ``collective.asset_step`` work item the town approves."""
    collective = asset.collective
    _may_propose(actor, collective)
    errors: dict[str, list[ValidationError]] = {}

    def add(name, message, code):
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    if step not in AssetStep.Step.values:
        add("step", _("Not a step of an asset's lifecycle."), "step")
    if not (detail or "").strip():
        add("detail", _("Describe the step."), "required")
    if done_on is None:
        add("done_on", _("Write a date such as 2026-03-05."), "date")
    if amount is not None and amount < 0:
        add("amount", _("Write an amount of 0 or more."), "amount")
    if asset.status == Asset.Status.DISPOSED:
        add("step", _("The asset was disposed of."), "disposed")
    elif step == AssetStep.Step.DISPOSAL and _in_force_contract(asset, done_on or timing.today()):
        add("step", _("A contract of this asset is still in force."), "leased")
    if (
        step == AssetStep.Step.REGISTRATION
        and asset.steps.filter(
            step=step, item__state__in=["proposed", "returned", "approved"]
        ).exists()
    ):
        add("step", _("The asset's registration is already proposed or approved."), "duplicate")
    if (
        step in AssetStep.Step.values
        and asset.steps.filter(step=step, item__state__in=["proposed", "returned"]).exists()
        and "step" not in errors
    ):
        add("step", _("A step of this kind is already under review."), "pending")
    checked = _evidence(files, errors, required_message=_("Attach the evidence."))
    if errors:
        raise ValidationError(errors)
    node = collective.node
    label = AssetStep.Step(step).label
    item = _open_proposal(
        ASSET_STEP, node, actor, checked,
        title=f"{node.name} · {asset.code} {asset.name}: {label}", description=detail.strip(),
    )  # fmt: skip
    row = AssetStep.objects.create(
        asset=asset,
        node=node,
        step=step,
        detail=detail.strip(),
        done_on=done_on,
        amount=amount,
        proposed_by=actor,
        item=item,
    )
    _created(actor, "collective.asset_step.propose", row)
    return row


def asset_step_content(row: AssetStep) -> dict:
    """What an approved step says: the asset it is about, the status it gave the asset and the
    step itself (the asset's own row is traced: its every change is in the ledger)."""
    asset = row.asset
    results = {"disposal": Asset.Status.DISPOSED, "lease": Asset.Status.LEASED}
    return {
        "collective": asset.collective.name,
        "village": row.node.code,
        "asset": {"code": asset.code, "name": asset.name, "kind": asset.kind},
        "status": str(results.get(row.step, "")),
        "step": row.step,
        "detail": row.detail,
        "date": str(row.done_on),
        "amount": _money(row.amount),
        "approved_on": str(row.approved_on or ""),
    }


def asset_step_approved(*, item, actor) -> AssetStep:
    """The town approved a step: the asset changes (disposal: disposed of; lease: leased;
    registration: approved by the town; inventory: its counted value) and the step is fixed
    in the ledger."""
    _not_self_approved(item, actor)
    row = AssetStep.objects.select_for_update().select_related("asset").get(item=item)
    asset = Asset.objects.select_for_update().get(pk=row.asset_id)
    today = timing.today()
    if asset.status == Asset.Status.DISPOSED:
        raise loop.TransitionRefused(_("The asset was disposed of."), code="disposed")
    before = snapshot(asset)
    changed: list[str] = []
    if row.step == AssetStep.Step.DISPOSAL:
        if _in_force_contract(asset, today):
            raise loop.TransitionRefused(
                _("A contract of this asset is still in force."), code="leased"
            )
        asset.status, changed = Asset.Status.DISPOSED, ["status"]
    elif row.step == AssetStep.Step.LEASE:
        asset.status, changed = Asset.Status.LEASED, ["status"]
    elif row.step == AssetStep.Step.REGISTRATION:
        asset.approved_by = (getattr(actor, "display_name", "") or str(actor))[:100]
        changed = ["approved_by"]
    elif row.step == AssetStep.Step.INVENTORY and row.amount is not None:
        asset.value, changed = row.amount, ["value"]
    if changed:
        asset.save(update_fields=changed)
        ledger.record(
            actor=actor,
            action=f"collective.asset.{row.step}",
            target=asset,
            before=before,
            after=snapshot(asset),
        )
    row.asset = asset
    step_before = snapshot(row)
    row.approved_on = today
    leaf = ledger.fix_record(
        actor=actor,
        record_type=ASSET_STEP_RECORD,
        record_id=row.pk,
        content=asset_step_content(row),
        action="collective.asset_step.fix",
    )
    row.ledger_index = leaf.index
    row.save(update_fields=["approved_on", "ledger_index"])
    ledger.record(
        actor=actor,
        action="collective.asset_step.approve",
        target=row,
        before=step_before,
        after=snapshot(row),
    )
    return row


# --- Excel imports ------------------------------------------------------------------------

ENTRY_COLUMNS = [
    ("village", _lazy("village")),
    ("booked_on", _lazy("booked on")),
    ("category", _lazy("category")),
    ("amount", _lazy("amount (yuan)")),
    ("summary", _lazy("summary")),
    ("counterparty", _lazy("counterparty")),
    ("payment", _lazy("paid by")),
    ("approved_by", _lazy("approved by")),
    ("voucher", _lazy("voucher")),
]
ENTRY_REQUIRED = ["village", "booked_on", "category", "amount", "summary"]

ASSET_COLUMNS = [
    ("village", _lazy("village")),
    ("code", _lazy("asset number")),
    ("name", _lazy("name")),
    ("kind", _lazy("kind")),
    ("area", _lazy("size")),
    ("unit", _lazy("unit of size")),
    ("value", _lazy("book value (yuan)")),
    ("registered_on", _lazy("registered on")),
    ("approved_by", _lazy("approved by")),
]
ASSET_REQUIRED = ["village", "code", "name", "kind", "area", "unit", "registered_on"]


def _amount(text) -> Decimal | None:
    text = str(text or "").strip().replace(",", "").replace("，", "").replace("元", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _choice(text, choices) -> str:
    """A choice by its key or its label in either language."""
    from django.utils import translation

    text = str(text or "").strip()
    for key, label in choices:
        if text.lower() == key:
            return key
        for language in ("en", "zh-hans"):
            with translation.override(language):
                if text == str(label):
                    return key
    return text


def _villages(actor) -> dict[str, Collective]:
    found = {}
    for collective in Collective.objects.filter(
        node__in=node_list(viewer=actor, include_inactive=False)
    ).select_related("node"):
        found[collective.node.code] = collective
        found.setdefault(collective.node.name, collective)
        found.setdefault(collective.name, collective)
    return found


def _import(rows, labels, make) -> int:
    errors: list[str] = []
    created = 0
    for row in rows:
        try:
            with transaction.atomic():
                make(row)
                created += 1
        except ValidationError as exc:
            messages = [
                f"{labels.get(name, name)}: {' '.join(texts)}"
                for name, texts in exc.message_dict.items()
            ]
            errors.append(
                _("Row %(n)d: %(errors)s") % {"n": row["_row"], "errors": "; ".join(messages)}
            )
        except PermissionDenied as exc:
            errors.append(_("Row %(n)d: %(errors)s") % {"n": row["_row"], "errors": str(exc)})
    if errors:
        raise ValidationError({"file": [ValidationError(e, code="row") for e in errors]})
    return created


def _village_of(villages, row) -> Collective:
    collective = villages.get(str(row.get("village", "")).strip())
    if collective is None:
        raise _refuse("village", _("no collective of that village in your scope"), "village")
    return collective


@transaction.atomic
def entries_import(*, actor: Account, rows: Sequence[dict]) -> int:
    """Book the entries of ``rows`` (an Excel sheet of monthly accounts): all or none, every
    bad row named with its fields."""
    _require(actor, "collective:record", _("Your role does not keep collectives' books."))
    if not rows:
        raise _refuse("file", _("The sheet has no rows."), "empty")
    villages = _villages(actor)
    payments = Entry.Payment.choices

    def make(row):
        collective = _village_of(villages, row)
        entry_add(
            actor=actor,
            collective=collective,
            booked_on=parse_date(str(row.get("booked_on", "") or "")),
            category=_choice(row.get("category"), Entry.Category.choices),
            amount=_amount(row.get("amount")),
            summary=str(row.get("summary", "") or ""),
            counterparty=str(row.get("counterparty", "") or ""),
            payment=_choice(row.get("payment") or "transfer", payments),
            approved_by=str(row.get("approved_by", "") or ""),
            voucher=str(row.get("voucher", "") or ""),
        )

    return _import(rows, dict(ENTRY_COLUMNS), make)


@transaction.atomic
def assets_import(*, actor: Account, rows: Sequence[dict]) -> int:
    """Register the assets of ``rows``: all or none, every bad row named with its fields."""
    _require(actor, "collective:record", _("Your role does not keep collectives' books."))
    if not rows:
        raise _refuse("file", _("The sheet has no rows."), "empty")
    villages = _villages(actor)

    def make(row):
        collective = _village_of(villages, row)
        asset_register(
            actor=actor,
            collective=collective,
            code=str(row.get("code", "") or ""),
            name=str(row.get("name", "") or ""),
            kind=_choice(row.get("kind"), Asset.Kind.choices),
            area=_amount(row.get("area")),
            unit=_choice(row.get("unit"), Asset.Unit.choices),
            value=_amount(row.get("value")) or Decimal(0),
            registered_on=parse_date(str(row.get("registered_on", "") or "")),
            approved_by=str(row.get("approved_by", "") or ""),
        )

    return _import(rows, dict(ASSET_COLUMNS), make)


# --- member verification (the public page) ----------------------------------------------

MAX_TRIES = 5
CODE_MINUTES = 10
LOCK_MINUTES = 30


def _tries_keys(collective: Collective, resident_id: str, client: str | None) -> list[str]:
    """Server-side counters of wrong tries: one per collective and resident ID (kept as a
    keyed digest, never the ID itself) and one per client (the public channel's random
    session cookie, tied to no one). They live in the cache and expire with the lock."""
    import hashlib

    from django.conf import settings

    digest = hashlib.sha256(
        f"{settings.SECRET_KEY}:member:{(resident_id or '').strip().upper()}".encode()
    ).hexdigest()[:32]
    keys = [f"collective:tries:{collective.pk}:{digest}"]
    if client:
        keys.append(f"collective:tries:client:{client}")
    return keys


def _locked(keys: list[str]) -> bool:
    from django.core.cache import cache

    return any((cache.get(key) or 0) >= MAX_TRIES for key in keys)


def _count_wrong(keys: list[str]) -> None:
    from django.core.cache import cache

    for key in keys:
        cache.add(key, 0, LOCK_MINUTES * 60)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, LOCK_MINUTES * 60)


def _lock_error(field_name: str) -> ValidationError:
    return _refuse(
        field_name,
        _(
            "Too many wrong tries: verification for this member is locked for %(minutes)s "
            "minutes. Try again later, or ask the village committee."
        )
        % {"minutes": LOCK_MINUTES},
        "locked",
    )


def _code_digest(member_id: int, code: str) -> str:
    import hashlib

    from django.conf import settings

    return hashlib.sha256(f"{settings.SECRET_KEY}:{member_id}:{code}".encode()).hexdigest()


def member_check_start(
    *,
    collective: Collective,
    name: str,
    resident_id: str,
    state: dict,
    client: str | None = None,
) -> str:
    """First step: name and resident ID on the roster; a one-time code is sent by SMS to the
    phone on record. ``state`` is the visitor's session record of the check (tries counted);
    wrong tries are also counted on the server per collective and resident ID and per
    ``client`` (``MAX_TRIES`` lock them for ``LOCK_MINUTES``), so a fresh session does not
    start over. Nothing else about the visitor is kept."""
    import secrets

    from django.conf import settings
    from django.utils.module_loading import import_string

    state["tries"] = state.get("tries", 0) + 1
    if state["tries"] > MAX_TRIES:
        raise _refuse("resident_id", _("Too many tries. Try again later."), "tries")
    keys = _tries_keys(collective, resident_id, client)
    if _locked(keys):
        raise _lock_error("resident_id")
    member = Member.objects.filter(
        collective=collective,
        name=(name or "").strip(),
        resident_id=(resident_id or "").strip().upper(),
    ).first()
    if member is None or not member.phone:
        _count_wrong(keys)
        raise _refuse(
            "resident_id", _("This name and resident ID are not on the roster."), "roster"
        )
    code = f"{secrets.randbelow(10**6):06d}"
    import_string(settings.NOTIFY_SMS_BACKEND)().send(
        address=member.phone,
        title=_("Verification code"),
        text=_("Your verification code is %(code)s, valid for 10 minutes.") % {"code": code},
        url="",
    )
    state.update(
        member=member.pk,
        digest=_code_digest(member.pk, code),
        expires=(timezone.now() + datetime.timedelta(minutes=CODE_MINUTES)).isoformat(),
        verified=False,
    )
    return code


def member_check_code(
    *, collective: Collective, code: str, state: dict, client: str | None = None
) -> Member:
    """Second step: the one-time code; wrong codes count towards the tries, in the session
    and on the server (per member and per client)."""
    state["tries"] = state.get("tries", 0) + 1
    if state["tries"] > MAX_TRIES:
        raise _refuse("code", _("Too many tries. Try again later."), "tries")
    member = Member.objects.filter(collective=collective, pk=state.get("member")).first()
    keys = _tries_keys(collective, member.resident_id if member else "", client)
    if member is not None and _locked(keys):
        state.update(digest="")
        raise _lock_error("code")
    expired = (
        not state.get("expires")
        or datetime.datetime.fromisoformat(state["expires"]) < timezone.now()
    )
    if (
        member is None
        or expired
        or state.get("digest") != _code_digest(member.pk, (code or "").strip())
    ):
        if member is not None:
            _count_wrong(keys)
        raise _refuse("code", _("The code is wrong or has expired."), "code")
    from django.core.cache import cache

    cache.delete(keys[0])  # the member's own counter starts over once they are verified
    state.update(verified=True, tries=0, digest="")
    ledger.record(
        actor=None,
        action="collective.member.verify",
        target=member,
        before=snapshot(member),
        after=snapshot(member),
    )
    return member
