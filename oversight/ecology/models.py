"""Political-ecology evaluation (政治生态): indicator systems the commission edits as data, and
the evaluation rounds that score units and leaders on them.

A system is a tree of indicators of any depth for one subject (units, leaders, or the staff's
democratic evaluation) and one year; each indicator weighs points, and each leaf says where its
value comes from (a measure of the registry, a manual rating, a survey aspect) and the typed
rule that turns the value into points (``scoring.py``). Last year's system stays as it was, so
last year's portraits keep it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.orgs.models import OrgNode

from . import scoring


class IndicatorSystem(models.Model):
    """An indicator tree for one kind of subject and one year."""

    class Subject(models.TextChoices):
        UNIT = "unit", _("Units (leadership teams)")
        LEADER = "leader", _("Leaders")
        SURVEY = "survey", _("Democratic evaluation")

    subject = models.CharField(_("evaluated"), max_length=16, choices=Subject.choices)
    year = models.PositiveIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    owner_node = models.ForeignKey(
        OrgNode, verbose_name=_("commission"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "subject", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_node", "subject", "year", "title"], name="ecology_system_once"
            )
        ]
        verbose_name = _("indicator system")
        verbose_name_plural = _("indicator systems")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class Indicator(models.Model):
    """One indicator: an aspect or a branch (it has children) or a leaf (it has a source and a
    rule). ``weight`` is its points; its children's add up to it."""

    class Source(models.TextChoices):
        MEASURE = "measure", _("A measure of the platform's data")
        MANUAL = "manual", _("A rating by a named role, with a reason")
        SURVEY = "survey", _("An aspect of the democratic evaluation")

    class Rule(models.TextChoices):
        ALL_OR_NOTHING = scoring.ALL_OR_NOTHING, _("All or nothing")
        PER_OCCURRENCE = scoring.PER_OCCURRENCE, _("Per occurrence, with a cap")
        DEDUCTION = scoring.DEDUCTION, _("Deduction per instance")
        THRESHOLD = scoring.THRESHOLD, _("Threshold plus slope")
        LINEAR = scoring.LINEAR, _("Linear between bounds")
        RANK = scoring.RANK, _("Rank to points")
        AVERAGE = scoring.AVERAGE, _("Average over raters")
        VETO = scoring.VETO, _("Veto (一票否决)")
        EXPRESSION = scoring.EXPRESSION, _("Formula (sandboxed)")

    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("under"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("number"), max_length=32)
    title = models.CharField(_("indicator"), max_length=300)
    weight = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    order = models.PositiveIntegerField(_("order"), default=0)
    source = models.CharField(
        _("source of the value"), max_length=16, choices=Source.choices, blank=True
    )
    measure_id = models.CharField(_("measure"), max_length=80, blank=True)
    survey_aspect = models.CharField(_("survey aspect"), max_length=200, blank=True)
    rater_role = models.CharField(_("rated by (role)"), max_length=80, blank=True)
    rule = models.CharField(_("scoring rule"), max_length=16, choices=Rule.choices, blank=True)
    params = models.JSONField(_("rule settings"), default=dict, blank=True)
    unit_types = models.JSONField(_("unit types"), default=list, blank=True)

    class Meta:
        ordering = ["system", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="ecology_indicator_code_once"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="ecology_weight_positive"
            ),
        ]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_leaf(self) -> bool:
        return bool(self.rule)
