"""Inspection rounds (巡视/巡察), the units each inspects, the findings (problems) the inspection
group reports per unit, and each finding's rectification tasks: every task is a work item of the
kind ``inspections.rectification``; each unit's rectification report due two months after its
feedback is one of the kind ``inspections.report``.

The five lists of practice are read from these rows: problems (``Finding``), tasks (the task's
``measure``), responsibilities (the leader, department and deadline of each task), results (what
changed, reported with evidence on the task's work item) and the file (the work item's
electronic file)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.loop.models import WorkItem
from oversight.orgs.models import OrgNode, Person


class Round(models.Model):
    """One inspection round of a year: the inspecting body, its group, the dates."""

    class Kind(models.TextChoices):
        TOUR = "tour", _("Inspection tour (巡视)")
        PATROL = "patrol", _("Patrol inspection (巡察)")

    kind = models.CharField(_("kind of inspection"), max_length=8, choices=Kind.choices)
    year = models.PositiveIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("round number"))
    title = models.CharField(_("title"), max_length=200)
    inspecting_node = models.ForeignKey(
        OrgNode, verbose_name=_("inspecting body"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.CharField(_("inspection group"), max_length=120)
    starts_on = models.DateField(_("inspection starts"))
    ends_on = models.DateField(_("inspection ends"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspecting_node", "kind", "year", "number"], name="inspections_round_once"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="inspections_round_ends_after_start",
            ),
        ]
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")

    def __str__(self) -> str:
        return self.title


class InspectedUnit(models.Model):
    """A unit inspected in a round: its feedback meeting, and the rectification report due two
    months after it (a work item opened by the schedule service on the feedback)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="units")
    node = models.ForeignKey(
        OrgNode, verbose_name=_("inspected unit"), on_delete=models.PROTECT, related_name="+"
    )
    head = models.ForeignKey(
        Person,
        verbose_name=_("unit head (signs the report)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    feedback_on = models.DateField(_("feedback meeting"), null=True, blank=True)
    report_item = models.OneToOneField(
        WorkItem,
        verbose_name=_("rectification report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspected_unit",
    )

    class Meta:
        ordering = ["round", "node__path"]
        constraints = [
            models.UniqueConstraint(fields=["round", "node"], name="inspections_unit_once")
        ]
        verbose_name = _("inspected unit")
        verbose_name_plural = _("inspected units")

    def __str__(self) -> str:
        return f"{self.round} · {self.node.name}"


class Finding(models.Model):
    """A problem the inspection found at a unit (the problem list), with its evidence."""

    class Category(models.TextChoices):
        POLITICAL = "political", _("Political responsibility")
        PARTY = "party", _("Party building")
        DISCIPLINE = "discipline", _("Conduct and discipline")
        FUNDS = "funds", _("Funds and assets")
        PERSONNEL = "personnel", _("Selection and appointment")
        SERVICE = "service", _("Service to the public")
        OTHER = "other", _("Other")

    unit = models.ForeignKey(InspectedUnit, on_delete=models.PROTECT, related_name="findings")
    number = models.PositiveIntegerField(_("number"))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    description = models.TextField(_("problem"))
    evidence = models.TextField(_("inspection evidence"), blank=True)
    warning = models.ForeignKey(
        "analytics.Warning",
        verbose_name=_("comparison-model warning"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("A finding that came from the data: its look-back reruns the model."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="inspections_finding_once")
        ]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.number}. {self.description[:40]}"


class Task(models.Model):
    """A rectification task for a finding: the measure, who answers for it (the leader in
    charge, a person of the org tree, and the department), its deadline, whether it is
    immediate (立行立改) or long-term, and the result reported; ``item`` carries its state."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="tasks")
    node = models.ForeignKey(
        OrgNode, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.OneToOneField(WorkItem, on_delete=models.PROTECT, related_name="rectification")
    measure = models.TextField(_("rectification measure"))
    leader = models.ForeignKey(
        Person,
        verbose_name=_("leader in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        OrgNode,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"))
    immediate = models.BooleanField(_("immediate rectification (立行立改)"), default=False)
    result = models.TextField(_("result"), blank=True)
    reopens = models.OneToOneField(
        "self",
        verbose_name=_("reopens the task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reopened_as",
        help_text=_("The closed task a look-back found not really rectified."),
    )
    reported_on = models.DateField(_("last reported"), null=True, blank=True)
    verified_on = models.DateField(_("verified and closed"), null=True, blank=True)

    class Meta:
        ordering = ["finding__unit", "finding__number", "id"]
        indexes = [
            models.Index(fields=["deadline"], name="inspections_task_deadline"),
            models.Index(fields=["verified_on"], name="inspections_task_verified"),
        ]
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")

    def __str__(self) -> str:
        return self.measure[:60]


class LookBack(models.Model):
    """A look-back (回头看): months after a round, a sample of its closed tasks drawn by rules
    (high-risk categories, tasks closed just before their deadline, tasks whose unit the public
    complained about after they closed, and a random share of the rest) for re-verification."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="lookbacks")
    drawn_on = models.DateField(_("drawn on"))
    categories = models.JSONField(_("high-risk categories"), default=list, blank=True)
    last_days = models.PositiveSmallIntegerField(
        _("closed within this many days of the deadline"), default=0
    )
    complaints = models.BooleanField(
        _("tasks whose unit drew public complaints after they closed"), default=False
    )
    random_share = models.PositiveSmallIntegerField(_("random share of the rest (%)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-drawn_on", "-id"]
        verbose_name = _("look-back")
        verbose_name_plural = _("look-backs")

    def __str__(self) -> str:
        return f"{self.round} · {self.drawn_on}"


class LookBackCheck(models.Model):
    """One closed task drawn for re-verification, why it was drawn, and what was found: really
    rectified, or not (the task reopens as a new one linked to it, its history kept)."""

    class Reason(models.TextChoices):
        HIGH_RISK = "high_risk", _("High-risk category")
        LAST_MINUTE = "last_minute", _("Closed just before the deadline")
        COMPLAINTS = "complaints", _("Complaints about the unit since it closed")
        RANDOM = "random", _("Random sample")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("To re-verify")
        CONFIRMED = "confirmed", _("Really rectified")
        REOPENED = "reopened", _("Not rectified: reopened")

    lookback = models.ForeignKey(LookBack, on_delete=models.PROTECT, related_name="checks")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="lookback_checks")
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("drawn because"), max_length=16, choices=Reason.choices)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    comment = models.TextField(_("finding of the re-verification"), blank=True)
    checked_on = models.DateField(_("re-verified on"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["lookback", "node__path", "task__finding__number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lookback", "task"], name="inspections_check_once")
        ]
        verbose_name = _("look-back check")
        verbose_name_plural = _("look-back checks")

    def __str__(self) -> str:
        return f"{self.lookback} · {self.task}"


class Milestone(models.Model):
    """A stage of a long-term task (长期整改), with its own deadline: the task's light follows the
    first milestone not yet reached, and progress is reported per milestone."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="milestones")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("milestone"), max_length=200)
    deadline = models.DateField(_("deadline"))
    report = models.TextField(_("progress reported"), blank=True)
    reported_on = models.DateField(_("last reported"), null=True, blank=True)
    reached_on = models.DateField(_("reached on"), null=True, blank=True)

    class Meta:
        ordering = ["task", "number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="inspections_milestone_once")
        ]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
