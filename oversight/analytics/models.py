"""Comparison models in the platform: where data comes from, what was imported, how each model
is set up, what each run did, and the warnings it raised.

The data itself lives in the engine's workspace (``settings.ANALYTICS_WORKSPACE_DIR``): a
``DataSource`` row is the platform's record of a workspace source, an ``ImportRun`` of one staged
import. A ``Warning`` is one hit of one model, identified by its fingerprint, so however often
the models run, a finding is raised once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from oversight.loop.models import WorkItem
from oversight.orgs.models import OrgNode

from .engine import DATASET_KINDS

SOURCE_NAME = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]{0,63}$",
    _("Use lower-case letters, digits, _ and - (at most 64), starting with a letter or digit."),
)


def kind_choices() -> list[tuple[str, str]]:
    """Dataset kinds as choices, labelled in the language of the request."""
    chinese = (get_language() or "").startswith("zh")
    return [
        (code, kind.name_zh if chinese else kind.name_en) for code, kind in DATASET_KINDS.items()
    ]


class DataSource(models.Model):
    """A department's data of one dataset kind, with the saved mapping of its file's columns."""

    name = models.CharField(_("code"), max_length=64, unique=True, validators=[SOURCE_NAME])
    kind = models.CharField(_("dataset kind"), max_length=32, choices=kind_choices)
    label = models.CharField(_("name"), max_length=120)
    owner = models.ForeignKey(
        OrgNode, verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="+"
    )
    # Contract field → rule (a column of the file, a constant, the row number, a value chosen on
    # upload, a derivation; see engine/mapping.py), saved from the mapping screen and reused.
    # Fields whose header names them (name, label or a known variant) need no entry.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")

    def __str__(self) -> str:
        return self.label or self.name

    @property
    def dataset(self):
        return DATASET_KINDS[self.kind]

    @property
    def kind_label(self) -> str:
        return dict(kind_choices()).get(self.kind, self.kind)


class ImportRun(models.Model):
    """One file (or the platform's own rows) staged as a new version of a source."""

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Waiting for the mapping")
        QUEUED = "queued", _("Waiting to be checked")
        STAGING = "staging", _("Being checked")
        STAGED = "staged", _("Checked, waiting for a decision")
        ACCEPTED = "accepted", _("Accepted")
        DISCARDED = "discarded", _("Discarded")
        FAILED = "failed", _("Could not be imported")

    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(_("file"), max_length=255)
    file_size = models.BigIntegerField(_("size"), default=0)
    # Where the uploaded file waits for the checking job; emptied as soon as it has been read.
    upload_path = models.CharField(max_length=500, blank=True)
    from_platform = models.BooleanField(default=False)
    stage_id = models.CharField(max_length=32, blank=True)
    status = models.CharField(
        _("import status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    # The field mapping this import was checked with (field → rule, see engine/mapping.py) and
    # the values chosen on upload that rules may name: program, unit, period.
    mapping = models.JSONField(_("field mapping"), default=dict, blank=True)
    upload_values = models.JSONField(_("values chosen on upload"), default=dict, blank=True)
    # What the file covers, kept with its version on accept: {"areas": [names], "period_from",
    # "period_to", "complete"} (see engine.workspace.clean_coverage); empty: nothing declared.
    coverage = models.JSONField(_("coverage"), default=dict, blank=True)
    # The file adds its rows to the source's data (a new month) instead of replacing them.
    adds = models.BooleanField(_("adds to the data"), default=False)
    total_rows = models.BigIntegerField(_("rows"), default=0)
    accepted_rows = models.BigIntegerField(_("good rows"), default=0)
    rejected_rows = models.BigIntegerField(_("rejected rows"), default=0)
    problems_by_code = models.JSONField(default=dict, blank=True)
    problems_by_column = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    message_zh = models.TextField(blank=True)  # the same in Chinese (the engine gives both)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.source.name}: {self.file_name}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.STAGING)

    @property
    def needs_mapping(self) -> bool:
        return self.status == self.Status.MAPPING

    @property
    def message_text(self) -> str:
        """The message in the language of the request."""
        if (get_language() or "").startswith("zh"):
            return self.message_zh or self.message
        return self.message

    @property
    def problem_count(self) -> int:
        return sum(self.problems_by_code.values())


class ModelSetting(models.Model):
    """How one model of the library is used here: enabled or not, local parameter values, and
    its last test on a sample. A model added by an officer keeps its TOML and SQL text here."""

    model_id = models.CharField(_("model"), max_length=64, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    params = models.JSONField(_("local parameters"), default=dict, blank=True)
    metadata_text = models.TextField(_("metadata (TOML)"), blank=True)
    sql_text = models.TextField(_("SQL"), blank=True)
    # {"ok", "problems", "hit_count", "seconds", "sample", "hits": [...], "digest"}
    test_result = models.JSONField(default=dict, blank=True)
    tested_at = models.DateTimeField(_("tested"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["model_id"]
        verbose_name = _("model setting")
        verbose_name_plural = _("model settings")

    def __str__(self) -> str:
        return self.model_id

    @property
    def is_custom(self) -> bool:
        return bool(self.sql_text)


class AnalysisRun(models.Model):
    """One run of the enabled models over the current data."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Stopped by an error")

    status = models.CharField(
        _("run status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    model_ids = models.JSONField(default=list)
    # The run's "today" (``${as_of}`` in the models): amounts that run "until today" are
    # computed to this date, so a rerun on the same data and date gives the same warnings.
    as_of = models.DateField(_("as-of date"), default=timezone.localdate)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    current_model = models.CharField(max_length=64, blank=True)
    # One dict per model: model_id, status, seconds, rows, hits, new_hits, red, yellow, message.
    model_stats = models.JSONField(default=list, blank=True)
    # The data each run read: source name → {kind, version, path, file, chain: [{version,
    # path, file}, …] (the versions whose rows make the data)}; evidence is read from there.
    versions = models.JSONField(default=dict, blank=True)
    # A run of what a new version changed: {"source", "from_version", "to_version", "import"};
    # empty: a run over all the data.
    trigger = models.JSONField(default=dict, blank=True)
    hits = models.PositiveIntegerField(_("hits"), default=0)
    new_warnings = models.PositiveIntegerField(_("new warnings"), default=0)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    cancel_requested = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("model run")
        verbose_name_plural = _("model runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class Warning(models.Model):
    """One finding of one model (预警), raised once whatever the number of runs that find it.

    A traced row (``ledger_targets``): every change records a leaf; writes in bulk call
    ``record_warning_changes`` with the changed ids in the same transaction.

    ``unit`` is the org node the finding is about, when the unit named by the data can be
    resolved to one; the data scope of a viewer is applied through it.
    """

    class Severity(models.TextChoices):
        RED = "red", _("Red warning")
        YELLOW = "yellow", _("Yellow warning")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CLUE = "clue", _("Turned into a clue")
        DISMISSED = "dismissed", _("Dismissed as a false positive")

    model_id = models.CharField(_("model"), max_length=64)
    fingerprint = models.CharField(max_length=64, unique=True)
    fingerprint_key = models.TextField(blank=True)
    subject_id = models.CharField(_("subject ID"), max_length=64, blank=True)
    subject_name = models.CharField(_("subject"), max_length=200, blank=True)
    unit_name = models.CharField(_("unit named in the data"), max_length=200, blank=True)
    unit = models.ForeignKey(
        OrgNode,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    area = models.CharField(_("area"), max_length=120, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, null=True)
    # The as-of date of the run whose facts the warning shows (amounts "until today" end there).
    as_of = models.DateField(_("as-of date"), null=True, blank=True)
    period = models.CharField(_("period"), max_length=64, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    reason_zh = models.TextField(blank=True)
    reason_en = models.TextField(blank=True)
    detail = models.TextField(blank=True)
    evidence = models.JSONField(default=list)  # [{"dataset": kind, "key": row key}, …]
    match_method = models.CharField(_("how it matched"), max_length=64)
    status = models.CharField(
        _("handling status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    dismissal_reason = models.TextField(_("why it is a false positive"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    clue = models.OneToOneField(
        WorkItem,
        verbose_name=_("clue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="analytics_warning",
    )
    first_run = models.ForeignKey(
        AnalysisRun, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_run = models.ForeignKey(
        AnalysisRun, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_seen = models.DateTimeField(_("first raised"), default=timezone.now)
    last_seen = models.DateTimeField(_("last found"), default=timezone.now)
    # The run after which the warning was not found any more (its model compared all the data,
    # or its evidence rows were removed or replaced): marked, never deleted; found again, the
    # mark goes.
    gone_run = models.ForeignKey(
        AnalysisRun,
        verbose_name=_("not found since"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-first_seen", "-id"]
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        indexes = [
            models.Index(fields=["model_id", "status"], name="analytics_warning_model"),
            models.Index(fields=["status", "severity"], name="analytics_warning_status"),
            models.Index(fields=["area"], name="analytics_warning_area"),
            models.Index(fields=["unit", "status"], name="analytics_warning_unit"),
            # The measures' periods: warnings raised and decided in a month.
            models.Index(fields=["first_seen"], name="analytics_warning_seen"),
            models.Index(fields=["decided_at"], name="analytics_warning_decided"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(dismissal_reason=""),
                name="analytics_warning_dismissal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(severity__in=["red", "yellow"]), name="analytics_warning_severity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_id}: {self.subject_name or self.subject_id}"

    @property
    def reason(self) -> str:
        """The reason sentence in the language of the request."""
        if (get_language() or "").startswith("zh"):
            return self.reason_zh or self.reason_en
        return self.reason_en or self.reason_zh

    @property
    def is_gone(self) -> bool:
        """Not found any more by its model (the data changed)."""
        return self.gone_run_id is not None

    @property
    def is_candidate(self) -> bool:
        """A match proposed by name or pinyin: the identity must be confirmed by an officer."""
        return "candidate" in self.match_method


class UnitRule(models.Model):
    """An officer's rule for resolving a unit named in the data (a town, village, paying
    department or cadre's unit, as written in a department's file) to an org node. Rules are
    read before the built-in ones (code, unique name, name without a usual suffix, the name in
    brackets), so an officer corrects a wrong or missing resolution once for every warning."""

    text = models.CharField(_("unit named in the data"), max_length=200, unique=True)
    node = models.ForeignKey(
        OrgNode, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["text"]
        verbose_name = _("unit rule")
        verbose_name_plural = _("unit rules")

    def __str__(self) -> str:
        return f"{self.text} → {self.node}"


def record_warning_changes(pks, *, action: str, actor=None) -> None:
    """One leaf per warning of ``pks`` (changed in bulk), recorded in bulk in the caller's
    transaction; the ledger reads their states at once."""
    from oversight.ledger import services as ledger

    ledger.record_many(
        [
            ledger.Event(actor=actor, action=action, target=Warning(pk=pk), before=None, after=None)
            for pk in sorted(set(pks))
        ]
    )
