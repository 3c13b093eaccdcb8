"""Required courses: a course required of a role by a deadline sends each unit where holders
of the role work (under the course's publisher only) a reminder through the schedule service,
once; the learner sees the deadline; the unit reports completion only when every holder there
has completed every lesson; bad input and the wrong role are refused."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from oversight.conftest import client_for
from oversight.loop import services as loop
from oversight.loop.models import WorkItem
from oversight.schedules.models import Obligation
from oversight.team import learning as learning_services
from oversight.team import selectors
from oversight.team.models import LessonProgress, RequiredCourse
from oversight.team.schedules import REQUIRED_COURSE


def test_requiring_a_course_reminds_each_unit_once_through_the_schedule_service(
    learning, elsewhere
):
    c = learning
    opened = learning_services.course_require(
        actor=c.supervisor, course=c.course, role=c.role_officer, deadline=date(2026, 4, 30)
    )
    assert len(opened) == 1  # the three officers work at the commission; the far one not
    item = opened[0]
    assert item.kind == "team.training" and item.final_deadline == date(2026, 4, 30)
    assert item.responsible_node == c.commission and "Party discipline" in item.title
    obligation = Obligation.objects.get(item=item)
    assert obligation.schedule == REQUIRED_COURSE and obligation.due == date(2026, 4, 30)
    again = learning_services.course_require(
        actor=c.supervisor, course=c.course, role=c.role_officer, deadline=date(2026, 5, 15)
    )
    assert again == [] and WorkItem.objects.filter(kind="team.training").count() == 1
    assert RequiredCourse.objects.get().deadline == date(2026, 5, 15)
    courses = selectors.course_progress(viewer=c.officer1, profile=c.profile1)
    assert courses[0].required_by == date(2026, 5, 15)
    far = selectors.profile_of(elsewhere.officer)
    assert selectors.course_progress(viewer=elsewhere.officer, profile=far) == []


def test_the_unit_reports_completion_only_when_every_holder_has_completed(learning):
    c = learning
    (item,) = learning_services.course_require(
        actor=c.supervisor, course=c.course, role=c.role_officer, deadline=date(2026, 4, 30)
    )
    profiles = [c.profile1, c.profile2, c.profile3]
    for profile in profiles[:2]:
        for lesson in c.lessons.values():
            LessonProgress.objects.create(
                profile=profile, lesson=lesson, completed_at=timezone.now(), watched=600
            )
    with pytest.raises(PermissionDenied) as refused:
        loop.item_transition(item=item, name="complete", actor=c.officer1)
    assert refused.value.code == "not_completed" and "Officer officer3" in str(refused.value)
    for lesson in c.lessons.values():
        LessonProgress.objects.create(
            profile=c.profile3, lesson=lesson, completed_at=timezone.now(), watched=600
        )
    loop.item_transition(item=item, name="complete", actor=c.officer1)
    item.refresh_from_db()
    assert item.state == "completed"


def test_a_requirement_is_refused_without_the_role_or_with_a_past_deadline(learning):
    c = learning
    with pytest.raises(PermissionDenied):
        learning_services.course_require(
            actor=c.officer1, course=c.course, role=c.role_officer, deadline=date(2026, 4, 30)
        )
    with pytest.raises(ValidationError) as exc:
        learning_services.course_require(
            actor=c.supervisor, course=c.course, role=c.role_officer, deadline=date(2026, 3, 1)
        )
    assert list(exc.value.message_dict) == ["deadline"]
    assert not RequiredCourse.objects.exists()


def test_the_requirement_form_names_its_bad_field(learning):
    c = learning
    client = client_for(c.supervisor)
    bad = client.post(
        "/team/learning/required/",
        {"course": c.course.pk, "role": c.role_officer.pk, "deadline": "2026-02-01"},
    )
    assert bad.status_code == 400 and "deadline" in bad.context["require_form"].errors
    good = client.post(
        "/team/learning/required/",
        {"course": c.course.pk, "role": c.role_officer.pk, "deadline": "2026-04-30"},
    )
    assert good.status_code == 302 and RequiredCourse.objects.count() == 1
    page = client_for(c.officer1).get("/team/learning/").content.decode()
    assert "2026" in page and 'data-testid="required"' not in page  # learners see no form
