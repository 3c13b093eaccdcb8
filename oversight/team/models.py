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


class Target(models.Model):
    """A target of the year for one officer on the differential assessment chain (差异考核链);
    its completion is read from the board and the loop as it happens."""

    class Metric(models.TextChoices):
        TASKS = "tasks", _("Board tasks verified")
        POINTS = "points", _("Board points")
        ITEMS = "items", _("Work items closed")
        TRAINING = "training", _("Training hours")
        TESTS = "tests", _("Tests passed")

    profile = models.ForeignKey(
        Profile, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveIntegerField(_("year"))
    metric = models.CharField(_("target"), max_length=16, choices=Metric.choices)
    value = models.PositiveIntegerField(_("target value"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["year", "profile", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "year", "metric"], name="team_target_once")
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.year} {self.profile} {self.get_metric_display()} {self.value}"


class ChainFreeze(models.Model):
    """A year of the assessment chain frozen (the year-end result): every officer's targets,
    what was done and their rank copied as they stood, so nothing done afterwards changes the
    year's result; the copy's digest is in the ledger."""

    year = models.PositiveIntegerField(_("year"))
    owner_node = models.ForeignKey(
        OrgNode, verbose_name=_("body"), on_delete=models.PROTECT, related_name="+"
    )
    frozen_at = models.DateTimeField(_("frozen"), default=timezone.now)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("frozen assessment chain")
        verbose_name_plural = _("frozen assessment chains")

    def __str__(self) -> str:
        return f"{self.owner_node} {self.year}"


class ChainResult(models.Model):
    """One officer's frozen year on the chain (see ``ChainFreeze``)."""

    freeze = models.ForeignKey(ChainFreeze, on_delete=models.CASCADE, related_name="results")
    profile = models.ForeignKey(
        Profile, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField(_("year"))
    rank = models.PositiveIntegerField(_("rank"))
    targets = models.JSONField(_("targets"), default=dict)
    done = models.JSONField(_("done"), default=dict)

    class Meta:
        ordering = ["year", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "year"], name="team_chain_result_once")
        ]
        verbose_name = _("frozen chain result")
        verbose_name_plural = _("frozen chain results")

    def __str__(self) -> str:
        return f"{self.year} {self.profile} #{self.rank}"


# --- micro-courses and online tests ------------------------------------------------------------

KNOWLEDGE_DICT = "team_knowledge_point"


class Course(models.Model):
    """A micro-course (书记说法, 党纪法规 …) of lessons, each teaching a knowledge point."""

    title = models.CharField(_("course"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_node = models.ForeignKey(
        OrgNode, verbose_name=_("publisher"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    """One lesson of a course: a video, a document or slides, its length and the knowledge
    point it teaches (the one weak test answers push it back for)."""

    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")
        SLIDES = "slides", _("Slides")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("lesson"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    knowledge_point = models.CharField(_("knowledge point"), max_length=64)
    order = models.PositiveSmallIntegerField(default=0)
    media = models.FileField(
        _("file"), upload_to="team/lessons/%Y/", max_length=255, blank=True,
        help_text=_("The video (WebM or MP4), or the document or slides (PDF)."),
    )  # fmt: skip
    seconds = models.PositiveIntegerField(
        _("length (seconds)"), null=True, blank=True,
        help_text=_("The video's exact length; otherwise the minutes are its length."),
    )  # fmt: skip

    class Meta:
        ordering = ["course", "order", "id"]
        indexes = [models.Index(fields=["knowledge_point"], name="team_lesson_point")]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.title

    @property
    def duration(self) -> int:
        """The lesson's length in seconds: the video's own, else its minutes."""
        return self.seconds or self.minutes * 60


class Question(models.Model):
    """A question of the bank, tagged by knowledge point and difficulty (1 easy … 3 hard).
    ``options`` are the choices' texts; ``answer`` the indexes of the right choices (single,
    multiple, true/false: 0 true, 1 false) or the accepted texts (fill-in)."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True or false")
        FILL = "fill", _("Fill in the blank")

    text = models.TextField(_("question"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    options = models.JSONField(_("options"), default=list, blank=True)
    answer = models.JSONField(_("answer"))
    knowledge_point = models.CharField(_("knowledge point"), max_length=64)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"))
    owner_node = models.ForeignKey(
        OrgNode, verbose_name=_("bank of"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["knowledge_point", "difficulty", "id"]
        indexes = [
            models.Index(fields=["knowledge_point", "difficulty"], name="team_question_rule")
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text[:60]


class Paper(models.Model):
    """An online test: rules to draw each learner's paper at random (so many questions of a
    knowledge point and difficulty), the points of a question and the time allowed."""

    title = models.CharField(_("test"), max_length=200)
    owner_node = models.ForeignKey(
        OrgNode, verbose_name=_("publisher"), on_delete=models.PROTECT, related_name="+"
    )
    rules = models.JSONField(_("rules"))
    points_each = models.PositiveSmallIntegerField(_("points per question"), default=5)
    minutes = models.PositiveSmallIntegerField(_("time allowed (minutes)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("test")
        verbose_name_plural = _("tests")

    def __str__(self) -> str:
        return self.title


class Attempt(models.Model):
    """One learner's paper: the questions drawn for them, their answers, the marks and the
    weak knowledge points found."""

    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="attempts")
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="attempts")
    questions = models.JSONField(_("questions drawn"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    marks = models.JSONField(_("marks"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    overtime = models.BooleanField(_("submitted after the time allowed"), default=False)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=1, null=True, blank=True)
    weak_points = models.JSONField(_("weak knowledge points"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "profile"], name="team_attempt_once")
        ]
        verbose_name = _("test taken")
        verbose_name_plural = _("tests taken")

    def __str__(self) -> str:
        return f"{self.paper} · {self.profile}"


class LessonPush(models.Model):
    """A lesson pushed to a learner for a weak knowledge point of a test."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="pushed")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="pushed")
    pushed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-pushed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["profile", "lesson"], name="team_push_once")]

    def __str__(self) -> str:
        return f"{self.lesson} → {self.profile}"


class LessonProgress(models.Model):
    """A learner's progress in one lesson: where to resume a video, the stretches of it
    actually played (merged ``[start, end]`` seconds; seeking plays nothing, so it counts
    nothing), the seconds they cover (capped by the lesson's length), and the completion with
    the training hours it credits (the watched seconds of a video, the length of a document
    or slides confirmed read)."""

    profile = models.ForeignKey(
        Profile, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="progress"
    )
    lesson = models.ForeignKey(
        Lesson, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="progress"
    )
    position = models.FloatField(_("resume at (seconds)"), default=0)
    played = models.JSONField(_("stretches played"), default=list, blank=True)
    watched = models.FloatField(_("seconds watched"), default=0)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    reported_at = models.DateTimeField(_("last report"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    hours = models.DecimalField(
        _("training hours"), max_digits=7, decimal_places=3, null=True, blank=True
    )

    class Meta:
        ordering = ["profile", "lesson"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "lesson"], name="team_progress_once")
        ]
        indexes = [models.Index(fields=["completed_at"], name="team_progress_completed")]
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")

    def __str__(self) -> str:
        return f"{self.profile} · {self.lesson}"

    @property
    def percent(self) -> int:
        if self.completed_at is not None:
            return 100
        return min(99, int(100 * self.watched / max(self.lesson.duration, 1)))


class RequiredCourse(models.Model):
    """A course the holders of a role must complete by a deadline; each unit where they work
    gets a reminder through the schedule service (a ``team.training`` work item)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="required")
    role = models.ForeignKey(
        "orgs.Role", verbose_name=_("role"), on_delete=models.CASCADE, related_name="+"
    )
    deadline = models.DateField(_("deadline"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "role"], name="team_required_once")
        ]
        verbose_name = _("required course")
        verbose_name_plural = _("required courses")

    def __str__(self) -> str:
        return f"{self.course} · {self.role} · {self.deadline}"
