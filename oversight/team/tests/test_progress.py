"""A learner's progress in lessons: the resume point and the seconds actually played (seeking
to the end counts nothing; a stretch cannot claim more than the time that passed; each second
counts once, capped by the lesson's length), completion at the configured share, a document
completed by confirming it, training hours on the learner's page, the chain and the measure;
the progress endpoint's bad input named, CSRF, someone else's progress out of reach, another
commission's lessons a 404, and the lesson's file served with range requests."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client

from oversight.conftest import client_for, refusal_codes
from oversight.core import clock
from oversight.measures import registry
from oversight.measures import selectors as measure_selectors
from oversight.measures.registry import Period
from oversight.team import learning as learning_services
from oversight.team import selectors, services
from oversight.team.models import Lesson, LessonProgress, Target

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def video(learning):
    """The sanctions lesson as a 360-second video (6 minutes)."""
    lesson = learning.lessons["sanctions"]
    lesson.seconds = 360
    lesson.save()
    return lesson


@pytest.fixture
def document(learning):
    return learning_services.lesson_add(
        actor=learning.supervisor, course=learning.course, title="The regulations, annotated",
        kind="document", minutes=30, knowledge_point="sanctions",
    )  # fmt: skip


def _at(seconds: float):
    return clock.moved(T0 + timedelta(seconds=seconds))


def _watch(account, lesson, stretches, *, opened=0.0):
    """Open the lesson at ``opened`` seconds after T0, then report each ``(wall, start, end,
    position)``: at ``wall`` seconds after T0, the stretch played and where the video is."""
    with _at(opened):
        learning_services.lesson_open(actor=account, lesson=lesson)
    progress = None
    for wall, start, end, position in stretches:
        with _at(wall):
            progress = learning_services.progress_report(
                actor=account, lesson=lesson, position=position, start=start, end=end
            )
    return progress


def test_seeking_to_the_end_moves_the_resume_point_but_counts_nothing(learning, video):
    c = learning
    progress = _watch(c.officer1, video, [(5, None, None, 350)])
    assert progress.position == 350 and progress.watched == 0 and progress.completed_at is None
    # the page claims the whole video played 10 seconds after it opened: 10 s × 2 + 3 count
    progress = _watch(c.officer1, video, [(10, 0, 360, 360)], opened=0)
    assert progress.watched == pytest.approx(23, abs=0.1)
    assert progress.completed_at is None and progress.hours is None
    assert progress.percent == 6


def test_each_second_counts_once_and_never_past_the_lessons_length(learning, video):
    c = learning
    progress = _watch(
        c.officer1, video,
        [(60, 0, 60, 60), (120, 0, 60, 60), (180, 30, 90, 90), (400, 300, 361, 360)],
    )  # fmt: skip
    assert progress.played == [[0.0, 90.0], [300.0, 360.0]]
    assert progress.watched == pytest.approx(150, abs=0.1)
    assert progress.position == 360


def test_the_lesson_completes_at_the_configured_share_with_its_hours(learning, video, settings):
    c = learning
    reports = [(60 * (n + 1), 60 * n, 60 * (n + 1), 60 * (n + 1)) for n in range(5)]
    progress = _watch(c.officer1, video, [*reports, (320, 300, 320, 320)])
    assert progress.watched == pytest.approx(320, abs=0.1)  # 88.9%: not yet
    assert progress.completed_at is None
    with _at(330):
        progress = learning_services.progress_report(
            actor=c.officer1, lesson=video, position=325, start=320, end=325
        )
    assert progress.watched == pytest.approx(325, abs=0.1)  # 90.3%
    assert progress.completed_at == T0 + timedelta(seconds=330) or progress.completed_at
    assert progress.hours == Decimal("0.09")
    assert selectors.training_hours(profile=c.profile1) == Decimal("0.09")
    assert selectors.training_hours(profile=c.profile1, year=2025) == 0
    # a stricter setting: the same watching does not complete another learner's lesson
    settings.TEAM_VIDEO_COMPLETE_SHARE = 0.95
    other = _watch(c.officer2, video, [*reports, (330, 300, 325, 325)])
    assert other.watched == pytest.approx(325, abs=0.1) and other.completed_at is None


def test_reports_too_close_together_are_refused(learning, video):
    c = learning
    _watch(c.officer1, video, [(10, 0, 10, 10)])
    with _at(11), pytest.raises(learning_services.TooSoon):
        learning_services.progress_report(
            actor=c.officer1, lesson=video, position=11, start=10, end=11
        )
    assert LessonProgress.objects.get(profile=c.profile1).watched == pytest.approx(10, abs=0.1)
    with _at(11.5), pytest.raises(learning_services.TooSoon):  # position alone, too
        learning_services.progress_report(actor=c.officer1, lesson=video, position=11)
    with _at(13):
        progress = learning_services.progress_report(
            actor=c.officer1, lesson=video, position=13, start=10, end=13
        )
    assert progress.watched == pytest.approx(13, abs=0.1)


def test_bad_reports_name_their_fields_and_change_nothing(learning, video):
    c = learning
    _watch(c.officer1, video, [(10, 0, 10, 10)])
    for fields, wrong in [
        ({"position": "abc"}, "position"),
        ({"position": "-3"}, "position"),
        ({"position": "9999"}, "position"),
        ({"position": "10", "start": "20", "end": "10"}, "end"),
        ({"position": "10", "start": "5"}, "end"),
        ({"position": "10", "start": "nan", "end": "20"}, "start"),
    ]:
        with _at(60), pytest.raises(ValidationError) as exc:
            learning_services.progress_report(actor=c.officer1, lesson=video, **fields)
        assert wrong in exc.value.message_dict, fields
    progress = LessonProgress.objects.get(profile=c.profile1)
    assert progress.position == 10 and progress.watched == pytest.approx(10, abs=0.1)


def test_a_document_completes_when_confirmed_after_opening(learning, document, video):
    c = learning
    with pytest.raises(ValidationError) as exc:
        learning_services.lesson_confirm(actor=c.officer1, lesson=document)
    assert refusal_codes(exc.value) == ["not_opened"]
    learning_services.lesson_open(actor=c.officer1, lesson=document)
    progress = learning_services.lesson_confirm(actor=c.officer1, lesson=document)
    assert progress.completed_at is not None and progress.hours == Decimal("0.50")
    again = learning_services.lesson_confirm(actor=c.officer1, lesson=document)
    assert again.hours == Decimal("0.50") and LessonProgress.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        learning_services.lesson_confirm(actor=c.officer1, lesson=video)
    assert refusal_codes(exc.value) == ["kind"]
    with pytest.raises(ValidationError):
        learning_services.progress_report(actor=c.officer1, lesson=document, position=1)


def test_course_progress_and_the_chain_count_the_hours_completed(learning, document):
    c = learning
    learning_services.lesson_open(actor=c.officer1, lesson=document)
    with _at(0):
        learning_services.lesson_confirm(actor=c.officer1, lesson=document)
    courses = selectors.course_progress(viewer=c.officer1, profile=c.profile1)
    assert [(cp.course, cp.done, cp.total, cp.hours) for cp in courses] == [
        (c.course, 1, 4, Decimal("0.50"))
    ]
    c.role_supervisor.permissions = [*c.role_supervisor.permissions, "team:target:set"]
    c.role_supervisor.save()
    c.supervisor.__dict__.pop("_perm_codes", None)
    services.target_set(
        actor=c.supervisor, profile=c.profile1, year=2026, metric="training", value=2
    )
    rows = {r.profile.pk: r for r in selectors.chain(viewer=c.supervisor, year=2026)}
    assert rows[c.profile1.pk].done["training"] == Decimal("0.5")
    training = list(Target.Metric.values).index("training")
    assert rows[c.profile1.pk].cells[training] == (2, Decimal("0.5"), 25)
    assert "training" not in rows[c.profile2.pk].done
    assert "training" not in selectors.chain(viewer=c.supervisor, year=2025)[0].done
    profile_page = client_for(c.supervisor).get(f"/team/profiles/{c.profile1.pk}/").content
    assert re.search(rb"training-hours\">0\.50*<", profile_page)
    assert b'data-testid="lessons-completed">1<' in profile_page


def test_the_training_hours_measure_sums_the_hours_of_completed_lessons(
    learning, document, video, elsewhere
):
    c = learning
    with _at(0):
        learning_services.lesson_open(actor=c.officer1, lesson=document)
        learning_services.lesson_confirm(actor=c.officer1, lesson=document)
        learning_services.lesson_open(actor=c.officer2, lesson=document)
        learning_services.lesson_confirm(actor=c.officer2, lesson=document)
    _watch(c.officer3, video, [(60, 0, 60, 60)])  # started, not completed: no hours
    measure = registry.get("team.training_hours")
    got = measure_selectors.figures(
        viewer=c.supervisor, measures=[measure], nodes=[c.commission, c.county],
        period=Period.parse("2026-03"),
    )  # fmt: skip
    assert got[measure.id][c.commission.pk].value == 1.0
    assert got[measure.id][c.commission.pk].count == 2
    assert got[measure.id][c.county.pk].value == 1.0
    earlier = measure_selectors.figures(
        viewer=c.supervisor, measures=[measure], nodes=[c.commission],
        period=Period.parse("2026-02"),
    )  # fmt: skip
    assert earlier[measure.id][c.commission.pk].value == 0
    outside = measure_selectors.figures(
        viewer=elsewhere.publisher, measures=[measure], nodes=[c.commission],
        period=Period.parse("2026-03"),
    )  # fmt: skip
    assert outside[measure.id][c.commission.pk].count == 0


# --- through the pages ---------------------------------------------------------------------


def test_the_progress_endpoint_names_bad_input_and_keeps_each_learners_own(learning, video):
    c = learning
    mine = client_for(c.officer1)
    with _at(0):
        page = mine.get(f"/team/learning/lessons/{video.pk}/")
    assert page.status_code == 200 and 'data-testid="video"' not in page.content.decode()
    url = f"/team/learning/lessons/{video.pk}/progress/"
    with _at(1):
        bad = mine.post(url, {"position": "soon", "start": "3", "end": "1"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"position", "end"}
    with _at(20):
        good = mine.post(url, {"position": "20", "start": "0", "end": "20"})
    assert good.status_code == 200
    assert good.json() == {"position": 20.0, "watched": 20.0, "percent": 5, "completed": False}
    with _at(21):
        assert mine.post(url, {"position": "21", "start": "20", "end": "21"}).status_code == 429
    # another learner of the same body: their own progress, never the first one's
    theirs = client_for(c.officer2)
    with _at(30):
        page = theirs.get(f"/team/learning/lessons/{video.pk}/")
    assert page.context["progress"].profile == c.profile2
    assert page.context["progress"].watched == 0
    with _at(40):
        theirs.post(url, {"position": "5", "start": "0", "end": "5"})
    assert LessonProgress.objects.get(profile=c.profile1).watched == pytest.approx(20, abs=0.1)
    assert LessonProgress.objects.get(profile=c.profile1).position == 20
    with _at(50):
        home = theirs.get("/team/learning/").content.decode()
    assert "1%" in home and "5%" not in home


def test_the_progress_report_needs_the_csrf_token(learning, video):
    c = learning
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(c.officer1)
    url = f"/team/learning/lessons/{video.pk}/progress/"
    assert strict.post(url, {"position": "1"}).status_code == 403
    with _at(0):
        page = strict.get(f"/team/learning/lessons/{video.pk}/")
    token = page.context["csrf_token"]
    with _at(5):
        ok = strict.post(url, {"position": "1"}, headers={"X-CSRFToken": str(token)})
    assert ok.status_code == 200


def test_another_commission_sees_no_lesson_and_writes_no_progress(learning, video, elsewhere):
    c = learning
    role = elsewhere.officer.roles.first()
    assert "team:course:learn" in role.permissions
    far = client_for(elsewhere.officer)
    base = f"/team/learning/lessons/{video.pk}/"
    assert far.get(base).status_code == 404
    assert far.post(base + "progress/", {"position": "1"}).status_code == 404
    assert far.post(base + "confirm/").status_code == 404
    assert far.get(base + "media/").status_code == 404
    assert c.course.title not in far.get("/team/learning/").content.decode()
    assert not LessonProgress.objects.exists()


def test_the_lesson_file_is_served_with_range_requests(learning, video, settings, tmp_path):
    c = learning
    settings.MEDIA_ROOT = str(tmp_path)
    body = bytes(range(256)) * 40  # 10,240 bytes
    video.media.save("lesson.webm", ContentFile(body))
    client = client_for(c.officer1)
    url = f"/team/learning/lessons/{video.pk}/media/"
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Type"] == "video/webm"
    assert b"".join(whole.streaming_content) == body
    part = client.get(url, headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206
    assert part["Content-Range"] == "bytes 1000-1999/10240" and part["Content-Length"] == "1000"
    assert b"".join(part.streaming_content) == body[1000:2000]
    tail = client.get(url, headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == body[-100:]
    open_ended = client.get(url, headers={"Range": "bytes=10000-"})
    assert b"".join(open_ended.streaming_content) == body[10000:]
    beyond = client.get(url, headers={"Range": "bytes=20000-"})
    assert beyond.status_code == 416 and beyond["Content-Range"] == "bytes */10240"
    page = client.get(f"/team/learning/lessons/{video.pk}/").content.decode()
    assert 'data-testid="video"' in page and url in page
    other = Lesson.objects.exclude(pk=video.pk).first()
    assert client.get(f"/team/learning/lessons/{other.pk}/media/").status_code == 404
