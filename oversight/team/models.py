"""The supervisors' own work (M14): officers' profiles with specialty tags (values of the
dictionary ``team_specialty``), and the task board — tasks the commission publishes, and the
claims on them, each accepted claim running as a ``team.task`` work item."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.loop.models import WorkItem
from oversight.orgs.models import OrgNode, Person

SPECIALTY_DICT = "team_specialty"


class Profile(models.Model):
    """A discipline officer's profile: a ``Person`` who has an account, with specialties
    and certificates. Cases, tasks, points and load are read from the loop, never copied."""

    person = models.OneToOneField(
        Person, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="team_profile"
    )
    certificates = models.TextField(_("certificates"), blank=True, help_text=_("One a line."))
    summary = models.TextField(_("experience"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person__org_node__path", "person__name"]
        verbose_name = _("officer profile")
        verbose_name_plural = _("officer profiles")

    def __str__(self) -> str:
        return self.person.name

    @property
    def tag_values(self) -> list[str]:
        return sorted(t.tag for t in self.tags.all())

    @property
    def certificate_list(self) -> list[str]:
        return [line.strip() for line in self.certificates.splitlines() if line.strip()]


class ProfileTag(models.Model):
    """One specialty of an officer (a value of the ``team_specialty`` dictionary)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(_("specialty"), max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "tag"], name="team_profile_tag_once")
        ]
        indexes = [models.Index(fields=["tag"], name="team_profile_tag")]

    def __str__(self) -> str:
        return self.tag


class Task(models.Model):
    """A task on the board (任务抢单台): what, where, the skills wanted, its points, deadline
    and how many officers it takes, and how they come to it."""

    class Mode(models.TextChoices):
        FIRST_COME = "first_come", _("First come, first served")
        APPLY = "apply", _("Applications, the publisher chooses")
        ASSIGN = "assign", _("Assigned by the publisher")

    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("what is to be done"), blank=True)
    place = models.CharField(_("where"), max_length=200, blank=True)
    points = models.PositiveIntegerField(_("points"))
    deadline = models.DateField(_("deadline"))
    places = models.PositiveSmallIntegerField(_("officers wanted"), default=1)
    mode = models.CharField(_("how officers come to it"), max_length=16, choices=Mode.choices)
    publisher_node = models.ForeignKey(
        OrgNode, verbose_name=_("publisher"), on_delete=models.PROTECT, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["published_at"], name="team_task_published")]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title

    @property
    def tag_values(self) -> list[str]:
        return sorted(t.tag for t in self.tags.all())


class TaskTag(models.Model):
    """A specialty a task wants."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(_("specialty"), max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "tag"], name="team_task_tag_once")]
        indexes = [models.Index(fields=["tag"], name="team_task_tag")]

    def __str__(self) -> str:
        return self.tag


class Claim(models.Model):
    """An officer on a task: an application, or a place taken (claimed, chosen or assigned),
    which runs as a work item; points are awarded when the report is verified."""

    class State(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACCEPTED = "accepted", _("Taken")

    class Via(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        CHOSEN = "chosen", _("Chosen from the applicants")
        ASSIGNED = "assigned", _("Assigned")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="claims")
    profile = models.ForeignKey(
        Profile, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="claims"
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    via = models.CharField(_("how"), max_length=16, choices=Via.choices, blank=True)
    created_at = models.DateTimeField(_("applied or claimed"), default=timezone.now)
    taken_on = models.DateField(_("taken"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    item = models.OneToOneField(
        WorkItem, null=True, blank=True, on_delete=models.PROTECT, related_name="team_claim"
    )
    points_awarded = models.PositiveIntegerField(_("points awarded"), null=True, blank=True)
    awarded_on = models.DateField(_("points awarded on"), null=True, blank=True)

    class Meta:
        ordering = ["task", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "profile"], name="team_claim_once"),
        ]
        indexes = [
            models.Index(fields=["taken_on"], name="team_claim_taken"),
            models.Index(fields=["awarded_on"], name="team_claim_awarded"),
        ]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")

    def __str__(self) -> str:
        return f"{self.task} · {self.profile}"
