"""The closed loop: one table for every supervised thing, its event history, evidence,
extension requests, reminders sent, the working-day calendar and per-kind settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from oversight.orgs.models import OrgNode


class WorkItem(models.Model):
    """A supervised thing of any module, running its kind's workflow.

    ``tree_path`` is materialised like the org tree (``/root/…/self/``) so an item with all its
    descendants is one prefix query (electronic files, progress roll-up).
    """

    class Light(models.TextChoices):
        GREEN = "green", _("Green")
        YELLOW = "yellow", _("Yellow")
        RED = "red", _("Red")
        NONE = "none", _("No light")

    class Priority(models.IntegerChoices):
        NORMAL = 0, _("Normal")
        HIGH = 1, _("High")
        URGENT = 2, _("Urgent")

    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(_("state"), max_length=32)
    waiting_on = models.CharField(max_length=16, blank=True)
    responsible_node = models.ForeignKey(
        OrgNode, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_items",
    )
    supervising_node = models.ForeignKey(
        OrgNode, verbose_name=_("supervising node"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    tree_path = models.CharField(max_length=500, db_index=True, editable=False)
    priority = models.SmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    step_started_on = models.DateField(null=True, blank=True)
    step_deadline = models.DateField(_("step deadline"), null=True, blank=True)
    final_deadline = models.DateField(_("final deadline"), null=True, blank=True)
    light = models.CharField(_("light"), max_length=8, choices=Light.choices, default=Light.GREEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_on_time = models.BooleanField(null=True, editable=False)
    # Kept when the item closes, so statistics average a column instead of date arithmetic.
    days_to_close = models.FloatField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        indexes = [
            models.Index(fields=["assignee", "waiting_on", "closed_at"], name="loop_item_assignee"),
            models.Index(
                fields=["responsible_node", "waiting_on", "closed_at"], name="loop_item_responsible"
            ),
            models.Index(
                fields=["supervising_node", "waiting_on", "closed_at"], name="loop_item_supervising"
            ),
            models.Index(fields=["created_by", "opened_at"], name="loop_item_creator"),
            models.Index(fields=["kind", "state"], name="loop_item_kind_state"),
            models.Index(fields=["closed_at", "light"], name="loop_item_open_light"),
            models.Index(fields=["opened_at"], name="loop_item_opened"),
            models.Index(fields=["kind", "closed_at", "light"], name="loop_item_kind_open"),
            # Covers the statistics query: one index-only pass per kind, grouped by unit.
            models.Index(
                fields=[
                    "kind",
                    "responsible_node",
                    "closed_at",
                    "light",
                    "closed_on_time",
                    "days_to_close",
                ],
                name="loop_item_stats",
            ),
            # "My work" on PostgreSQL: each branch read in deadline order (see selectors.my_work).
            models.Index(
                fields=["supervising_node", "waiting_on", "final_deadline", "-priority", "id"],
                condition=Q(closed_at__isnull=True),
                name="loop_todo_supervising",
            ),
            models.Index(
                fields=["responsible_node", "waiting_on", "final_deadline", "-priority", "id"],
                condition=Q(closed_at__isnull=True, assignee__isnull=True),
                name="loop_todo_unit",
            ),
            models.Index(
                fields=["assignee", "waiting_on", "final_deadline", "-priority", "id"],
                condition=Q(closed_at__isnull=True),
                name="loop_todo_assignee",
            ),
            # The measures of work items (cockpit, snapshots): every column they read, so the
            # items open or closed since a period began are two range scans of this index.
            models.Index(
                fields=[
                    "closed_at",
                    "responsible_node",
                    "kind",
                    "light",
                    "opened_at",
                    "closed_on_time",
                    "days_to_close",
                    "final_deadline",
                    "progress",
                ],
                name="loop_item_measures",
            ),
            # The same across every kind (the statistics page's default).
            models.Index(
                fields=[
                    "responsible_node",
                    "closed_at",
                    "light",
                    "closed_on_time",
                    "days_to_close",
                ],
                name="loop_item_stats_all",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="loop_item_progress_max_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def workflow(self):
        from .registry import get

        return get(self.kind)

    @property
    def state_label(self) -> str:
        return str(self.workflow.state(self.state).label)

    @property
    def kind_label(self) -> str:
        return str(self.workflow.label)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def deadline(self):
        """The nearest deadline that applies now: the step's, else the final one."""
        candidates = [d for d in (self.step_deadline, self.final_deadline) if d]
        return min(candidates) if candidates else None


class CoOwner(models.Model):
    """A unit sharing the work: the lead unit (牵头) or an assisting unit (配合)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead unit")
        ASSIST = "assist", _("Assisting unit")

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="co_owners")
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=8, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "node"], name="loop_coowner_unique")]

    def __str__(self) -> str:
        return f"{self.node} ({self.get_role_display()})"


class Event(models.Model):
    """One thing that happened to an item: a transition, a comment, an instruction, a reminder."""

    class Type(models.TextChoices):
        CREATED = "created", _("Opened")
        TRANSITION = "transition", _("Transition")
        PROGRESS = "progress", _("Progress report")
        COMMENT = "comment", _("Comment")
        INSTRUCTION = "instruction", _("Instruction")
        EXTENSION = "extension", _("Deadline extension")
        REMINDER = "reminder", _("Reminder")
        ESCALATION = "escalation", _("Escalation")
        DOCUMENT = "document", _("Document")

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    type = models.CharField(max_length=16, choices=Type.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=64, blank=True)
    transition = models.CharField(max_length=32, blank=True)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["actor", "item"], name="loop_event_actor")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.type} {self.transition}"

    @property
    def actor_display(self) -> str:
        """Who acted, by their name (a person's name, else the account's display name); the
        login name only for an account that has neither; "" for the platform."""
        actor = self.actor if self.actor_id else None
        if actor is not None:
            person = actor.person if actor.person_id else None
            return (person.name if person else "") or actor.display_name or actor.username
        return self.actor_name

    def describe(self, workflow=None) -> str:
        """What happened, in words of the current language: the event's type, the step taken
        and the states by their labels ("Report completion: Assigned → Reported")."""
        workflow = workflow or self.item.workflow
        text = str(self.get_type_display())
        if self.transition:
            step = workflow.transition(self.transition)
            names = {s.code: str(s.label) for s in workflow.states}
            text = f"{step.label if step else text}: " + " → ".join(
                names.get(code, code) for code in (self.from_state, self.to_state) if code
            )
        elif self.type == self.Type.EXTENSION and self.data.get("new"):
            status = self.data.get("status", "")
            label = {
                "requested": pgettext("extension", "requested"),
                **dict(ExtensionRequest.Status.choices),
            }.get(status, status)
            text += f" {self.data.get('old') or '—'} → {self.data['new']} ({label})"
        elif self.type == self.Type.PROGRESS and "percent" in self.data:
            text += f" {self.data['percent']}%"
        return text


def evidence_path(instance, filename: str) -> str:
    return f"evidence/{instance.item_id}/{instance.sha256[:2]}/{instance.sha256}-{filename[-80:]}"


class Attachment(models.Model):
    """Evidence on an item, checked for type and size when uploaded."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=evidence_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class ExtensionRequest(models.Model):
    """A request to move an item's final deadline (延期申请), approved by the supervising side."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    old_deadline = models.DateField(_("current deadline"), null=True)
    new_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="pending"), name="loop_one_pending_extension"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.new_deadline}"


class Reminder(models.Model):
    """A reminder or escalation sent for an item; the unique key makes each one go out once."""

    class Type(models.TextChoices):
        BEFORE = "before", _("Reminder before the deadline")
        ESCALATION = "escalation", _("Escalation after the deadline")

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="reminders")
    type = models.CharField(max_length=12, choices=Type.choices)
    deadline = models.DateField()
    level = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list)
    # The sweep that claimed this reminder; a concurrent sweep's claim fails on the unique key,
    # so only the run whose token is on the row sends it.
    run = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "type", "deadline", "level"], name="loop_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.type} {self.deadline} #{self.level}"


class CalendarDay(models.Model):
    """An administrator's correction of the holiday calendar: a working day or a day off."""

    day = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.day} {'work' if self.is_working else 'off'}"


class KindSetting(models.Model):
    """An administrator's light and reminder settings for one kind, overriding its defaults."""

    kind = models.CharField(_("kind"), max_length=64, unique=True)
    yellow_days = models.PositiveSmallIntegerField(_("yellow within (days)"))
    behind_margin = models.PositiveSmallIntegerField(_("yellow when behind by (points)"))
    remind_days_before = models.PositiveSmallIntegerField(_("remind before (days)"))
    escalate_every_days = models.PositiveSmallIntegerField(_("escalate every (days)"))
    # The warning ladder (``loop.workflow.Rung`` as dicts: light, days, audiences); empty keeps
    # the kind's declared ladder, if any.
    ladder = models.JSONField(_("warning ladder"), default=list, blank=True)

    def __str__(self) -> str:
        return self.kind
