"""Writes of micro-courses and online tests: courses and lessons, the question bank (one by
one or from an Excel sheet, all rows or none, every bad row named), tests with their drawing
rules, a learner's paper drawn at random by the rules, automatic marking, and the weak
knowledge points of a test pushing the lessons that teach them back to the learner. Every
write records a ledger leaf in its own transaction."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from oversight.core.selectors import dict_choices
from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode

from . import selectors
from .models import KNOWLEDGE_DICT, Attempt, Course, Lesson, LessonPush, Paper, Question

MAX_OPTIONS = 8
WEAK_BELOW = Decimal("0.6")  # a knowledge point scoring under 60% of its points is weak
GRACE = timedelta(minutes=1)  # the page's submit may arrive a little after the timer ends


def _require(actor, code: str, message: str) -> None:
    if not has_perm(actor, code):
        raise PermissionDenied(message)


def _point_checked(point: str, errors: dict) -> str:
    point = (point or "").strip()
    if point not in dict(dict_choices(KNOWLEDGE_DICT)):
        errors["knowledge_point"] = ValidationError(
            _("Not in the knowledge-point dictionary: %(point)s") % {"point": point or "—"},
            code="unknown_point",
        )
    return point


# --- courses -----------------------------------------------------------------------------------


@transaction.atomic
def course_add(*, actor: Account, title: str, owner_node: OrgNode, description: str = "") -> Course:
    """A new micro-course published by ``owner_node``."""
    _require(actor, "team:course:edit", _("Your role does not edit courses."))
    title = title.strip()
    if not title:
        raise ValidationError(
            {"title": ValidationError(_("A title is required."), code="required")}
        )
    course = Course.objects.create(
        title=title, description=description.strip(), owner_node=owner_node
    )
    ledger.record(
        actor=actor, action="team.course.add", target=course, before=None, after=snapshot(course)
    )
    return course


@transaction.atomic
def lesson_add(
    *, actor: Account, course: Course, title: str, kind: str, minutes: int, knowledge_point: str,
    media=None, seconds: int | None = None,
) -> Lesson:  # fmt: skip
    """Add a lesson (video, document or slides) teaching ``knowledge_point`` to ``course``,
    with its file (``media``: a Django ``File``, stored before the ledger records the lesson)
    and, for a video, its exact length in ``seconds``."""
    _require(actor, "team:course:edit", _("Your role does not edit courses."))
    errors: dict = {}
    title = title.strip()
    if not title:
        errors["title"] = ValidationError(_("A title is required."), code="required")
    if kind not in Lesson.Kind.values:
        errors["kind"] = ValidationError(_("Choose the kind of lesson."), code="invalid")
    if minutes is None or not 1 <= minutes <= 600:
        errors["minutes"] = ValidationError(
            _("A lesson lasts 1 to 600 minutes."), code="out_of_range"
        )
    if seconds is not None and not 1 <= seconds <= 36000:
        errors["seconds"] = ValidationError(
            _("A video lasts 1 to 36,000 seconds."), code="out_of_range"
        )
    point = _point_checked(knowledge_point, errors)
    if errors:
        raise ValidationError(errors)
    lesson = Lesson(
        course=course,
        title=title,
        kind=kind,
        minutes=minutes,
        seconds=seconds,
        knowledge_point=point,
        order=course.lessons.count() + 1,
    )
    if media is not None:
        lesson.media.save(media.name.rsplit("/", 1)[-1], media, save=False)
    lesson.save()
    ledger.record(
        actor=actor, action="team.lesson.add", target=lesson, before=None, after=snapshot(lesson)
    )
    return lesson


# --- the question bank -------------------------------------------------------------------------


def _normal(text: str) -> str:
    """A fill-in answer as compared: full-width folded, spaces dropped, case ignored."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def _question_checked(
    *, text: str, kind: str, options: Sequence[str], answer: Sequence, knowledge_point: str,
    difficulty: int,
) -> dict:  # fmt: skip
    errors: dict = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = ValidationError(_("The question's text is required."), code="required")
    options = [str(o).strip() for o in options if str(o).strip()]
    if kind == Question.Kind.TRUE_FALSE:
        options = [str(_("True")), str(_("False"))]
    answer = list(answer)
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        if not 2 <= len(options) <= MAX_OPTIONS:
            errors["options"] = ValidationError(
                _("A choice question has 2 to %(max)d options.") % {"max": MAX_OPTIONS},
                code="options",
            )
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.TRUE_FALSE):
        try:
            answer = sorted({int(a) for a in answer})
        except (TypeError, ValueError):
            answer = []
        wanted = 2 if kind == Question.Kind.MULTIPLE else 1
        if (
            not answer
            or any(not 0 <= a < len(options) for a in answer)
            or (kind != Question.Kind.MULTIPLE and len(answer) != 1)
            or len(answer) < wanted
        ):
            errors["answer"] = ValidationError(
                _(
                    "Give the right option (letters such as A, or AC for a multiple choice of "
                    "at least two)."
                ),
                code="answer",
            )
    elif kind == Question.Kind.FILL:
        answer = [str(a).strip() for a in answer if str(a).strip()]
        options = []
        if not answer:
            errors["answer"] = ValidationError(
                _("Give the accepted answer (several separated by |)."), code="answer"
            )
    else:
        errors["kind"] = ValidationError(_("Choose the kind of question."), code="invalid")
    if difficulty not in (1, 2, 3):
        errors["difficulty"] = ValidationError(
            _("Difficulty is 1 (easy), 2 or 3 (hard)."), code="out_of_range"
        )
    point = _point_checked(knowledge_point, errors)
    if errors:
        raise ValidationError(errors)
    return {
        "text": text,
        "kind": kind,
        "options": options,
        "answer": answer,
        "knowledge_point": point,
        "difficulty": difficulty,
    }


@transaction.atomic
def question_add(*, actor: Account, owner_node: OrgNode, **fields) -> Question:
    """Add a question to the bank of ``owner_node``."""
    _require(actor, "team:course:edit", _("Your role does not edit the question bank."))
    question = Question.objects.create(owner_node=owner_node, **_question_checked(**fields))
    ledger.record(
        actor=actor,
        action="team.question.add",
        target=question,
        before=None,
        after=snapshot(question),
    )
    return question


IMPORT_COLUMNS = [
    ("text", _lazy("question")),
    ("kind", _lazy("kind")),
    ("options", _lazy("options")),
    ("answer", _lazy("answer")),
    ("knowledge_point", _lazy("knowledge point")),
    ("difficulty", _lazy("difficulty")),
]
IMPORT_REQUIRED = ["text", "kind", "answer", "knowledge_point", "difficulty"]
LETTERS = "ABCDEFGH"


# What the sheets offices keep write in the kind column, besides the codes and the labels.
KIND_ALIASES = {
    "单选": "single", "单选题": "single", "多选": "multiple", "多选题": "multiple",
    "判断": "true_false", "判断题": "true_false", "填空": "fill", "填空题": "fill",
}  # fmt: skip


def _kind_of(value: str) -> str:
    from django.utils import translation

    value = (value or "").strip()
    if value in KIND_ALIASES:
        return KIND_ALIASES[value]
    for code, label in Question.Kind.choices:
        if value == code:
            return code
        for language in ("en", "zh-hans"):
            with translation.override(language):
                if value == str(label):
                    return code
    return value


def _answer_of(kind: str, value: str) -> list:
    value = (value or "").strip()
    if kind == Question.Kind.FILL:
        return [v for v in value.split("|")]
    if kind == Question.Kind.TRUE_FALSE:
        truth = {
            "true": 0,
            "t": 0,
            "对": 0,
            "正确": 0,
            "√": 0,
            "false": 1,
            "f": 1,
            "错": 1,
            "错误": 1,
            "×": 1,
        }
        return [truth[value.casefold()]] if value.casefold() in truth else []
    letters = [c for c in value.upper() if c.strip() and c not in ",，、"]
    return [LETTERS.index(c) if c in LETTERS else -1 for c in letters]


@transaction.atomic
def questions_import(*, actor: Account, owner_node: OrgNode, rows: Sequence[dict]) -> int:
    """Add the questions of ``rows`` (an Excel sheet, one question a row: options separated by
    |, the answer as letters, true/false or the accepted texts) to the bank: all of them, or
    none, with every bad row named."""
    _require(actor, "team:course:edit", _("Your role does not edit the question bank."))
    if not rows:
        raise ValidationError({"file": ValidationError(_("The sheet has no rows."), code="empty")})
    labels = dict(IMPORT_COLUMNS)
    errors: list[str] = []
    checked: list[dict] = []
    for row in rows:
        kind = _kind_of(row.get("kind", ""))
        try:
            difficulty = int(float(row.get("difficulty") or 0))
        except ValueError:
            difficulty = 0
        try:
            checked.append(
                _question_checked(
                    text=row.get("text", ""),
                    kind=kind,
                    options=(row.get("options") or "").split("|"),
                    answer=_answer_of(kind, row.get("answer", "")),
                    knowledge_point=row.get("knowledge_point", ""),
                    difficulty=difficulty,
                )
            )
        except ValidationError as exc:
            problems = [
                f"{labels.get(field, field)}: {' '.join(texts)}"
                for field, texts in exc.message_dict.items()
            ]
            errors.append(
                _("Row %(n)d: %(errors)s") % {"n": row["_row"], "errors": "; ".join(problems)}
            )
    if errors:
        raise ValidationError({"file": [ValidationError(e, code="row") for e in errors]})
    made = Question.objects.bulk_create([Question(owner_node=owner_node, **q) for q in checked])
    ledger.record(
        actor=actor,
        action="team.question.import",
        target=owner_node,
        before=None,
        after={"questions": [q.pk for q in made]},
        details={"count": len(made)},
    )
    return len(made)


# --- tests -------------------------------------------------------------------------------------


@transaction.atomic
def paper_create(
    *, actor: Account, title: str, owner_node: OrgNode, rules: Sequence[dict], minutes: int,
    points_each: int = 5,
) -> Paper:  # fmt: skip
    """A test whose papers are drawn by ``rules`` (``{"point", "difficulty", "count"}``: so many
    questions of a knowledge point, of one difficulty or any) from the bank of
    ``owner_node``; refused when the bank cannot fill a rule."""
    _require(actor, "team:course:edit", _("Your role does not set tests."))
    errors: dict = {}
    title = title.strip()
    if not title:
        errors["title"] = ValidationError(_("A title is required."), code="required")
    if minutes is None or not 1 <= minutes <= 300:
        errors["minutes"] = ValidationError(
            _("A test lasts 1 to 300 minutes."), code="out_of_range"
        )
    if points_each is None or not 1 <= points_each <= 100:
        errors["points_each"] = ValidationError(
            _("A question is worth 1 to 100 points."), code="out_of_range"
        )
    clean: list[dict] = []
    problems = []
    for n, rule in enumerate(rules, 1):
        count = int(rule.get("count") or 0)
        difficulty = rule.get("difficulty") or None
        available = selectors.bank(owner_node=owner_node).filter(
            knowledge_point=rule.get("point", "")
        )
        if difficulty:
            available = available.filter(difficulty=int(difficulty))
        if count < 1:
            problems.append(_("Rule %(n)d: draw at least one question.") % {"n": n})
        elif available.count() < count:
            problems.append(
                _("Rule %(n)d: the bank has %(have)d such questions, %(want)d are wanted.")
                % {"n": n, "have": available.count(), "want": count}
            )
        clean.append(
            {
                "point": rule.get("point", ""),
                "difficulty": int(difficulty) if difficulty else None,
                "count": count,
            }
        )
    if not clean:
        problems.append(_("Give at least one rule."))
    if problems:
        errors["rules"] = [ValidationError(p, code="rules") for p in problems]
    if errors:
        raise ValidationError(errors)
    paper = Paper.objects.create(
        title=title, owner_node=owner_node, rules=clean, minutes=minutes, points_each=points_each,
        created_by=actor,
    )  # fmt: skip
    ledger.record(
        actor=actor, action="team.paper.create", target=paper, before=None, after=snapshot(paper)
    )
    return paper


@transaction.atomic
def attempt_start(*, actor: Account, paper: Paper, rng: random.Random | None = None) -> Attempt:
    """Draw the signed-in learner's paper: for each rule, that many questions at random (each
    learner a different draw), in a shuffled order; the timer starts now. A learner takes a
    test once: starting again returns the paper drawn."""
    _require(actor, "team:course:learn", _("Your role does not take tests."))
    profile = selectors.profile_of(actor)
    if profile is None:
        raise ValidationError(
            _("You have no officer profile yet: ask your administrator to make one."),
            code="no_profile",
        )
    existing = Attempt.objects.filter(paper=paper, profile=profile).first()
    if existing is not None:
        return existing
    rng = rng or random.SystemRandom()
    drawn: list[int] = []
    for rule in paper.rules:
        pool = selectors.bank(owner_node=paper.owner_node).filter(knowledge_point=rule["point"])
        if rule.get("difficulty"):
            pool = pool.filter(difficulty=rule["difficulty"])
        ids = sorted(set(pool.values_list("pk", flat=True)) - set(drawn))
        if len(ids) < rule["count"]:
            raise ValidationError(
                _("The question bank no longer fills this test."), code="not_enough"
            )
        drawn += rng.sample(ids, rule["count"])
    rng.shuffle(drawn)
    attempt = Attempt.objects.create(paper=paper, profile=profile, questions=drawn)
    ledger.record(
        actor=actor,
        action="team.attempt.start",
        target=attempt,
        before=None,
        after=snapshot(attempt),
    )
    return attempt


def mark(question: Question, given) -> Decimal:
    """The share of a question's points an answer earns: right is 1; a multiple choice with
    some of the right options and no wrong one earns half; anything else 0."""
    if question.kind == Question.Kind.FILL:
        accepted = {_normal(a) for a in question.answer}
        return Decimal(1) if _normal(given or "") in accepted else Decimal(0)
    try:
        chosen = {int(g) for g in (given if isinstance(given, list) else [given]) if g != ""}
    except (TypeError, ValueError):
        return Decimal(0)
    right = set(question.answer)
    if chosen == right:
        return Decimal(1)
    if question.kind == Question.Kind.MULTIPLE and chosen and chosen < right:
        return Decimal("0.5")
    return Decimal(0)


@transaction.atomic
def attempt_submit(*, actor: Account, attempt: Attempt, answers: dict) -> Attempt:
    """Mark the learner's answers (``{question id: option indexes or text}``), find the weak
    knowledge points (under 60% of their points) and push the lessons that teach them to the
    learner (each lesson once)."""
    attempt = (
        Attempt.objects.select_for_update().select_related("paper", "profile").get(pk=attempt.pk)
    )
    if attempt.profile.person_id != actor.person_id:
        raise PermissionDenied(_("Only the learner submits their paper."))
    if attempt.submitted_at is not None:
        raise ValidationError(_("This paper was submitted already."), code="submitted")
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.questions)}
    points = Decimal(attempt.paper.points_each)
    marks: dict[str, str] = {}
    by_point: dict[str, list[Decimal]] = {}
    kept: dict[str, object] = {}
    for pk in attempt.questions:
        question = questions[pk]
        given = answers.get(str(pk), answers.get(pk))
        kept[str(pk)] = given
        share = mark(question, given)
        marks[str(pk)] = str(share * points)
        by_point.setdefault(question.knowledge_point, []).append(share)
    weak = sorted(p for p, shares in by_point.items() if sum(shares) / len(shares) < WEAK_BELOW)
    before = snapshot(attempt)
    now = timezone.now()
    attempt.answers = kept
    attempt.marks = marks
    attempt.score = sum((Decimal(m) for m in marks.values()), Decimal(0))
    attempt.weak_points = weak
    attempt.submitted_at = now
    attempt.overtime = now > attempt.started_at + timedelta(minutes=attempt.paper.minutes) + GRACE
    attempt.save()
    ledger.record(
        actor=actor,
        action="team.attempt.submit",
        target=attempt,
        before=before,
        after=snapshot(attempt),
    )
    already = set(
        LessonPush.objects.filter(profile=attempt.profile).values_list("lesson_id", flat=True)
    )
    lessons = Lesson.objects.filter(knowledge_point__in=weak).exclude(pk__in=already)
    LessonPush.objects.bulk_create(
        [LessonPush(profile=attempt.profile, lesson=lesson, attempt=attempt) for lesson in lessons]
    )
    return attempt


# --- a learner's progress in lessons -----------------------------------------------------------

REPORT_GAP = timedelta(seconds=2)  # reports closer than this are refused (the page sends ~10 s)
FASTEST = 2.0  # the fastest playback rate the player offers
SLACK = 3.0  # seconds of play a report may claim beyond its wall-clock time (timers drift)


class TooSoon(Exception):
    """A progress report that came too soon after the last one (the page is throttled)."""


def complete_share() -> float:
    """The share of a video to watch for the lesson to count as completed (settings
    ``TEAM_VIDEO_COMPLETE_SHARE``, 0.9 unless set)."""
    from django.conf import settings

    return float(getattr(settings, "TEAM_VIDEO_COMPLETE_SHARE", 0.9))


def merged(stretches: Sequence[Sequence[float]]) -> list[list[float]]:
    """Stretches ``[start, end]`` merged where they overlap or touch, in order."""
    out: list[list[float]] = []
    for start, end in sorted((float(a), float(b)) for a, b in stretches if b > a):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return out


def _learner(actor: Account):
    _require(actor, "team:course:learn", _("Your role does not take courses."))
    profile = selectors.profile_of(actor)
    if profile is None:
        raise ValidationError(
            _("You have no officer profile yet: ask your administrator to make one."),
            code="no_profile",
        )
    return profile


def _hours(seconds: float) -> Decimal:
    return (Decimal(str(seconds)) / 3600).quantize(Decimal("0.001"))


def _complete(progress, *, actor: Account, seconds: float, now) -> None:
    before = snapshot(progress)
    progress.completed_at = now
    progress.hours = _hours(seconds)
    progress.save()
    ledger.record(
        actor=actor,
        action="team.lesson.complete",
        target=progress,
        before=before,
        after=snapshot(progress),
        details={"lesson": progress.lesson_id, "hours": str(progress.hours)},
    )


@transaction.atomic
def lesson_open(*, actor: Account, lesson: Lesson):
    """The learner opens a lesson: their progress (made the first time), its clock set to
    now so the next report is measured from here."""
    from .models import LessonProgress

    profile = _learner(actor)
    progress, made = LessonProgress.objects.select_for_update().get_or_create(
        profile=profile, lesson=lesson
    )
    if not made:
        progress.reported_at = timezone.now()
        progress.save(update_fields=["reported_at"])
    return progress


def _seconds(value, field: str, errors: dict, *, required: bool = True) -> float | None:
    import math

    if value in (None, ""):
        if required:
            errors[field] = ValidationError(_("A number of seconds is required."), code="required")
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number < 0:
        errors[field] = ValidationError(
            _("Not a number of seconds: %(value)s") % {"value": str(value)[:20]}, code="invalid"
        )
        return None
    return number


@transaction.atomic
def progress_report(*, actor: Account, lesson: Lesson, position, start=None, end=None):
    """The video's page reports where it is (``position``, where to resume) and the stretch
    ``start``–``end`` it played without a jump since its last report. Only stretches played
    count, capped by the time that passed since the last report (at the fastest playback rate)
    and by the lesson's length, and each second once however often it is played: seeking to
    the end moves the resume point, never the seconds watched. Watching ``complete_share()``
    of the video completes the lesson and credits the seconds watched as training hours."""
    from .models import LessonProgress

    profile = _learner(actor)
    if lesson.kind != Lesson.Kind.VIDEO:
        raise ValidationError(
            {"position": ValidationError(_("Only a video reports its position."), code="kind")}
        )
    errors: dict = {}
    length = float(lesson.duration)
    position = _seconds(position, "position", errors)
    start = _seconds(start, "start", errors, required=end not in (None, ""))
    end = _seconds(end, "end", errors, required=start is not None)
    if position is not None and position > length + 1:
        errors["position"] = ValidationError(
            _("Past the end of the lesson (%(length)d seconds).") % {"length": length},
            code="out_of_range",
        )
    if start is not None and end is not None and not start <= end <= length + 1:
        errors["end"] = ValidationError(
            _("A stretch played runs forwards within the lesson (0 to %(length)d seconds).")
            % {"length": length},
            code="out_of_range",
        )
    if errors:
        raise ValidationError(errors)
    progress = LessonProgress.objects.select_for_update().filter(profile=profile, lesson=lesson)
    progress = progress.first() or LessonProgress.objects.create(profile=profile, lesson=lesson)
    now = timezone.now()
    elapsed = (now - progress.reported_at).total_seconds()
    if elapsed < REPORT_GAP.total_seconds():
        raise TooSoon
    stretches = list(progress.played)
    if start is not None and end is not None and end > start:
        end = min(end, length, start + max(elapsed, 0) * FASTEST + SLACK)
        if end > start:
            stretches.append([start, end])
    progress.played = merged(stretches)
    progress.watched = min(length, sum(b - a for a, b in progress.played))
    progress.position = min(position, length)
    progress.reported_at = now
    if progress.completed_at is None and progress.watched >= complete_share() * length:
        _complete(progress, actor=actor, seconds=progress.watched, now=now)
    else:
        if progress.completed_at is not None:
            progress.hours = _hours(progress.watched)
        progress.save()
    return progress


@transaction.atomic
def lesson_confirm(*, actor: Account, lesson: Lesson):
    """The learner confirms they read a document or slides they opened: the lesson is
    completed and its length credited as training hours (once)."""
    from .models import LessonProgress

    profile = _learner(actor)
    if lesson.kind == Lesson.Kind.VIDEO:
        raise ValidationError(
            _("A video is completed by watching it, not by confirming it."), code="kind"
        )
    progress = (
        LessonProgress.objects.select_for_update().filter(profile=profile, lesson=lesson).first()
    )
    if progress is None:
        raise ValidationError(_("Open the lesson before confirming it."), code="not_opened")
    if progress.completed_at is None:
        _complete(progress, actor=actor, seconds=lesson.duration, now=timezone.now())
    return progress


# --- required courses --------------------------------------------------------------------------


@transaction.atomic
def course_require(*, actor: Account, course: Course, role, deadline) -> list:
    """Require ``course`` of the holders of ``role`` by ``deadline`` (a new deadline applies to
    the units reminded from then on):
    each unit where holders work under the course's publisher gets a reminder through the
    schedule service (a ``team.training`` work item due on the deadline, once per unit).
    Returns the work items opened now."""
    import datetime

    from oversight.loop import timing
    from oversight.schedules import services as schedules

    from .models import RequiredCourse
    from .schedules import REQUIRED_COURSE

    _require(actor, "team:course:edit", _("Your role does not edit courses."))
    today = timing.today()
    if not isinstance(deadline, datetime.date) or deadline <= today:
        raise ValidationError(
            {"deadline": ValidationError(_("The deadline is a day after today."), code="past")}
        )
    requirement = RequiredCourse.objects.select_for_update().filter(course=course, role=role)
    requirement = requirement.first()
    before = snapshot(requirement) if requirement else None
    if requirement is None:
        requirement = RequiredCourse(course=course, role=role, set_by=actor)
    requirement.deadline = deadline
    requirement.set_at = timezone.now()
    requirement.save()
    ledger.record(
        actor=actor,
        action="team.course.require",
        target=requirement,
        before=before,
        after=snapshot(requirement),
    )
    units = {a.org_node_id: a.org_node for a in selectors.required_holders(requirement=requirement)}
    opened = []
    for node in units.values():
        item = schedules.schedule_event(
            schedule=REQUIRED_COURSE,
            node=node,
            happened_on=today,
            key=f"rc{requirement.pk}",
            supervising_node=course.owner_node,
            title=_("Required course: %(course)s (by %(deadline)s)")
            % {"course": course.title, "deadline": deadline.isoformat()},
            due=deadline,
        )
        if item is not None:
            opened.append(item)
    return opened
