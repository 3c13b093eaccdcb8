"""Rural collective funds, assets and resources (三资, M13): a village's collective economic
organisation, its accounts (income and spending entries by month and category, each month's
statement published and fixed in the ledger), its assets and resources with their contracts
(counterparty, term, rent, area), the subsidies and pensions it paid out, and the anomalies
the rules found, each supervised as a ``collective.anomaly`` work item."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.loop.models import WorkItem
from oversight.orgs.models import OrgNode


class Collective(models.Model):
    """A village's (or group's) collective economic organisation."""

    node = models.OneToOneField(
        OrgNode, verbose_name=_("village"), on_delete=models.PROTECT, related_name="collective"
    )
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["node__path"]
        verbose_name = _("collective economic organisation")
        verbose_name_plural = _("collective economic organisations")

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    """One income or spending entry of a collective's accounts."""

    class Direction(models.TextChoices):
        INCOME = "income", _("Income")
        EXPENSE = "expense", _("Spending")

    class Category(models.TextChoices):
        # The 8 accounting categories the financial disclosure rules publish (four of income,
        # four of spending); subsidies and pensions paid out are public welfare spending.
        OPERATING_INCOME = "operating_income", _("Operating income")
        CONTRACT_INCOME = "contract_income", _("Contracting and lease income")
        SUBSIDY_INCOME = "subsidy_income", _("Subsidies received")
        OTHER_INCOME = "other_income", _("Other income")
        OPERATING_COST = "operating_cost", _("Operating costs")
        ADMIN_COST = "admin_cost", _("Administration costs")
        PUBLIC_WELFARE = "public_welfare", _("Public welfare spending and payouts")
        OTHER_COST = "other_cost", _("Other spending")

    INCOME_CATEGORIES = frozenset(
        {"operating_income", "contract_income", "subsidy_income", "other_income"}
    )

    class Payment(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        CASH = "cash", _("Cash")

    collective = models.ForeignKey(
        Collective, verbose_name=_("collective"), on_delete=models.PROTECT, related_name="entries"
    )
    month = models.CharField(_("month"), max_length=7)  # 2026-03
    booked_on = models.DateField(_("booked on"))
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    summary = models.CharField(_("summary"), max_length=200)
    counterparty = models.CharField(_("counterparty"), max_length=200, blank=True)
    payment = models.CharField(
        _("paid by"), max_length=8, choices=Payment.choices, default=Payment.TRANSFER
    )
    approved_by = models.CharField(_("approved by"), max_length=100, blank=True)
    voucher = models.CharField(_("voucher"), max_length=40, blank=True)
    contract = models.ForeignKey(
        "Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-booked_on", "-id"]
        indexes = [models.Index(fields=["collective", "month"], name="collective_entry_month")]
        verbose_name = _("account entry")
        verbose_name_plural = _("account entries")

    def __str__(self) -> str:
        return f"{self.booked_on} {self.summary} {self.amount}"

    @property
    def direction(self) -> str:
        return (
            self.Direction.INCOME
            if self.category in self.INCOME_CATEGORIES
            else self.Direction.EXPENSE
        )


class Statement(models.Model):
    """A month of a collective's accounts, published: its totals fixed in the ledger (the
    receipt on the public page), so a later change of any of its entries shows."""

    collective = models.ForeignKey(
        Collective,
        verbose_name=_("collective"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    month = models.CharField(_("month"), max_length=7)
    due = models.DateField(_("due"))
    published_on = models.DateField(_("published on"))
    income = models.DecimalField(_("income"), max_digits=14, decimal_places=2)
    expense = models.DecimalField(_("spending"), max_digits=14, decimal_places=2)
    ledger_index = models.BigIntegerField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-month", "collective__node__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "month"], name="collective_statement_once"
            )
        ]
        verbose_name = _("published statement")
        verbose_name_plural = _("published statements")

    def __str__(self) -> str:
        return f"{self.collective} {self.month}"

    @property
    def on_time(self) -> bool:
        return self.published_on <= self.due


class Asset(models.Model):
    """An asset or resource of the collective, through its lifecycle."""

    class Kind(models.TextChoices):
        LAND = "land", _("Farmland")
        FOREST = "forest", _("Forest land")
        WATER = "water", _("Ponds and water")
        BUILDING = "building", _("Buildings")
        EQUIPMENT = "equipment", _("Equipment and facilities")
        OTHER = "other", _("Other")

    class Unit(models.TextChoices):
        MU = "mu", _("mu")
        SQUARE_METRE = "m2", _("square metres")
        PIECE = "piece", _("pieces")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        LEASED = "leased", _("Leased or contracted")
        DISPOSED = "disposed", _("Disposed of")

    collective = models.ForeignKey(
        Collective, verbose_name=_("collective"), on_delete=models.PROTECT, related_name="assets"
    )
    code = models.CharField(_("asset number"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    area = models.DecimalField(_("size"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit of size"), max_length=8, choices=Unit.choices)
    value = models.DecimalField(_("book value (yuan)"), max_digits=14, decimal_places=2, default=0)
    registered_on = models.DateField(_("registered on"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    approved_by = models.CharField(_("approved by"), max_length=100, blank=True)

    class Meta:
        ordering = ["collective__node__path", "code"]
        constraints = [
            models.UniqueConstraint(fields=["collective", "code"], name="collective_asset_once")
        ]
        verbose_name = _("asset or resource")
        verbose_name_plural = _("assets and resources")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Contract(models.Model):
    """A lease or contract of an asset: counterparty, term, yearly rent and area."""

    collective = models.ForeignKey(
        Collective, verbose_name=_("collective"), on_delete=models.PROTECT, related_name="contracts"
    )
    asset = models.ForeignKey(
        Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="contracts"
    )
    number = models.CharField(_("contract number"), max_length=40)
    counterparty = models.CharField(_("counterparty"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    area = models.DecimalField(_("size"), max_digits=12, decimal_places=2)
    yearly_rent = models.DecimalField(_("yearly rent (yuan)"), max_digits=14, decimal_places=2)
    approved_by = models.CharField(_("approved by"), max_length=100, blank=True)

    class Meta:
        ordering = ["collective__node__path", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "number"], name="collective_contract_once"
            )
        ]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self) -> str:
        return f"{self.number} {self.counterparty}"

    @property
    def rent_per_unit(self):
        return self.yearly_rent / self.area if self.area else None


class Payout(models.Model):
    """A subsidy or pension paid to a villager: shown publicly with the name masked, and no
    identity number is kept at all."""

    class Kind(models.TextChoices):
        PENSION = "pension", _("Pension")
        FARM_SUBSIDY = "farm_subsidy", _("Farmland subsidy")
        ASSISTANCE = "assistance", _("Minimum living allowance")
        DIVIDEND = "dividend", _("Members' dividend")
        OTHER = "other", _("Other")

    collective = models.ForeignKey(
        Collective, verbose_name=_("collective"), on_delete=models.PROTECT, related_name="payouts"
    )
    month = models.CharField(_("month"), max_length=7)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    beneficiary = models.CharField(_("beneficiary"), max_length=50)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["-month", "kind", "id"]
        verbose_name = _("subsidy or pension paid")
        verbose_name_plural = _("subsidies and pensions paid")

    def __str__(self) -> str:
        return f"{self.month} {self.get_kind_display()} {self.amount}"


class Anomaly(models.Model):
    """What a rule found in a collective's accounts or contracts, supervised as a
    ``collective.anomaly`` work item (the town asks, the village explains, the town verifies)."""

    class Kind(models.TextChoices):
        UNDERPRICED = "underpriced", _("Rent far below comparable contracts")
        EXPIRING = "expiring", _("Contract expiring soon")
        EXPIRED = "expired", _("Contract expired, asset still leased")
        EXPIRED_PAID = "expired_paid", _("Money moving on an expired contract")
        LARGE_CASH = "large_cash", _("Large cash spending")
        UNAPPROVED = "unapproved", _("Spending without approval")

    collective = models.ForeignKey(
        Collective, verbose_name=_("collective"), on_delete=models.PROTECT, related_name="anomalies"
    )
    node = models.ForeignKey(OrgNode, verbose_name=_("village"), on_delete=models.PROTECT)
    kind = models.CharField(_("anomaly"), max_length=16, choices=Kind.choices)
    detail = models.TextField(_("detail"))
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, default=0)
    found_on = models.DateField(_("found on"))
    item = models.OneToOneField(
        WorkItem, on_delete=models.PROTECT, related_name="collective_anomaly"
    )

    class Meta:
        ordering = ["-found_on", "node__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "entry"],
                condition=models.Q(entry__isnull=False),
                name="collective_anomaly_entry_once",
            ),
            models.UniqueConstraint(
                fields=["kind", "contract"],
                condition=models.Q(entry__isnull=True),
                name="collective_anomaly_contract_once",
            ),
        ]
        indexes = [models.Index(fields=["found_on"], name="collective_anomaly_found")]
        verbose_name = _("collective anomaly")
        verbose_name_plural = _("collective anomalies")

    def __str__(self) -> str:
        return f"{self.node.name}: {self.get_kind_display()}"


class Member(models.Model):
    """A member on the collective's roster: who may prove who they are on the public page
    (name, resident ID and a one-time code sent to the phone on record)."""

    collective = models.ForeignKey(
        Collective, verbose_name=_("collective"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("name"), max_length=50)
    resident_id = models.CharField(_("resident ID"), max_length=18)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["collective__node__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["collective", "resident_id"], name="collective_member_once"
            )
        ]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.name


class Objection(models.Model):
    """A question or objection a member raised about the collective's published records."""

    collective = models.ForeignKey(
        Collective,
        verbose_name=_("collective"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    node = models.ForeignKey(OrgNode, verbose_name=_("village"), on_delete=models.PROTECT)
    text = models.TextField(_("objection"))
    raised_on = models.DateField(_("raised on"))
    complaint = models.OneToOneField(
        "public.Complaint",
        verbose_name=_("complaint in the public channel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collective_objection",
    )

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.node.name} {self.raised_on}"


EXPENSE_CATEGORIES = [
    (key, label) for key, label in Entry.Category.choices if key not in Entry.INCOME_CATEGORIES
]


class Reimbursement(models.Model):
    """A spending the village proposes to reimburse (payee, purpose, amount, category, the
    invoices as evidence), reviewed by the town as a ``collective.reimbursement`` work item.
    Approved, it is booked as a spending entry of the month and fixed in the ledger."""

    collective = models.ForeignKey(
        Collective,
        verbose_name=_("collective"),
        on_delete=models.PROTECT,
        related_name="reimbursements",
    )
    node = models.ForeignKey(OrgNode, verbose_name=_("village"), on_delete=models.PROTECT)
    payee = models.CharField(_("payee"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=200)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    category = models.CharField(
        _("category"), max_length=24, choices=EXPENSE_CATEGORIES, default="admin_cost"
    )
    spent_on = models.DateField(_("spent on"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    entry = models.OneToOneField(
        Entry,
        verbose_name=_("account entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reimbursement",
    )
    ledger_index = models.BigIntegerField(null=True, blank=True, editable=False)
    item = models.OneToOneField(
        WorkItem, on_delete=models.PROTECT, related_name="collective_reimbursement"
    )

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = _("reimbursement")
        verbose_name_plural = _("reimbursements")

    def __str__(self) -> str:
        return f"{self.node.name}: {self.purpose} {self.amount}"


class AssetStep(models.Model):
    """A step of an asset's lifecycle (registration, lease or contract, inventory, maintenance,
    disposal) the village proposes with its evidence, approved by the town as a
    ``collective.asset_step`` work item; approved, it changes the asset and is fixed in the
    ledger."""

    class Step(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        LEASE = "lease", _("Lease or contract")
        INVENTORY = "inventory", _("Inventory")
        MAINTENANCE = "maintenance", _("Maintenance")
        DISPOSAL = "disposal", _("Disposal")

    asset = models.ForeignKey(
        Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="steps"
    )
    node = models.ForeignKey(OrgNode, verbose_name=_("village"), on_delete=models.PROTECT)
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    detail = models.TextField(_("detail"))
    done_on = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    ledger_index = models.BigIntegerField(null=True, blank=True, editable=False)
    item = models.OneToOneField(
        WorkItem, on_delete=models.PROTECT, related_name="collective_asset_step"
    )

    class Meta:
        ordering = ["-done_on", "-id"]
        verbose_name = _("asset lifecycle step")
        verbose_name_plural = _("asset lifecycle steps")

    def __str__(self) -> str:
        return f"{self.asset.code} {self.get_step_display()}"
