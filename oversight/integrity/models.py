"""Integrity files (廉政档案): what the platform keeps about a cadre beyond what other modules
already hold. The file of an ``orgs.Person`` gathers these records with the person's posts (from
``orgs``) and the warnings, clues and work items linked to them (read through their modules'
selectors), never retyped.

Every row here is traced (``ledger_targets``): each change records a leaf, and every opening of
a file is a ``FileView`` with its reason."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.orgs.models import Person


class Relative(models.Model):
    """A family member or social relation of a cadre, with their resident ID where known (the
    comparison models' relatives-of-cadres check and the trace graph read it through
    ``selectors.relations_of``). ``relative_person`` links the relative when they are a person
    of the platform (matched by resident ID)."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        CHILD_SPOUSE = "child_spouse", _("Child's spouse")
        PARENT = "parent", _("Parent")
        PARENT_IN_LAW = "parent_in_law", _("Parent-in-law")
        SIBLING = "sibling", _("Brother or sister")
        OTHER_FAMILY = "other_family", _("Other family member")
        SOCIAL = "social", _("Social relation")

    FAMILY = (
        Relation.SPOUSE,
        Relation.CHILD,
        Relation.CHILD_SPOUSE,
        Relation.PARENT,
        Relation.PARENT_IN_LAW,
        Relation.SIBLING,
        Relation.OTHER_FAMILY,
    )

    person = models.ForeignKey(
        Person, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="relatives"
    )
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    name = models.CharField(_("name of the relative"), max_length=64)
    resident_id = models.CharField(_("resident ID"), max_length=18, blank=True, db_index=True)
    relative_person = models.ForeignKey(
        Person,
        verbose_name=_("person of the platform"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="relative_of",
    )
    workplace = models.CharField(_("workplace and post"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "relation", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "resident_id"],
                condition=~Q(resident_id=""),
                name="integrity_relative_once",
            )
        ]
        verbose_name = _("family member or social relation")
        verbose_name_plural = _("family members and social relations")

    def __str__(self) -> str:
        return f"{self.get_relation_display()} {self.name}"

    @property
    def is_family(self) -> bool:
        return self.relation in self.FAMILY


class Sanction(models.Model):
    """A party or administrative sanction of a cadre (DOMAIN.md, "Sanctions and their
    influence periods"). The influence period is computed from the rule table
    (``rules.SANCTION_RULES``) and the decision date; probation adds its own length."""

    class Kind(models.TextChoices):
        PARTY_WARNING = "party_warning", _("Party warning")
        PARTY_SERIOUS_WARNING = "party_serious_warning", _("Serious party warning")
        PARTY_POST_REMOVAL = "party_post_removal", _("Removal from party post")
        PARTY_PROBATION = "party_probation", _("Probation within the party")
        PARTY_EXPULSION = "party_expulsion", _("Expulsion from the party")
        ADMIN_WARNING = "admin_warning", _("Administrative warning")
        ADMIN_DEMERIT = "admin_demerit", _("Demerit")
        ADMIN_MAJOR_DEMERIT = "admin_major_demerit", _("Major demerit")
        ADMIN_DEMOTION = "admin_demotion", _("Demotion")
        ADMIN_DISMISSAL = "admin_dismissal", _("Dismissal from post")

    person = models.ForeignKey(
        Person, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(_("sanction"), max_length=32, choices=Kind.choices)
    decided_on = models.DateField(_("decided on"))
    probation_months = models.PositiveSmallIntegerField(
        _("probation (months)"), null=True, blank=True
    )
    authority = models.CharField(_("decided by"), max_length=120)
    document_no = models.CharField(_("decision number"), max_length=64, blank=True)
    summary = models.TextField(_("facts in brief"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["decided_on"], name="integrity_sanction_decided")]
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.decided_on})"


class MatterReport(models.Model):
    """A report on personal matters (个人有关事项报告): the yearly report or a change reported
    within the year, its items as ``MatterEntry`` rows."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", _("Yearly report")
        CHANGE = "change", _("Report of a change")

    person = models.ForeignKey(
        Person, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="matter_reports"
    )
    kind = models.CharField(_("kind of report"), max_length=8, choices=Kind.choices)
    year = models.PositiveIntegerField(_("year"))
    submitted_on = models.DateField(_("submitted on"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-submitted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year"],
                condition=Q(kind="yearly"),
                name="integrity_yearly_report_once",
            )
        ]
        verbose_name = _("personal-matter report")
        verbose_name_plural = _("personal-matter reports")

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()}"


class MatterEntry(models.Model):
    """One of the fourteen items of a personal-matter report (DOMAIN.md): eight family matters
    and six property matters."""

    class Item(models.TextChoices):
        MARRIAGE = "marriage", _("Own marriage changes")
        PASSPORTS = "passports", _("Own passports for private travel")
        TRIPS_ABROAD = "trips_abroad", _("Own private trips abroad")
        CHILD_FOREIGN_MARRIAGE = (
            "child_foreign_marriage",
            _("Children marrying foreigners or residents of Hong Kong, Macao, Taiwan"),
        )
        FAMILY_EMIGRATED = "family_emigrated", _("Spouse or children emigrated abroad")
        FAMILY_ABROAD = "family_abroad", _("Spouse or children living abroad without emigrating")
        FAMILY_EMPLOYMENT = "family_employment", _("Spouse's and children's employment")
        FAMILY_INVESTIGATED = (
            "family_investigated",
            _("Spouse or children under criminal investigation"),
        )
        SALARY = "salary", _("Salaries and allowances")
        LABOUR_INCOME = "labour_income", _("Income from labour services")
        HOUSING = "housing", _("Housing")
        SECURITIES = "securities", _("Stocks, funds and investment insurance")
        FAMILY_BUSINESS = "family_business", _("Businesses run by spouse or children")
        ABROAD_ASSETS = "abroad_assets", _("Deposits and investments abroad")

    PROPERTY = (
        Item.SALARY,
        Item.LABOUR_INCOME,
        Item.HOUSING,
        Item.SECURITIES,
        Item.FAMILY_BUSINESS,
        Item.ABROAD_ASSETS,
    )

    report = models.ForeignKey(MatterReport, on_delete=models.CASCADE, related_name="entries")
    item = models.CharField(_("item"), max_length=32, choices=Item.choices)
    content = models.TextField(_("what is reported"))

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("reported item")
        verbose_name_plural = _("reported items")

    def __str__(self) -> str:
        return self.get_item_display()

    @property
    def is_property(self) -> bool:
        return self.item in self.PROPERTY


class FileView(models.Model):
    """One opening of a person's integrity file: who, when, why (listed on the file). A file is
    shown only through an opening of the viewer's own, for ``OPEN_FOR`` after it."""

    OPEN_FOR = datetime.timedelta(hours=2)

    person = models.ForeignKey(
        Person, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="file_views"
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    own = models.BooleanField(_("own file"), default=False)
    at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"], name="integrity_view_person")]
        constraints = [
            models.CheckConstraint(
                condition=Q(own=True) | ~Q(reason=""), name="integrity_view_has_reason"
            )
        ]
        verbose_name = _("opening of a file")
        verbose_name_plural = _("openings of files")

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.at:%Y-%m-%d %H:%M}"

    def is_current(self, now=None) -> bool:
        return (now or timezone.now()) < self.at + self.OPEN_FOR


class Purpose(models.TextChoices):
    PROMOTION = "promotion", _("Promotion")
    AWARD = "award", _("Award or commendation")
    TRANSFER = "transfer", _("Transfer")
    RETIREMENT = "retirement", _("Retirement")


class Effect(models.TextChoices):
    """What a fact weighs in an opinion, the strongest deciding: veto, then delay."""

    REPORT = "report", _("Reported, does not block")
    DELAY = "delay", _("Delay")
    VETO = "veto", _("Veto")


class OpinionRule(models.Model):
    """One row of the opinion's rule table (a table an administrator reads and changes, not
    code): for a kind of fact and the purposes it names (none: every purpose), the effect. A
    fact no active rule names is still stated, as reported."""

    class Condition(models.TextChoices):
        SANCTION_IN_PERIOD = "sanction_in_period", _("A sanction within its influence period")
        SANCTION_PAST = "sanction_past", _("A sanction whose influence period is over")
        CLUE_PENDING = "clue_pending", _("A clue under disposal, verification or investigation")
        CLUE_CONCLUDED = "clue_concluded", _("A clue concluded")
        WARNING_OPEN = "warning_open", _("A comparison model's warning not yet handled")
        WARNING_DISMISSED = "warning_dismissed", _("A warning dismissed as a false positive")
        REPORT_MISSING = "report_missing", _("Last year's personal-matter report missing")

    code = models.CharField(_("rule"), max_length=16, unique=True)
    condition = models.CharField(_("when"), max_length=24, choices=Condition.choices)
    purposes = models.JSONField(_("for the purposes"), default=list, blank=True)
    effect = models.CharField(_("effect"), max_length=8, choices=Effect.choices)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("opinion rule")
        verbose_name_plural = _("opinion rules")

    def __str__(self) -> str:
        return self.code

    @property
    def purpose_labels(self) -> list[str]:
        return [str(Purpose(p).label) for p in self.purposes if p in Purpose.values]

    def applies(self, condition: str, purpose: str) -> bool:
        return (
            self.active
            and self.condition == condition
            and (not self.purposes or purpose in self.purposes)
        )


class OpinionRequest(models.Model):
    """A request for integrity opinions (廉政意见回复) on one person or a list, moved through
    drafted → reviewed → signed as the work item ``integrity.opinion``."""

    requester = models.CharField(_("requested by"), max_length=120)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    as_of = models.DateField(_("as of"))
    node = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("answering body"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.OneToOneField(
        "loop.WorkItem", on_delete=models.CASCADE, related_name="integrity_opinion_request"
    )
    letter = models.OneToOneField(
        "documents.Document",
        verbose_name=_("covering letter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="integrity_opinion_letter",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opinion request")
        verbose_name_plural = _("opinion requests")

    def __str__(self) -> str:
        return f"{self.requester} · {self.get_purpose_display()}"


class Opinion(models.Model):
    """The opinion on one person of a request: its verdict, its sentences (each citing the
    record it came from) and the rules that fired; once signed, its document and its fixed
    record in the ledger."""

    request = models.ForeignKey(OpinionRequest, on_delete=models.CASCADE, related_name="opinions")
    person = models.ForeignKey(
        Person, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="opinions"
    )
    verdict = models.CharField(_("conclusion"), max_length=8, choices=Effect.choices)
    sentences = models.JSONField(default=list)
    rules = models.JSONField(_("rules applied"), default=list)
    document = models.OneToOneField(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="integrity_opinion",
    )

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="integrity_opinion_once")
        ]
        verbose_name = _("integrity opinion")
        verbose_name_plural = _("integrity opinions")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.verdict}"


class SensitiveRequest(models.Model):
    """A request to see the sensitive parts of someone else's file (family members, property
    matters), approved or refused by a leader as the loop kind ``integrity.sensitive``; an
    approval holds for ``VALID_FOR`` after it, for the requester and that file only."""

    VALID_FOR = datetime.timedelta(days=7)

    person = models.ForeignKey(
        Person, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="+"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300)
    item = models.OneToOneField(
        "loop.WorkItem", on_delete=models.CASCADE, related_name="integrity_sensitive_request"
    )

    class Meta:
        ordering = ["-item__opened_at", "-id"]
        verbose_name = _("request to see sensitive parts")
        verbose_name_plural = _("requests to see sensitive parts")

    def __str__(self) -> str:
        return f"{self.person_id} ← {self.requester_id}"


class MatterCheck(models.Model):
    """A random check of personal-matter reports (抽查核实): a sample of the yearly reports of
    ``year`` drawn with the recorded ``seed`` (the same seed over the same reports draws the
    same sample), each drawn report compared with what the platform's data knows, the
    discrepancies listed for a talk; moved as the work item ``integrity.check``."""

    year = models.PositiveIntegerField(_("year of the reports"))
    seed = models.BigIntegerField(_("seed of the draw"))
    pool = models.PositiveIntegerField(_("reports to draw from"))
    size = models.PositiveIntegerField(_("reports drawn"))
    node = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("checking body"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.OneToOneField(
        "loop.WorkItem", on_delete=models.CASCADE, related_name="integrity_check"
    )
    list_name = models.CharField(_("uploaded list"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("random check of personal-matter reports")
        verbose_name_plural = _("random checks of personal-matter reports")

    def __str__(self) -> str:
        return f"{self.year} · {self.seed}"


class MatterCheckEntry(models.Model):
    """One drawn report of a random check and the discrepancies found (each naming what the
    data says, where it comes from, and which item of the report it concerns)."""

    check_round = models.ForeignKey(MatterCheck, on_delete=models.CASCADE, related_name="entries")
    report = models.ForeignKey(MatterReport, on_delete=models.PROTECT, related_name="+")
    discrepancies = models.JSONField(default=list)

    class Meta:
        ordering = ["check_round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_round", "report"], name="integrity_check_entry_once"
            )
        ]
        verbose_name = _("drawn report")
        verbose_name_plural = _("drawn reports")

    def __str__(self) -> str:
        return f"{self.check_round_id}: {self.report_id}"


class FileRecord(models.Model):
    """A record of the file that comes from outside the platform, entered or imported from
    Excel: gifts and money handed in, integrity talks, accountability, commendations and
    departure audits. (Reminder talks come from ``risks``, sanctions have their own table.)"""

    class Kind(models.TextChoices):
        GIFT = "gift", _("Gift or money handed in")
        TALK = "talk", _("Integrity talk")
        ACCOUNTABILITY = "accountability", _("Accountability")
        COMMENDATION = "commendation", _("Commendation")
        DEPARTURE_AUDIT = "departure_audit", _("Departure audit")

    person = models.ForeignKey(
        Person, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="file_records"
    )
    kind = models.CharField(_("kind of record"), max_length=16, choices=Kind.choices)
    on = models.DateField(_("date"))
    summary = models.CharField(_("what happened"), max_length=500)
    authority = models.CharField(_("by whom"), max_length=120, blank=True)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["person", "kind"], name="integrity_record_person")]
        verbose_name = _("record of the file")
        verbose_name_plural = _("records of the file")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.on})"
