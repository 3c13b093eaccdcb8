"""Scoped reads of the supervisors' own work: profiles and the talent pool (by the officer's
unit), the task board (tasks published by the viewer's commission or within their scope),
suggestions of officers for a task by tags and load, and points."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from oversight.core.selectors import dict_choices, dict_labels
from oversight.loop.models import WorkItem
from oversight.orgs.access import scope_q
from oversight.orgs.models import Person

from .models import (
    SPECIALTY_DICT,
    Attempt,
    ChainResult,
    Claim,
    LessonPush,
    Paper,
    Profile,
    Question,
    Target,
    Task,
)
from .workflows import KIND


def specialty_choices() -> list[tuple[str, str]]:
    """The specialties officers are tagged with (the ``team_specialty`` dictionary)."""
    return dict_choices(SPECIALTY_DICT)


def specialty_labels() -> dict[str, str]:
    return dict_labels(SPECIALTY_DICT)


def _load() -> Subquery:
    """Open work items of any module assigned to the profile's officer (their current load)."""
    return Coalesce(
        Subquery(
            WorkItem.objects.filter(assignee__person=OuterRef("person"), closed_at__isnull=True)
            .order_by()
            .values("assignee__person")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _points() -> Subquery:
    return Coalesce(
        Subquery(
            Claim.objects.filter(profile=OuterRef("pk"), points_awarded__isnull=False)
            .order_by()
            .values("profile")
            .annotate(total=Sum("points_awarded"))
            .values("total"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def profile_scope(viewer) -> Q:
    return scope_q(viewer, node="person__org_node", owner="person__account")


@dataclass(frozen=True)
class PoolFilters:
    tag: str = ""
    search: str = ""
    max_load: int | None = None  # available: at most this many open items


def profile_list(*, viewer, filters: PoolFilters = PoolFilters()) -> QuerySet[Profile]:
    """Profiles of officers in the viewer's scope, each with its load (open work items) and
    points; the talent pool's search by specialty, name and availability."""
    qs = (
        Profile.objects.filter(profile_scope(viewer))
        .select_related("person", "person__org_node")
        .prefetch_related("tags")
        .annotate(load=_load(), points=_points())
    )
    if filters.tag:
        qs = qs.filter(tags__tag=filters.tag)
    if filters.search:
        qs = qs.filter(person__name__icontains=filters.search)
    if filters.max_load is not None:
        qs = qs.filter(load__lte=filters.max_load)
    return qs.order_by("load", "person__org_node__path", "person__name")


def profile_get(*, viewer, pk: int) -> Profile:
    """One profile in scope, or 404."""
    return get_object_or_404(profile_list(viewer=viewer), pk=pk)


def profile_of(account) -> Profile | None:
    """The signed-in officer's own profile, if they have one."""
    if account is None or not account.is_authenticated or account.person_id is None:
        return None
    return Profile.objects.filter(person_id=account.person_id).prefetch_related("tags").first()


def profileless_officers(*, viewer) -> QuerySet[Person]:
    """People in scope who have an account and no profile yet (those a profile may be made
    for)."""
    return (
        Person.objects.filter(
            scope_q(viewer, node="org_node", owner="account"),
            account__isnull=False,
            is_active=True,
            team_profile__isnull=True,
        )
        .select_related("org_node")
        .order_by("org_node__path", "name")
    )


def profile_record(*, profile: Profile) -> dict:
    """What the loop knows of an officer: work items closed and open, board tasks done, and
    points; and their lessons completed with the training hours they credited (read, never
    copied)."""
    items = WorkItem.objects.filter(assignee__person=profile.person_id)
    claims = profile.claims.filter(state=Claim.State.ACCEPTED)
    return {
        "items_closed": items.filter(closed_at__isnull=False).count(),
        "items_open": items.filter(closed_at__isnull=True).count(),
        "tasks_taken": claims.count(),
        "tasks_done": claims.filter(points_awarded__isnull=False).count(),
        "points": claims.aggregate(p=Sum("points_awarded"))["p"] or 0,
        "lessons_completed": profile.progress.filter(completed_at__isnull=False).count(),
        "training_hours": training_hours(profile=profile),
    }


# --- the task board ----------------------------------------------------------------------------


def task_scope(viewer) -> Q:
    """Tasks published within the viewer's data scope, or by a node above the viewer (their
    own commission's board, seen from its offices and stationed groups)."""
    if viewer is None or not viewer.is_authenticated:
        return Q(pk__in=[])
    node = viewer.org_node
    return scope_q(viewer, node="publisher_node") | Q(
        publisher_node_id__in=[*node.ancestor_ids, node.pk]
    )


def _taken() -> Subquery:
    return Coalesce(
        Subquery(
            Claim.objects.filter(task=OuterRef("pk"), state=Claim.State.ACCEPTED)
            .order_by()
            .values("task")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


@dataclass(frozen=True)
class BoardFilters:
    tag: str = ""
    matching: bool = False  # only tasks the viewer's specialties fit
    open: bool = False  # only tasks with places left and the deadline ahead


def task_list(*, viewer, filters: BoardFilters = BoardFilters(), today=None) -> QuerySet[Task]:
    """The board: tasks the viewer may see, with the places taken."""
    qs = (
        Task.objects.filter(task_scope(viewer))
        .select_related("publisher_node")
        .prefetch_related("tags")
        .annotate(taken=_taken())
    )
    if filters.tag:
        qs = qs.filter(tags__tag=filters.tag)
    if filters.matching:
        profile = profile_of(viewer)
        mine = profile.tag_values if profile else []
        qs = qs.filter(Q(tags__tag__in=mine) | Q(tags__isnull=True)).distinct()
    if filters.open and today is not None:
        from django.db.models import F

        qs = qs.filter(deadline__gte=today, taken__lt=F("places"))
    return qs


def task_get(*, viewer, pk: int) -> Task:
    """One task the viewer may see, or 404."""
    return get_object_or_404(task_list(viewer=viewer), pk=pk)


def task_claims(*, task: Task) -> QuerySet[Claim]:
    return task.claims.select_related("profile__person__org_node", "item").order_by(
        "created_at", "pk"
    )


def fits(profile: Profile | None, task: Task) -> bool:
    """Whether an officer's specialties fit a task (a task wanting none fits everyone)."""
    wanted = set(task.tag_values)
    return not wanted or (profile is not None and bool(wanted & set(profile.tag_values)))


def suggestions(*, viewer, task: Task, limit: int = 10) -> list[Profile]:
    """Officers in the viewer's scope to assign ``task`` to: those with the most of the
    task's specialties first, then the lightest current load (open work items); officers
    already on the task are left out."""
    wanted = task.tag_values
    qs = profile_list(viewer=viewer).exclude(claims__task=task)
    if wanted:
        qs = qs.filter(tags__tag__in=wanted)
    qs = qs.annotate(matches=Count("tags", filter=Q(tags__tag__in=wanted), distinct=True))
    return list(qs.order_by("-matches", "load", "person__name", "pk")[:limit])


def open_task_items(*, profile: Profile) -> QuerySet[WorkItem]:
    return WorkItem.objects.filter(
        kind=KIND, assignee__person=profile.person_id, closed_at__isnull=True
    )


# --- the differential assessment chain ---------------------------------------------------------


@dataclass
class ChainRow:
    """One officer's year on the chain: targets, what is done, completion and rank."""

    profile: Profile
    targets: dict
    done: dict
    rank: int = 0
    freeze: object = None  # the ChainFreeze of a frozen year's row

    @property
    def cells(self) -> list[tuple[int | None, int, int | None]]:
        """(target, done, percent) per metric, in the metrics' order."""
        out = []
        for metric in Target.Metric.values:
            target = self.targets.get(metric)
            done = self.done.get(metric, 0)
            out.append((target, done, round(100 * done / target) if target else None))
        return out

    @property
    def completion(self) -> int | None:
        """The mean completion of the targets set, each capped at 100%."""
        rates = [min(p, 100) for _t, _d, p in self.cells if p is not None]
        return round(sum(rates) / len(rates)) if rates else None


TEST_PASS_SHARE = Decimal("0.6")  # a test counts as passed on the chain from 60% of its points


def chain_frozen(*, viewer, year: int) -> list[ChainRow] | None:
    """The year's frozen result for the officers in the viewer's scope, as it stood when the
    year was frozen (``services.chain_freeze``); None when no officer of theirs has one."""
    results = list(
        ChainResult.objects.filter(year=year, profile__in=profile_list(viewer=viewer))
        .select_related("profile__person__org_node", "freeze__frozen_by")
        .order_by("rank", "pk")
    )
    if not results:
        return None
    rows = []
    for result in results:
        done = dict(result.done)
        if "training" in done:
            done["training"] = Decimal(done["training"])
        row = ChainRow(profile=result.profile, targets=dict(result.targets), done=done)
        row.rank, row.freeze = result.rank, result.freeze
        rows.append(row)
    return rows


def chain(*, viewer, year: int) -> list[ChainRow]:
    """The year's chain for the officers in the viewer's scope (the "sunshine" ranking each
    officer sees of their own body): targets, and completion read as it happens — board tasks
    verified and their points (awarded in the year), work items of any module closed in the
    year, training hours credited by the lessons completed in the year, tests passed in the
    year (``TEST_PASS_SHARE``) — ranked by points, then completion. A frozen year answers its frozen result (``chain_frozen``)."""
    frozen = chain_frozen(viewer=viewer, year=year)
    if frozen is not None:
        return frozen
    return chain_live(viewer=viewer, year=year)


def chain_live(*, viewer, year: int) -> list[ChainRow]:
    """The year's chain as it stands now (see ``chain``)."""
    profiles = list(profile_list(viewer=viewer))
    ids = [p.pk for p in profiles]
    targets: dict[int, dict] = {pk: {} for pk in ids}
    for profile_id, metric, value in Target.objects.filter(
        profile_id__in=ids, year=year
    ).values_list("profile_id", "metric", "value"):
        targets[profile_id][metric] = value
    done: dict[int, dict] = {pk: {} for pk in ids}
    for row in (
        Claim.objects.filter(profile_id__in=ids, awarded_on__year=year)
        .values("profile_id")
        .annotate(n=Count("pk"), points=Sum("points_awarded"))
        .order_by()
    ):
        done[row["profile_id"]].update(tasks=row["n"], points=row["points"] or 0)
    by_person = {p.person_id: p.pk for p in profiles}
    for person_id, n in (
        WorkItem.objects.filter(assignee__person__in=list(by_person), closed_at__year=year)
        .values("assignee__person")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("assignee__person", "n")
    ):
        done[by_person[person_id]]["items"] = n
    from .models import LessonProgress

    for profile_id, hours in (
        LessonProgress.objects.filter(profile_id__in=ids, completed_at__year=year)
        .values("profile_id")
        .annotate(h=Sum("hours"))
        .order_by()
        .values_list("profile_id", "h")
    ):
        done[profile_id]["training"] = Decimal(hours or 0).quantize(Decimal("0.1"))
    for profile_id, score, each, questions in Attempt.objects.filter(
        profile_id__in=ids, submitted_at__year=year, score__isnull=False
    ).values_list("profile_id", "score", "paper__points_each", "questions"):
        if score >= TEST_PASS_SHARE * each * len(questions or ()):
            done[profile_id]["tests"] = done[profile_id].get("tests", 0) + 1
    rows = [ChainRow(profile=p, targets=targets[p.pk], done=done[p.pk]) for p in profiles]
    rows.sort(key=lambda r: (-r.done.get("points", 0), -(r.completion or 0), r.profile.person.name))
    for n, row in enumerate(rows, 1):
        row.rank = n
    return rows


@dataclass
class TeamRow:
    """A team's (an office's or a stationed group's) year: its officers' targets and done."""

    node: object
    officers: int
    targets: dict
    done: dict

    @property
    def cells(self) -> list[tuple[int | None, int]]:
        return [(self.targets.get(m), self.done.get(m, 0)) for m in Target.Metric.values]


def chain_teams(rows: list[ChainRow]) -> list[TeamRow]:
    """The chain summed per team (the officers' org node)."""
    teams: dict[int, TeamRow] = {}
    for row in rows:
        node = row.profile.person.org_node
        team = teams.setdefault(node.pk, TeamRow(node=node, officers=0, targets={}, done={}))
        team.officers += 1
        for metric in Target.Metric.values:
            if metric in row.targets:
                team.targets[metric] = team.targets.get(metric, 0) + row.targets[metric]
            team.done[metric] = team.done.get(metric, 0) + row.done.get(metric, 0)
    return sorted(teams.values(), key=lambda t: t.node.path)


# --- micro-courses and online tests ------------------------------------------------------------


def bank(*, owner_node) -> QuerySet[Question]:
    """The question bank of a body."""
    return Question.objects.filter(owner_node=owner_node)


def papers_for(*, viewer) -> QuerySet[Paper]:
    """Tests the viewer may take: those of their own body or one above it (their commission)."""
    if viewer is None or not viewer.is_authenticated:
        return Paper.objects.none()
    node = viewer.org_node
    return Paper.objects.filter(owner_node_id__in=[*node.ancestor_ids, node.pk])


def attempt_get(*, viewer, pk: int) -> Attempt:
    """One of the viewer's own papers, or 404."""
    return get_object_or_404(
        Attempt.objects.select_related("paper"), pk=pk, profile__person_id=viewer.person_id
    )


def attempt_questions(*, attempt: Attempt) -> list[Question]:
    """The questions of a paper, in the order drawn."""
    found = {q.pk: q for q in Question.objects.filter(pk__in=attempt.questions)}
    return [found[pk] for pk in attempt.questions if pk in found]


def pushed_lessons(*, profile: Profile) -> QuerySet[LessonPush]:
    return profile.pushed.select_related("lesson__course", "attempt__paper")


@dataclass(frozen=True)
class QuestionStat:
    question: Question
    answered: int
    difficulty: float | None  # share of the points earned (low: hard)
    discrimination: float | None  # top 27% minus bottom 27% of learners by score


def question_stats(*, paper: Paper) -> list[QuestionStat]:
    """Per question of a test: how often it was answered, its observed difficulty and its
    discrimination (the upper group's share of the points minus the lower group's, learners
    ranked by their score; near or under 0, the question does not tell good learners apart)."""
    attempts = sorted(paper.attempts.filter(submitted_at__isnull=False), key=lambda a: a.score or 0)
    group = max(1, round(len(attempts) * 0.27)) if attempts else 0
    lower, upper = attempts[:group], attempts[-group:] if group else []
    each = Decimal(paper.points_each)

    def share(rows, pk):
        got = [Decimal(a.marks[str(pk)]) / each for a in rows if str(pk) in a.marks]
        return (sum(got) / len(got)) if got else None

    ids = sorted({pk for a in attempts for pk in a.questions})
    questions = {q.pk: q for q in Question.objects.filter(pk__in=ids)}
    out = []
    for pk in ids:
        answered = sum(1 for a in attempts if str(pk) in a.marks)
        overall = share(attempts, pk)
        up, low = share(upper, pk), share(lower, pk)
        out.append(
            QuestionStat(
                question=questions[pk],
                answered=answered,
                difficulty=float(overall) if overall is not None else None,
                discrimination=float(up - low) if up is not None and low is not None else None,
            )
        )
    return sorted(out, key=lambda s: (s.discrimination is None, s.discrimination or 0))


# --- lessons and a learner's progress ----------------------------------------------------------


def courses_for(*, viewer) -> QuerySet:
    """Courses the viewer may take: those of their own body or one above it."""
    from .models import Course

    if viewer is None or not viewer.is_authenticated:
        return Course.objects.none()
    node = viewer.org_node
    return Course.objects.filter(owner_node_id__in=[*node.ancestor_ids, node.pk])


def lesson_get(*, viewer, pk: int):
    """A lesson of a course the viewer may take, or 404."""
    from .models import Lesson

    return get_object_or_404(
        Lesson.objects.select_related("course").filter(course__in=courses_for(viewer=viewer)),
        pk=pk,
    )


def progress_of(*, profile, lessons) -> dict:
    """The learner's own progress by lesson id (never anyone else's)."""
    from .models import LessonProgress

    if profile is None:
        return {}
    return {
        p.lesson_id: p
        for p in LessonProgress.objects.filter(profile=profile, lesson__in=lessons).select_related(
            "lesson"
        )
    }


@dataclass
class CourseProgress:
    course: object
    lessons: list  # (lesson, progress or None)
    required_by: object = None  # the earliest deadline of a requirement on the learner's roles

    @property
    def done(self) -> int:
        return sum(1 for _l, p in self.lessons if p is not None and p.completed_at is not None)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def hours(self) -> Decimal:
        return sum((p.hours or 0 for _l, p in self.lessons if p is not None), Decimal(0))

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def course_progress(*, viewer, profile) -> list[CourseProgress]:
    """Each course the viewer may take, its lessons with the viewer's progress, and the
    deadline if a role of theirs requires it."""
    from .models import RequiredCourse

    courses = list(courses_for(viewer=viewer).prefetch_related("lessons"))
    lessons = [lesson for c in courses for lesson in c.lessons.all()]
    mine = progress_of(profile=profile, lessons=lessons)
    deadlines: dict[int, object] = {}
    roles = list(viewer.roles.values_list("pk", flat=True)) if viewer.is_authenticated else []
    for course_id, deadline in RequiredCourse.objects.filter(
        role__in=roles, course__in=courses
    ).values_list("course_id", "deadline"):
        deadlines[course_id] = min(deadline, deadlines.get(course_id, deadline))
    out = [
        CourseProgress(
            course=c,
            lessons=[(lesson, mine.get(lesson.pk)) for lesson in c.lessons.all()],
            required_by=deadlines.get(c.pk),
        )
        for c in courses
    ]
    return sorted(
        out, key=lambda cp: (cp.required_by is None, cp.required_by or 0, cp.course.title)
    )


def training_hours(*, profile, year: int | None = None) -> Decimal:
    """The learner's training hours: those credited by the lessons they completed (in
    ``year``, when given)."""
    from .models import LessonProgress

    if profile is None:
        return Decimal(0)
    qs = LessonProgress.objects.filter(profile=profile, completed_at__isnull=False)
    if year is not None:
        qs = qs.filter(completed_at__year=year)
    return qs.aggregate(h=Sum("hours"))["h"] or Decimal(0)


# --- required courses --------------------------------------------------------------------------


def required_holders(*, requirement, node=None) -> QuerySet:
    """Active accounts holding the requirement's role in the course publisher's subtree (in
    ``node`` only, when given)."""
    from oversight.orgs.models import Account

    qs = Account.objects.filter(
        roles=requirement.role,
        is_active=True,
        org_node__path__startswith=requirement.course.owner_node.path,
    )
    if node is not None:
        qs = qs.filter(org_node=node)
    return qs.select_related("person", "org_node").order_by("org_node__path", "username")


def required_missing(*, item) -> list[str]:
    """The holders in a required-course reminder's unit who have not completed every lesson of
    the course (by name)."""
    from .models import LessonProgress, RequiredCourse

    obligation = getattr(item, "obligation", None)
    if obligation is None or not obligation.key.startswith("rc"):
        return []
    requirement = RequiredCourse.objects.select_related("course__owner_node", "role").get(
        pk=int(obligation.key[2:])
    )
    lessons = set(requirement.course.lessons.values_list("pk", flat=True))
    missing = []
    for account in required_holders(requirement=requirement, node=item.responsible_node):
        done = set(
            LessonProgress.objects.filter(
                profile__person_id=account.person_id,
                lesson__in=lessons,
                completed_at__isnull=False,
            ).values_list("lesson_id", flat=True)
        )
        if account.person_id is None or done != lessons:
            missing.append(account.person.name if account.person_id else account.username)
    return missing
