"""Long-term tasks staged by milestones: the task's deadline light follows the current
milestone, progress is reported per milestone, bad stagings are refused naming the milestone."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from oversight.inspections import services
from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """Messages compared in English, on pages and from services alike."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def test_the_light_follows_the_current_milestone(inspections_county, task, today):
    c = inspections_county
    first, second = services.milestones_set(
        actor=c.supervisor,
        task=task,
        milestones=[
            ("Recover the payments", date(2026, 3, 20)),
            ("Approval rules", date(2026, 4, 30)),
        ],
    )
    task.item.refresh_from_db()
    assert task.item.step_deadline == date(2026, 3, 20)
    item = loop.item_transition(item=task.item, name="start", actor=c.town1_officer)
    assert item.state == "rectifying" and item.step_deadline == date(2026, 3, 20)
    today(date(2026, 3, 21))
    loop.sweep()
    item.refresh_from_db()
    assert item.light == "red"  # the first milestone is overdue, the task is not
    with pytest.raises(ValidationError) as refused:
        services.milestone_report(
            actor=c.town1_officer, milestone=second, comment="x", reached=True
        )
    assert refused.value.message_dict["comment"] == ["Reach the milestones in order."]
    services.milestone_report(
        actor=c.town1_officer, milestone=first, comment="All 8 recovered.", reached=True
    )
    item.refresh_from_db()
    first.refresh_from_db()
    assert first.reached_on == date(2026, 3, 21) and item.progress == 50
    assert item.step_deadline == date(2026, 4, 30) and item.light != "red"
    services.milestone_report(
        actor=c.town1_officer, milestone=second, comment="Draft rules written.", reached=False
    )
    item.refresh_from_db()
    assert item.progress == 50
    assert item.events.filter(type="progress").count() == 2
    mismatches = [m for m in verify_ledger().mismatches if m.table.startswith("inspections")]
    assert mismatches == []


def test_bad_stagings_are_refused_naming_the_milestone(inspections_county, task):
    c = inspections_county
    with pytest.raises(ValidationError) as refused:
        services.milestones_set(
            actor=c.supervisor,
            task=task,
            milestones=[
                ("", date(2026, 3, 20)),
                ("Second", date(2026, 5, 20)),
                ("Third", date(2026, 4, 1)),
                ("Fourth", date(2026, 3, 30)),
            ],
        )
    assert refused.value.message_dict["milestones"] == [
        "Milestone 1: give its title.",
        "Milestone 2: its deadline falls after the task's.",
        "Milestone 3: its deadline comes after the one before.",
        "Milestone 4: its deadline comes after the one before.",
    ]
    assert not task.milestones.exists()
    with pytest.raises(PermissionDenied):
        services.milestones_set(
            actor=c.town1_officer, task=task, milestones=[("One", date(2026, 4, 1))]
        )
    (only,) = services.milestones_set(
        actor=c.supervisor, task=task, milestones=[("One", date(2026, 4, 1))]
    )
    with pytest.raises(PermissionDenied):  # only the responsible unit reports
        services.milestone_report(actor=c.town2_officer, milestone=only, comment="x", reached=True)
    with pytest.raises(ValidationError):  # a report says what was done
        services.milestone_report(actor=c.town1_officer, milestone=only, comment=" ", reached=True)
    only.refresh_from_db()
    assert only.reached_on is None
