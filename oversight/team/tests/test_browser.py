"""The officers' own work in a real browser: the supervisor publishes a task on the board, an
officer with the right specialty claims it and reports, the supervisor verifies and the points
appear on the assessment chain (not before); the officer takes a test, misses a knowledge
point and finds its lesson pushed to them."""

import pytest
from playwright.sync_api import expect

from oversight.conftest import sign_in
from oversight.team import learning as learning_services
from oversight.team.models import Task

pytestmark = pytest.mark.browser


def test_publish_claim_report_verify_the_chain_moves_and_a_test_pushes_a_lesson(
    learning, live_server, page
):
    c = learning
    base = live_server.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    sign_in(page, base, "supervisor")
    page.goto(f"{base}/team/")
    form = page.locator("form:has([data-testid=publish])")
    form.locator("input[name=title]").fill("Audit the poverty-relief fund")
    form.locator("input[name=tags][value=finance]").check()
    form.locator("input[name=points]").fill("10")
    form.locator("input[name=deadline]").fill("2026-03-20")
    form.locator("select[name=mode]").select_option("first_come")
    page.click("[data-testid=publish]")
    task = Task.objects.get(title="Audit the poverty-relief fund")
    expect(page).to_have_url(f"{base}/team/tasks/{task.pk}/")

    sign_in(page, base, "officer1")
    page.goto(f"{base}/team/")
    page.get_by_role("link", name="Audit the poverty-relief fund").click()
    page.click("[data-testid=claim]")
    expect(page.locator("[data-testid=taken]")).to_have_text("1 / 1")
    page.click("[data-testid=my-item]")
    item_url = page.url
    page.locator("form:has([data-testid=do-report]) textarea[name=comment]").fill(
        "Fund audited: two payments without approval, reported to the commission."
    )
    page.click("[data-testid=do-report]")
    points = f"[data-testid=cell-{c.profile1.pk}-2]"
    page.goto(f"{base}/team/chain/?year=2026")
    expect(page.locator(points)).to_have_text("0")  # points come on verification only

    sign_in(page, base, "supervisor")
    page.goto(item_url)
    page.click("[data-testid=do-verify]")
    page.goto(f"{base}/team/chain/?year=2026")
    expect(page.locator(points)).to_have_text("10")
    expect(page.locator(f"[data-testid=cell-{c.profile1.pk}-1]")).to_have_text("1")

    paper = learning_services.paper_create(
        actor=c.supervisor, title="Discipline test", owner_node=c.commission, minutes=30,
        rules=[{"point": "sanctions", "count": 4}],
    )  # fmt: skip
    sign_in(page, base, "officer1")
    page.goto(f"{base}/team/learning/")
    page.click(f"[data-testid=start-{paper.pk}]")
    expect(page.locator("[data-testid=timer]")).to_be_visible()
    for radio in page.locator("input[type=radio][value='2']").all():
        radio.check()  # a wrong choice wherever there is one
    page.click("[data-testid=submit-paper]")
    expect(page.locator("[data-testid=weak]")).to_contain_text("纪律处分条例")
    expect(page.locator("[data-testid=pushed]")).to_contain_text("Lesson on sanctions")
    page.goto(f"{base}/team/learning/")
    expect(page.locator("section[data-testid=pushed]")).to_contain_text("Lesson on sanctions")
    assert errors == []


def test_a_learner_watches_part_of_a_video_and_resumes_where_they_left_off(
    learning, live_server, page, settings, tmp_path
):
    """The video is served by the platform with range requests (the player seeks to the
    resume point); pausing reports the stretch played; the next visit starts there."""
    from pathlib import Path

    from django.core.files import File

    from oversight.team.models import LessonProgress

    settings.MEDIA_ROOT = str(tmp_path)
    c = learning
    source = Path(learning_services.__file__).parent / "demo_media" / "lesson-video-1.webm"
    with source.open("rb") as handle:
        lesson = learning_services.lesson_add(
            actor=c.supervisor, course=c.course, title="The eight rules, explained",
            kind="video", minutes=1, seconds=12, knowledge_point="eight_rules",
            media=File(handle, name="lesson.webm"),
        )  # fmt: skip
    base = live_server.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, base, "officer1")
    page.goto(f"{base}/team/learning/")
    page.click(f"[data-testid=lesson-{lesson.pk}]")
    video = page.locator("[data-testid=video]")
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 4")
    with page.expect_response(
        lambda r: r.url.endswith("/progress/") and r.status == 200 and r.json()["position"] > 4
    ):
        video.evaluate("v => v.pause()")
    progress = LessonProgress.objects.get(profile=c.profile1, lesson=lesson)
    assert progress.position > 4 and 3 < progress.watched <= progress.position + 0.5
    assert progress.completed_at is None
    expect(page.locator("[data-testid=percent]")).not_to_have_text("0%")

    page.goto(f"{base}/team/learning/")
    expect(page.locator(f"[data-testid=course-{c.course.pk}]")).to_contain_text("0")
    page.click(f"[data-testid=lesson-{lesson.pk}]")
    page.wait_for_function(
        "p => Math.abs(document.querySelector('video').currentTime - p) < 0.5",
        arg=progress.position,
    )
    # seeking to the end counts nothing: the resume point moves, the seconds watched do not
    page.evaluate("() => { const v = document.querySelector('video'); v.currentTime = 11.5; }")
    page.wait_for_function("() => !document.querySelector('video').seeking")
    with page.expect_response(lambda r: r.url.endswith("/progress/")) as answer:
        video.evaluate("v => { v.dispatchEvent(new Event('pause')); }")
    assert answer.value.status in (200, 429)
    again = LessonProgress.objects.get(pk=progress.pk)
    assert again.watched == pytest.approx(progress.watched, abs=0.01)
    assert again.completed_at is None
    assert errors == []
