"""The demonstration builder: profiles with tags, 20 board tasks in every state (open,
applied, being done, overdue, reported, returned, verified); a second run changes nothing;
the ledger verifies."""

import random

import pytest

from oversight.ledger import services as ledger
from oversight.loop import timing
from oversight.loop.models import WorkItem
from oversight.orgs import demo as org_demo
from oversight.team import demo
from oversight.team.models import (
    Attempt,
    Claim,
    Course,
    Lesson,
    LessonProgress,
    LessonPush,
    Profile,
    Question,
    RequiredCourse,
    Target,
    Task,
)

pytestmark = pytest.mark.django_db


def test_it_builds_a_board_with_tasks_in_every_state(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    org_demo.build(rng=random.Random("orgs"))
    demo.build(rng=random.Random("team"))
    assert Profile.objects.count() == 7
    assert all(p.tags.exists() for p in Profile.objects.all())
    assert Task.objects.count() == 20
    states = set(Claim.objects.exclude(item=None).values_list("item__state", flat=True))
    assert states == {"doing", "reported", "returned", "verified"}
    assert Claim.objects.filter(state=Claim.State.APPLIED).exists()
    assert Task.objects.filter(claims__isnull=True).exists()  # the newest, still open
    overdue = Claim.objects.filter(item__state="doing", item__final_deadline__lt=timing.today())
    assert overdue.exists() and all(c.item.light == "red" for c in overdue)
    verified = Claim.objects.filter(item__state="verified")
    assert all(c.points_awarded == c.task.points for c in verified)
    assert not Claim.objects.exclude(item__state="verified").filter(points_awarded__isnull=False)
    assert Target.objects.filter(year=timing.today().year).count() == 7 * 4
    assert Course.objects.count() == 3 and Question.objects.count() == 200
    assert Attempt.objects.filter(submitted_at__isnull=False).count() == 2 * 7
    assert LessonPush.objects.exists()
    videos = Lesson.objects.filter(kind="video")
    assert videos.exists() and all(v.media and v.seconds for v in videos)
    assert all(v.media.read(4) == b"\x1a\x45\xdf\xa3" for v in videos)  # WebM (EBML)
    done = LessonProgress.objects.filter(completed_at__isnull=False)
    assert done.filter(lesson__kind="video").exists() and done.exclude(lesson__kind="video")
    assert LessonProgress.objects.filter(completed_at__isnull=True, watched__gt=0).exists()
    assert all(p.hours > 0 for p in done)
    # the videos were played in the past: nothing the demo wrote lies after the present
    from django.utils import timezone

    assert not LessonProgress.objects.filter(reported_at__gt=timezone.now()).exists()
    assert RequiredCourse.objects.count() == 1
    assert WorkItem.objects.filter(kind="team.training").exists()
    count = (Task.objects.count(), Claim.objects.count(), Profile.objects.count())
    demo.build(rng=random.Random("team"))
    assert (Task.objects.count(), Claim.objects.count(), Profile.objects.count()) == count
    _run, report = ledger.run_verification()
    assert report.ok
