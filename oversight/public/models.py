"""The public channel: the small-power list, QR points, ratings, style reports, complaints (one
work item each), what citizens and handlers say to each other, identity viewings, the
dissatisfaction ledger and the partner apps of Open311.

A reporter's name, phone and contact text are stored only as AES-GCM tokens (``*_enc``); a
tracking code only as a keyed hash. Nothing here records an IP address, a browser or a time
finer than the day for what citizens do anonymously (ratings, style reports).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.loop.models import WorkItem
from oversight.orgs.models import OrgNode


class PowerCategory(models.Model):
    """A category of the small-power list (小微权力清单); categories nest."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort = models.IntegerField(_("order"), default=0)
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("small-power category")
        verbose_name_plural = _("small-power categories")

    def __str__(self) -> str:
        return self.name


class PowerItem(models.Model):
    """One matter of the list: who is responsible and how long handling a complaint may take."""

    class Source(models.TextChoices):
        PROVINCE = "province", _("Set by the province")
        LOCAL = "local", _("Local addition")

    category = models.ForeignKey(
        PowerCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="items"
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.PROVINCE
    )
    # Empty: the town of the place concerned is responsible (village affairs).
    responsible_node = models.ForeignKey(
        OrgNode,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    limit_days = models.PositiveSmallIntegerField(_("time limit (days)"), null=True, blank=True)
    limit_working = models.BooleanField(_("working days"), default=True)
    published = models.BooleanField(_("published"), default=True)
    sort = models.IntegerField(_("order"), default=0)

    class Meta:
        ordering = ["category__sort", "sort", "code"]
        verbose_name = _("small-power item")
        verbose_name_plural = _("small-power items")
        constraints = [
            models.CheckConstraint(
                condition=Q(limit_days__isnull=True) | Q(limit_days__gte=1),
                name="public_item_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PublicPoint(models.Model):
    """The QR code of a service window or unit: a stable random token in the printed URL."""

    org_node = models.OneToOneField(OrgNode, on_delete=models.CASCADE, related_name="public_point")
    token = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.org_node} ({self.token})"


class Rating(models.Model):
    """A citizen's satisfaction with a window or unit, 1–5 with tags; anonymous, dated to the day."""

    class Tag(models.TextChoices):
        ATTITUDE = "attitude", _("Attitude")
        EFFICIENCY = "efficiency", _("Efficiency")
        CONDUCT = "conduct", _("Conduct and discipline")
        GUIDANCE = "guidance", _("Clear guidance")
        WAITING = "waiting", _("Waiting time")
        ENVIRONMENT = "environment", _("Environment")

    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    tags = models.JSONField(_("tags"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_on = models.DateField(_("date"), default=timezone.localdate)

    class Meta:
        ordering = ["-created_on", "-id"]
        indexes = [
            models.Index(fields=["node", "created_on"], name="public_rating_node_day"),
            # The measures' periods (window ratings of a month, city-wide).
            models.Index(fields=["created_on"], name="public_rating_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="public_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.score}"


class StyleReport(models.Model):
    """A citizen's report of a work-style problem at a window or unit (作风问题反映)."""

    class Kind(models.TextChoices):
        ATTITUDE = "attitude", _("Poor attitude")
        DELAY = "delay", _("Delays and buck-passing")
        ABSENT = "absent", _("Absent from post")
        FAVOURS = "favours", _("Asking for favours, gifts or fees")
        DIFFICULT = "difficult", _("Making things difficult on purpose")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NEW = "new", _("Not yet checked")
        VERIFIED = "verified", _("Verified")
        UNFOUNDED = "unfounded", _("Not verified")

    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+")
    kinds = models.JSONField(_("kinds"), default=list)
    text = models.TextField(_("what happened"))
    created_on = models.DateField(_("date"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    check_note = models.TextField(_("finding"), blank=True)

    class Meta:
        ordering = ["-created_on", "-id"]
        indexes = [models.Index(fields=["node", "created_on"], name="public_style_node_day")]

    def __str__(self) -> str:
        return f"{self.node_id} {self.created_on}"

    @property
    def kind_labels(self) -> list:
        """The kinds by their labels (a code no longer declared shows as it is)."""
        labels = dict(self.Kind.choices)
        return [labels.get(code, code) for code in self.kinds]


class Partner(models.Model):
    """A registered partner app (a city's mini-program) that posts Open311 requests with a key."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    key_hint = models.CharField(_("key ends with"), max_length=8)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Complaint(models.Model):
    """A complaint about petty misconduct in the exercise of a small power, run as a work item."""

    class Channel(models.TextChoices):
        WINDOW = "window", _("QR code at a window or unit")
        WEB = "web", _("Public website")
        PARTNER = "partner", _("Partner app (Open311)")

    item = models.OneToOneField(WorkItem, on_delete=models.CASCADE, related_name="complaint")
    reference = models.CharField(_("number"), max_length=32, unique=True)
    power_item = models.ForeignKey(
        PowerItem,
        verbose_name=_("small-power item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    point = models.ForeignKey(
        OrgNode,
        verbose_name=_("filed at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_node = models.ForeignKey(
        OrgNode,
        verbose_name=_("unit concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_text = models.CharField(_("unit or person concerned"), max_length=200, blank=True)
    content = models.TextField(_("what happened"))
    happened_on = models.DateField(_("when it happened"), null=True, blank=True)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.WEB
    )
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    named = models.BooleanField(_("named"), default=False)
    name_enc = models.TextField(blank=True)
    phone_enc = models.TextField(blank=True)
    contact_enc = models.TextField(blank=True)
    tracking_hash = models.CharField(max_length=64, unique=True)
    submission_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    open311_token = models.CharField(max_length=40, unique=True, null=True, blank=True)
    received_on = models.DateField(_("received"))
    notice_due = models.DateField(_("acceptance notice due"), null=True, blank=True)
    notice_sent_on = models.DateField(_("acceptance notice sent"), null=True, blank=True)
    unit = models.ForeignKey(
        OrgNode,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply_deadline = models.DateField(_("reply due"), null=True, blank=True)
    reply_draft = models.TextField(_("reply draft"), blank=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    replied_on_time = models.BooleanField(null=True, blank=True)
    published = models.BooleanField(_("published on the board"), default=False)
    public_text = models.TextField(_("published text"), blank=True)
    satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    rating_reason = models.TextField(_("reason given"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
    )
    # False until the intake officers were told of it in a digest (``services.intake_digest``)
    announced = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["power_item", "subject_node", "received_on"], name="public_complaint_repeat"
            ),
            models.Index(
                fields=["id"], condition=Q(announced=False), name="public_complaint_unannounced"
            ),
            models.Index(fields=["published", "replied_at"], name="public_complaint_board"),
            # The measures' periods: complaints received and rated in a month.
            models.Index(fields=["received_on"], name="public_complaint_received"),
            models.Index(fields=["rated_at"], name="public_complaint_rated"),
        ]

    def __str__(self) -> str:
        return self.reference


class PublicMessage(models.Model):
    """What the citizen sees on the tracking page and what they sent: notices, questions from
    the handler and their answers, additional information, the reply, the rating."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Notice")
        QUESTION = "question", _("Question from the handler")
        ANSWER = "answer", _("Answer")
        INFO = "info", _("Additional information")
        REPLY = "reply", _("Reply")
        RATING = "rating", _("Rating")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    at = models.DateTimeField(default=timezone.now)
    from_citizen = models.BooleanField(default=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField()
    question = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


class IdentityView(models.Model):
    """Someone read a reporter's identity: who, when and why (also in the ledger)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="identity_views"
    )
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.viewer_id} {self.at:%Y-%m-%d %H:%M}"


class CitizenNotice(models.Model):
    """An SMS owed to a named complainant; the phone is decrypted only when it is sent."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        TRANSFERRED = "transferred", _("Transferred")
        REPLIED = "replied", _("Replied")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "kind"], name="public_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


class Dissatisfaction(models.Model):
    """The dissatisfaction ledger (不满意台账): a dissatisfied rating and the responsibility
    review it opened on the department that handled the complaint."""

    class Finding(models.TextChoices):
        PENDING = "", _("Under review")
        RESPONSIBLE = "responsible", _("Responsibility established")
        NOT_RESPONSIBLE = "not_responsible", _("No responsibility")

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="dissatisfaction"
    )
    reason = models.TextField(_("reason given"))
    responsible_node = models.ForeignKey(
        OrgNode, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    review_item = models.OneToOneField(
        WorkItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="dissatisfaction"
    )
    recorded_on = models.DateField(_("recorded"), default=timezone.localdate)
    finding = models.CharField(
        _("finding"), max_length=16, choices=Finding.choices, blank=True, default=""
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    concluded_on = models.DateField(_("concluded"), null=True, blank=True)

    class Meta:
        ordering = ["-recorded_on", "-id"]
        indexes = [models.Index(fields=["recorded_on"], name="public_dissat_recorded")]

    def __str__(self) -> str:
        return f"{self.complaint}"
