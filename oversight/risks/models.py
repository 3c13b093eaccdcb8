"""Integrity risk points and reminders (廉洁风险点, M7).

The commission keeps a catalogue of risk points per post category (DOMAIN.md: post category,
risk, description, prevention measures, monitoring indicator, level) and assigns them to posts
of units (``Assignment``: a unit, and a post title of ``orgs.Position`` or every post there).
Rules (``RiskRule``: rows the commission edits, their kind's logic in ``rules.py``) watch the
platform's data and fire reminders (``Reminder``), each a work item ``risks.reminder`` of its
recipient unit, fired once per fingerprint. A reminder may lead to a reminder talk (``Talk``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.orgs.models import OrgNode, Person


class Level(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


LEVEL_RANK = {Level.HIGH: 3, Level.MEDIUM: 2, Level.LOW: 1}


class RiskPoint(models.Model):
    class Category(models.TextChoices):
        FINANCE = "finance", _("Finance")
        PROCUREMENT = "procurement", _("Procurement")
        PROJECTS = "projects", _("Construction projects")
        APPROVALS = "approvals", _("Approvals and inspections")
        CARS = "cars", _("Official cars")
        RECEPTION = "reception", _("Official reception")
        CADRES = "cadres", _("Cadre selection")
        MAJOR = "major", _("Major decisions (三重一大)")
        OTHER = "other", _("Other posts")

    category = models.CharField(_("post category"), max_length=16, choices=Category.choices)
    name = models.CharField(_("risk"), max_length=120)
    description = models.TextField(_("description"))
    prevention = models.TextField(_("prevention measures"))
    indicator = models.CharField(_("monitoring indicator"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="risks_point_once")
        ]
        verbose_name = _("integrity risk point")
        verbose_name_plural = _("integrity risk points")

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.name}"


class Assignment(models.Model):
    """A risk point assigned to the posts of a unit: those titled ``post`` (as in
    ``orgs.Position.title``), or every post there when ``post`` is empty."""

    point = models.ForeignKey(RiskPoint, on_delete=models.CASCADE, related_name="assignments")
    node = models.ForeignKey(
        OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(_("post"), max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["node__path", "post", "id"]
        constraints = [
            models.UniqueConstraint(fields=["point", "node", "post"], name="risks_assign_once")
        ]
        verbose_name = _("assignment of a risk point")
        verbose_name_plural = _("assignments of risk points")

    def __str__(self) -> str:
        return f"{self.point} → {self.node} {self.post}".strip()


class RiskRule(models.Model):
    """A rule the commission reads and tunes: its kind (the logic, ``rules.KINDS``), its
    parameters, the level of the reminders it fires, whether it runs."""

    class Kind(models.TextChoices):
        MEASURE = "measure", _("A measure reaches a threshold")
        TENURE = "tenure", _("A risky post held longer than the rotation period")
        MODEL_HIT = "model_hit", _("A comparison model's warning touches a cadre or a relative")
        REPORT_MISSING = "report_missing", _("A leading cadre's personal-matter report missing")
        FESTIVAL = "festival", _("A holiday approaching (the four winds)")

    code = models.CharField(_("rule"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Reminder(models.Model):
    """A reminder a rule fired, once per ``fingerprint`` (the rule, what it fired on, and the
    period where the rule has one); its work item runs for the recipient unit."""

    rule = models.ForeignKey(RiskRule, on_delete=models.PROTECT, related_name="reminders")
    fingerprint = models.CharField(max_length=200, unique=True)
    node = models.ForeignKey(
        OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_reminders",
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    facts = models.TextField(_("what the rule found"))
    source = models.CharField(_("source record"), max_length=120, blank=True)
    fired_on = models.DateField(_("fired on"))
    item = models.OneToOneField(
        "loop.WorkItem", on_delete=models.PROTECT, related_name="risk_reminder"
    )

    class Meta:
        ordering = ["-fired_on", "-id"]
        indexes = [models.Index(fields=["fired_on"], name="risks_reminder_fired")]
        verbose_name = _("risk reminder")
        verbose_name_plural = _("risk reminders")

    def __str__(self) -> str:
        return self.item.title if self.item_id else self.fingerprint


class Talk(models.Model):
    """A reminder talk (提醒谈话) held with a cadre, after a reminder or on its own."""

    person = models.ForeignKey(
        Person, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="risk_talks"
    )
    node = models.ForeignKey(
        OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    reminder = models.ForeignKey(
        Reminder, null=True, blank=True, on_delete=models.PROTECT, related_name="talks"
    )
    held_on = models.DateField(_("held on"))
    talker = models.CharField(_("held by"), max_length=64)
    summary = models.TextField(_("what was said"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("reminder talk")
        verbose_name_plural = _("reminder talks")

    def __str__(self) -> str:
        return f"{self.person} {self.held_on}"
