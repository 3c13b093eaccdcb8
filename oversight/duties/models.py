"""Duty lists (两个责任清单): templates of areas and items, the list issued to a unit for a year,
and each item's reports, every one of which is a work item of the kind ``duties.report``."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.loop.models import WorkItem
from oversight.orgs.models import OrgNode


def _lineage() -> str:
    return uuid.uuid4().hex


class DutyList(models.Model):
    """A list of duties for one year (a template until issued to units)."""

    class Kind(models.TextChoices):
        PRINCIPAL = "principal", _("Principal responsibility (party committees)")
        SUPERVISORY = "supervisory", _("Supervisory responsibility (discipline bodies)")
        RECTIFICATION = "rectification", _("Special rectification")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind of list"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveIntegerField(_("year"))
    owner_node = models.ForeignKey(
        OrgNode, verbose_name=_("issuing body"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    copy_threshold = models.DecimalField(
        _("similarity flagged as copied"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.60"),
        help_text=_(
            "The share of a report's own wording (the duty's requirement discounted) found in "
            "another report for it to be flagged, from 0.30 to 1.00."
        ),
    )

    class Meta:
        ordering = ["-year", "kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "title"], name="duties_list_once")
        ]
        verbose_name = _("duty list")
        verbose_name_plural = _("duty lists")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def total_points(self) -> Decimal:
        return sum((i.points for i in DutyItem.objects.filter(area__duty_list=self)), Decimal(0))


class DutyArea(models.Model):
    """The first level of a list's tree (an area of work), holding its items."""

    duty_list = models.ForeignKey(DutyList, on_delete=models.CASCADE, related_name="areas")
    title = models.CharField(_("area"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class DutyItem(models.Model):
    """One duty: what is required, the evidence expected, its points, when it is reported and
    how it is scored."""

    class Schedule(models.TextChoices):
        ONCE = "once", _("Once, by a date")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    class Rule(models.TextChoices):
        POINTS = "points", _("Points given by the supervisor")
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
        PER_OCCURRENCE = "per_occurrence", _("Per occurrence, with a cap")
        DEDUCTION = "deduction", _("Deduction per instance")
        THRESHOLD = "threshold", _("Threshold plus slope")
        RANK = "rank", _("Rank to points")
        AVERAGE = "average", _("Average of several raters")
        VETO = "veto", _("Veto (一票否决)")

    area = models.ForeignKey(DutyArea, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("duty"), max_length=300)
    requirement = models.TextField(_("requirement"), blank=True)
    evidence = models.TextField(_("evidence expected"), blank=True)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    schedule = models.CharField(
        _("reporting schedule"), max_length=16, choices=Schedule.choices, default=Schedule.ONCE
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    due_day = models.PositiveSmallIntegerField(
        _("day of the deadline"),
        null=True,
        blank=True,
        help_text=_("Monthly: the day of the month; quarterly: working days after the quarter."),
    )
    rule = models.CharField(
        _("scoring rule"), max_length=16, choices=Rule.choices, default=Rule.POINTS
    )
    params = models.JSONField(_("parameters of the rule"), default=dict, blank=True)
    measure = models.CharField(
        _("computed from the measure"),
        max_length=80,
        blank=True,
        help_text=_("Leave empty when supervisors score the reports."),
    )
    unit_types = models.JSONField(_("unit types"), default=list, blank=True)
    unit = models.ForeignKey(
        OrgNode,
        verbose_name=_("only for the unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("An item added for one unit (the X of 1 + X)."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    # The same duty across the years' versions of a list: a copy to the next year keeps it, so
    # a unit's report is compared with its own reports of earlier years on the duty.
    lineage = models.CharField(max_length=32, default=_lineage, db_index=True)

    class Meta:
        ordering = ["area__order", "order", "id"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")

    def __str__(self) -> str:
        return self.title

    @property
    def is_measured(self) -> bool:
        return bool(self.measure)

    def applies_to(self, node: OrgNode) -> bool:
        """The shared items of the unit's type (1) and the items added for the unit (X)."""
        if self.unit_id is not None:
            return self.unit_id == node.pk
        return not self.unit_types or node.type in self.unit_types


class UnitList(models.Model):
    """A year's list issued to one unit (org node), and its signing for it (签收)."""

    duty_list = models.ForeignKey(DutyList, on_delete=models.PROTECT, related_name="unit_lists")
    node = models.ForeignKey(
        OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    supervising_node = models.ForeignKey(
        OrgNode, verbose_name=_("supervising node"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed for"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["duty_list", "node__path"]
        constraints = [
            models.UniqueConstraint(fields=["duty_list", "node"], name="duties_unit_list_once")
        ]
        verbose_name = _("unit duty list")
        verbose_name_plural = _("unit duty lists")

    def __str__(self) -> str:
        return f"{self.duty_list} · {self.node.name}"


class DutyReport(models.Model):
    """One occurrence of a duty for a unit: its deadline, the work item it is reported and
    reviewed on, and its score."""

    unit_list = models.ForeignKey(UnitList, on_delete=models.CASCADE, related_name="reports")
    duty_item = models.ForeignKey(DutyItem, on_delete=models.PROTECT, related_name="reports")
    key = models.CharField(_("occurrence"), max_length=16)
    due = models.DateField(_("due"))
    item = models.OneToOneField(WorkItem, on_delete=models.CASCADE, related_name="duty_report")
    reported_on = models.DateField(_("first reported"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("resembles the report of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_until = models.DateField(_("reopened until"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    score_rate = models.DecimalField(
        _("score as a percentage of the points"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    value = models.DecimalField(
        _("value scored"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    score_reason = models.TextField(_("reason for the score"), blank=True)
    scored_on = models.DateField(_("scored"), null=True, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit_list", "duty_item", "key"], name="duties_report_once"
            )
        ]
        indexes = [models.Index(fields=["due"], name="duties_report_due")]

    def __str__(self) -> str:
        return f"{self.duty_item.title} ({self.key})"


class DutyRating(models.Model):
    """One rater's points for a report of an item scored as the average of several raters."""

    report = models.ForeignKey(DutyReport, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rater"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason for the score"), blank=True)
    rated_at = models.DateTimeField(_("rated"), default=timezone.now)

    class Meta:
        ordering = ["rated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "rater"], name="duties_rating_once")
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.rater} · {self.score}"


class Assessment(models.Model):
    """The year-end assessment of a list (年终考核): the results frozen at the year's close,
    graded by the rules the commission set, the result document and the circular issued."""

    class Method(models.TextChoices):
        THRESHOLDS = "thresholds", _("Thresholds (score at least)")
        QUOTAS = "quotas", _("Quotas (share of the units of a type)")

    duty_list = models.OneToOneField(
        DutyList, verbose_name=_("duty list"), on_delete=models.PROTECT, related_name="assessment"
    )
    method = models.CharField(_("grading rule"), max_length=16, choices=Method.choices)
    params = models.JSONField(_("grading parameters"), default=dict)
    frozen_on = models.DateField(_("figures as of"))
    frozen_at = models.DateTimeField(_("frozen"), default=timezone.now)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    appeal_until = models.DateField(_("appeals until"))
    result_document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("result document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    circular = models.ForeignKey(
        "documents.Document",
        verbose_name=_("circular"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-duty_list__year", "duty_list__title"]
        verbose_name = _("year-end assessment")
        verbose_name_plural = _("year-end assessments")

    def __str__(self) -> str:
        return str(self.duty_list)


class AssessmentResult(models.Model):
    """One unit's frozen result: every figure as it stood at the freeze (a later edit of a
    report changes nothing here), its grade, and its one appeal (a ``duties.appeal`` item)."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        FAIR = "fair", _("Fair")
        POOR = "poor", _("Poor")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    unit_list = models.OneToOneField(
        UnitList, on_delete=models.PROTECT, related_name="assessment_result"
    )
    node = models.ForeignKey(
        OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    earned = models.DecimalField(_("points earned"), max_digits=7, decimal_places=2)
    possible = models.DecimalField(_("points that could be earned"), max_digits=7, decimal_places=2)
    percent = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    rank = models.PositiveIntegerField(_("rank among units of its type"), null=True, blank=True)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    reports = models.PositiveIntegerField(_("reports due"), default=0)
    documented = models.PositiveIntegerField(_("reports made"), default=0)
    late = models.PositiveIntegerField(_("reports late"), default=0)
    missing = models.PositiveIntegerField(_("reports missing"), default=0)
    items = models.JSONField(_("points of each item"), default=dict)
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices)
    original_grade = models.CharField(
        _("grade before the appeal"), max_length=16, choices=Grade.choices, blank=True
    )
    appeal = models.OneToOneField(
        WorkItem,
        verbose_name=_("appeal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duty_appeal",
    )

    class Meta:
        ordering = ["assessment", "node__type", "rank", "node__name"]
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.node.name}"


class UnitScore(models.Model):
    """A unit's live score on its list, kept by ``scoring.refresh`` in the transaction of every
    step that changes the unit's reports: the figures the pages read (its rank among the units
    of its type is read with a query), and the parts they were made of (``parts``: each item's
    shares and, for rank items, the values the units are placed on) so that a change of one
    unit re-ranks the others without re-reading their reports.

    A row is right for the day it was computed (``computed_on``) and, when no item of the list
    is computed from a measure, up to ``valid_until`` (the earliest deadline of a report not
    made yet: from the day after it, an empty report counts 0). Rows past it are recomputed at
    the first read, or by the nightly job."""

    unit_list = models.OneToOneField(
        UnitList, primary_key=True, on_delete=models.CASCADE, related_name="score_row"
    )
    duty_list = models.ForeignKey(DutyList, on_delete=models.CASCADE, related_name="+")
    node_type = models.CharField(max_length=32)
    earned = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    possible = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    percent = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    vetoed = models.BooleanField(default=False)
    reports = models.PositiveIntegerField(default=0)
    documented = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField(default=0)
    items = models.JSONField(default=dict)
    parts = models.JSONField(default=dict)
    computed_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["duty_list", "node_type", "percent"], name="duties_score_rank")
        ]

    def __str__(self) -> str:
        return f"{self.unit_list_id}: {self.percent}"


class ReportPrint(models.Model):
    """The fingerprint of a report's latest text, made when it is reported: its own shingles
    (the duty's requirement and evidence discounted), hashed, for the exact similarity, and
    their MinHash signature, whose bands (``ReportBucket``) find the candidates."""

    report = models.OneToOneField(
        DutyReport, primary_key=True, on_delete=models.CASCADE, related_name="print"
    )
    shingles = models.BinaryField()
    signature = models.BinaryField()
    size = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.report_id}: {self.size}"


class ReportBucket(models.Model):
    """One LSH band of a report's MinHash signature: reports of the same duty (across the years'
    versions, by ``lineage``) sharing any bucket are the candidates of the copy check."""

    report = models.ForeignKey(DutyReport, on_delete=models.CASCADE, related_name="+")
    lineage = models.CharField(max_length=32)
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["lineage", "key"], name="duties_bucket_key")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.key}"
