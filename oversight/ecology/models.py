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

from oversight.orgs.models import OrgNode, Person

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


class EvaluationRound(models.Model):
    """One year's evaluation of a set of units (or their leaders) on one system: computed as
    often as wished while open, then frozen (its portraits never change again) and, if the
    commission wishes, published to the units (each sees its own portrait only)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        FROZEN = "frozen", _("Frozen")

    system = models.ForeignKey(
        IndicatorSystem,
        verbose_name=_("indicator system"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    title = models.CharField(_("title"), max_length=200)
    units = models.ManyToManyField(OrgNode, verbose_name=_("units evaluated"), related_name="+")
    warning_below = models.DecimalField(
        _("warning below (points)"),
        max_digits=5,
        decimal_places=2,
        default=60,
        help_text=_("A warning notice is proposed when a score or an aspect's share falls below."),
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    published = models.BooleanField(_("published to the units"), default=False)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-system__year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["system", "title"], name="ecology_round_once")
        ]
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")

    def __str__(self) -> str:
        return f"{self.system.year} {self.title}"

    @property
    def year(self) -> int:
        return self.system.year


class Rating(models.Model):
    """A manual rating (0–100) of one leaf for one unit or leader by a rater of the named role,
    with the reason; the leaf averages its raters."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="ratings")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(
        OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField(max_length=24, editable=False)  # "n<node>" or "p<person>"
    score = models.DecimalField(_("rating (0–100)"), max_digits=5, decimal_places=2)
    reason = models.TextField(_("reason"))
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator__order", "rated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "indicator", "subject", "rater"], name="ecology_rating_once"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="ecology_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.score}"


class Portrait(models.Model):
    """A unit's or a leader's result in a round: the total, the rank among peers of the same
    unit type, each aspect's points, and the leaves that lost points — kept as computed, so
    changes to records or systems afterwards leave a frozen round's portraits as they were."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="portraits")
    node = models.ForeignKey(
        OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField(max_length=24, editable=False)  # "n<node>" or "p<person>"
    unit_type = models.CharField(_("unit type"), max_length=32)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank among peers"))
    peers = models.PositiveIntegerField(_("peers"))
    vetoed = models.BooleanField(_("vetoed"), default=False)
    aspects = models.JSONField(_("aspects"), default=list)
    lost = models.JSONField(_("lost points"), default=list)
    evaluated_on = models.DateField(_("evaluated for"), db_index=True)  # the year's last day

    class Meta:
        ordering = ["round", "unit_type", "rank", "node__path"]
        constraints = [
            models.UniqueConstraint(fields=["round", "subject"], name="ecology_portrait_once")
        ]
        verbose_name = _("portrait")
        verbose_name_plural = _("portraits")

    def __str__(self) -> str:
        return f"{self.round} · {self.person.name if self.person_id else self.node.name}"


class Survey(models.Model):
    """A democratic evaluation (民主测评) of one unit in a round, answered by its staff with
    one-time tokens handed out on paper. Nothing links a response to a token or a person: a
    token only knows whether it was used, a response only its survey and answers."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="surveys")
    node = models.ForeignKey(
        OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    tokens_issued = models.PositiveIntegerField(_("tokens handed out"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "node__path"]
        constraints = [
            models.UniqueConstraint(fields=["round", "node"], name="ecology_survey_once")
        ]
        verbose_name = _("democratic evaluation")
        verbose_name_plural = _("democratic evaluations")

    def __str__(self) -> str:
        return f"{self.round} · {self.node.name}"


class SurveyToken(models.Model):
    """A one-time token, stored only as its digest; it records no time of use."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.survey} · {self.digest[:8]}"


class SurveyResponse(models.Model):
    """One anonymous response: the answers (0–100) per aspect, nothing else."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    answers = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.survey} · {self.pk}"


class PortraitDocument(models.Model):
    """A document drafted from a portrait (one of each type), through the documents app."""

    portrait = models.ForeignKey(Portrait, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("document type"), max_length=32)
    draft = models.OneToOneField(
        "documents.Draft", on_delete=models.PROTECT, related_name="ecology_portrait"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["portrait", "doc_type"], name="ecology_document_once")
        ]

    def __str__(self) -> str:
        return f"{self.portrait} · {self.doc_type}"
