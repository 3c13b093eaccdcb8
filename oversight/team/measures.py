"""The task board's measures, counted for the unit of the officer on the task: places taken
and tasks verified (points awarded) in the period, and the average points of those verified."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.core.measure_registry import MEAN, TOTAL, Measure, Source
from oversight.orgs.access import scope_q

from .models import Attempt, Claim, LessonProgress

CLAIMS = Source(
    id="team.claims",
    label=_("Board tasks taken"),
    model=Claim,
    scope=lambda viewer: scope_q(viewer, node="profile__person__org_node"),
    node="profile__person__org_node",
    record_url=lambda claim: reverse("team:task_detail", args=[claim.task_id]),
    record_label=lambda claim: f"{claim.profile.person.name} · {claim.task.title}",
    select_related=("profile__person", "task"),
)


ATTEMPTS = Source(
    id="team.attempts",
    label=_("Online tests taken"),
    model=Attempt,
    scope=lambda viewer: scope_q(viewer, node="profile__person__org_node"),
    node="profile__person__org_node",
    record_url=lambda attempt: reverse("team:paper_stats", args=[attempt.paper_id]),
    record_label=lambda attempt: f"{attempt.profile.person.name} · {attempt.paper.title}",
    select_related=("profile__person", "paper"),
)


LESSONS = Source(
    id="team.lessons",
    label=_("Lessons completed"),
    model=LessonProgress,
    scope=lambda viewer: scope_q(viewer, node="profile__person__org_node"),
    node="profile__person__org_node",
    record_url=lambda progress: reverse("team:lesson", args=[progress.lesson_id]),
    record_label=lambda progress: f"{progress.profile.person.name} · {progress.lesson.title}",
    select_related=("profile__person", "lesson"),
)


def taken(w) -> Q:
    return Q(state=Claim.State.ACCEPTED, taken_on__gte=w.start, taken_on__lte=w.end)


def done(w) -> Q:
    return Q(awarded_on__gte=w.start, awarded_on__lte=w.end)


MEASURES = [
    Measure(
        "team.tasks_taken",
        _("Board tasks taken"),
        source=CLAIMS,
        where=taken,
        definition=_(
            "Places on board tasks taken in the period (claimed, chosen or assigned), counted "
            "for the officer's unit."
        ),
        perm="team:profile:view",
        higher_is_better=True,
        order=10,
    ),
    Measure(
        "team.tasks_done",
        _("Board tasks verified"),
        source=CLAIMS,
        where=done,
        definition=_("Board tasks whose report was verified (points awarded) in the period."),
        perm="team:profile:view",
        higher_is_better=True,
        order=20,
    ),
    Measure(
        "team.points",
        _("Average points per verified task"),
        source=CLAIMS,
        where=done,
        kind=MEAN,
        field="points_awarded",
        definition=_("Average points awarded for the board tasks verified in the period."),
        perm="team:profile:view",
        higher_is_better=True,
        order=30,
    ),
    Measure(
        "team.test_score",
        _("Average online test score"),
        source=ATTEMPTS,
        where=lambda w: Q(submitted_at__gte=w.start_at, submitted_at__lt=w.end_at),
        kind=MEAN,
        field="score",
        definition=_(
            "Average score of the online tests handed in during the period, for the learner's "
            "unit (a team: an office or a stationed group)."
        ),
        perm="team:profile:view",
        higher_is_better=True,
        order=40,
    ),
    Measure(
        "team.training_hours",
        _("Training hours"),
        source=LESSONS,
        where=lambda w: Q(completed_at__gte=w.start_at, completed_at__lt=w.end_at),
        kind=TOTAL,
        field="hours",
        unit=_("hours"),
        definition=_(
            "Training hours credited by the lessons completed in the period (a video: the "
            "seconds actually played, each once; a document or slides: its length, once "
            "confirmed read), for the learner's unit."
        ),
        perm="team:profile:view",
        higher_is_better=True,
        order=50,
    ),
]
