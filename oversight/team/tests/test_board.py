"""The task board: publishing, claiming (first come, applications), assigning by tag with
suggestions by tags and load, the ``team.task`` kind run through the loop, and points awarded
on verification only."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from oversight.conftest import client_for, refusal_codes
from oversight.ledger.models import Leaf
from oversight.loop import services as loop
from oversight.loop.services import TransitionRefused
from oversight.team import selectors, services
from oversight.team.models import Claim, Task

from .conftest import officer_account


def test_it_refuses_a_bad_task_naming_every_field(team):
    with pytest.raises(ValidationError) as refused:
        services.task_publish(
            actor=team.supervisor,
            title=" ",
            points=0,
            deadline=date(2026, 3, 1),
            mode="lottery",
            publisher_node=team.commission,
            places=0,
            tags=["astrology"],
        )
    assert refusal_codes(refused.value) == {
        "title": ["required"],
        "points": ["out_of_range"],
        "places": ["out_of_range"],
        "deadline": ["past"],
        "mode": ["invalid"],
        "tags": ["unknown_tag"],
    }
    assert not Task.objects.exists()


def test_only_publishers_of_their_own_body_or_above_publish(team, publish):
    with pytest.raises(PermissionDenied):
        publish(actor=team.officer1)
    with pytest.raises(PermissionDenied):
        publish(publisher_node=team.town1)


def test_first_come_takes_a_place_and_opens_a_work_item(team, publish):
    c = team
    task = publish(places=1)
    claim = services.task_claim(actor=c.officer2, task=task)
    assert claim.state == Claim.State.ACCEPTED and claim.via == Claim.Via.CLAIMED
    item = claim.item
    assert (item.kind, item.state, item.assignee_id) == ("team.task", "doing", c.officer2.pk)
    assert item.supervising_node_id == c.commission.pk and item.final_deadline == task.deadline
    assert Leaf.objects.filter(action="team.claim.claimed", target_id=str(claim.pk)).exists()
    with pytest.raises(ValidationError) as refused:
        services.task_claim(actor=c.officer1, task=task)
    assert refusal_codes(refused.value) == ["full"]
    with pytest.raises(ValidationError) as refused:
        services.task_claim(actor=c.officer2, task=task)
    assert refusal_codes(refused.value) == ["already"]


def test_claims_are_refused_without_the_tags_after_the_deadline_or_when_assigned(
    team, publish, today
):
    c = team
    with pytest.raises(ValidationError) as refused:
        services.task_claim(actor=c.officer3, task=publish())
    assert refusal_codes(refused.value) == ["tags"]
    with pytest.raises(ValidationError) as refused:
        services.task_claim(actor=c.officer1, task=publish(mode="assign"))
    assert refusal_codes(refused.value) == ["assigned_only"]
    anyone = publish(tags=[], deadline=date(2026, 3, 5))
    today(date(2026, 3, 6))
    with pytest.raises(ValidationError) as refused:
        services.task_claim(actor=c.officer3, task=anyone)
    assert refusal_codes(refused.value) == ["closed"]
    with pytest.raises(ValidationError) as refused:
        services.task_claim(actor=c.supervisor, task=anyone)  # no profile
    assert refusal_codes(refused.value) == ["no_profile"]
    assert not Claim.objects.exists()


def test_applications_wait_for_the_publisher_to_choose(team, publish):
    c = team
    task = publish(mode="apply", places=1)
    first = services.task_claim(actor=c.officer1, task=task)
    second = services.task_claim(actor=c.officer2, task=task)
    assert (first.state, first.item) == (Claim.State.APPLIED, None)
    with pytest.raises(PermissionDenied):
        services.claim_choose(actor=c.officer1, claim=second)
    chosen = services.claim_choose(actor=c.supervisor, claim=second)
    assert chosen.state == Claim.State.ACCEPTED and chosen.via == Claim.Via.CHOSEN
    assert chosen.item.assignee_id == c.officer2.pk
    with pytest.raises(ValidationError) as refused:
        services.claim_choose(actor=c.supervisor, claim=first)
    assert refusal_codes(refused.value) == ["full"]
    with pytest.raises(ValidationError) as refused:
        services.claim_choose(actor=c.supervisor, claim=chosen)
    assert refusal_codes(refused.value) == ["not_applied"]


def test_suggestions_put_the_most_tags_then_the_lightest_load_first(team, publish):
    c = team
    task = publish(mode="assign", places=2, tags=["finance", "law"])
    names = lambda: [p.pk for p in selectors.suggestions(viewer=c.supervisor, task=task)]  # noqa: E731
    assert names() == [c.profile1.pk, c.profile2.pk]  # officer3 has neither tag
    # officer1 has both tags but becomes busier than officer2: tags still come first
    for n in range(2):
        services.task_claim(actor=c.officer1, task=publish(title=f"Busy {n}"))
    assert names() == [c.profile1.pk, c.profile2.pk]
    one_tag = publish(mode="assign", tags=["finance"])
    ranked = selectors.suggestions(viewer=c.supervisor, task=one_tag)
    assert [(p.pk, p.load) for p in ranked] == [(c.profile2.pk, 0), (c.profile1.pk, 2)]


def test_assigning_takes_places_for_all_or_none(team, publish):
    c = team
    task = publish(mode="assign", places=1)
    with pytest.raises(ValidationError) as refused:
        services.task_assign(actor=c.supervisor, task=task, profiles=[c.profile1, c.profile2])
    assert refusal_codes(refused.value) == {"profiles": ["full"]}
    assert not Claim.objects.exists()
    (claim,) = services.task_assign(actor=c.supervisor, task=task, profiles=[c.profile2])
    assert claim.via == Claim.Via.ASSIGNED and claim.item.assignee_id == c.officer2.pk
    with pytest.raises(PermissionDenied):
        services.task_assign(actor=c.officer1, task=task, profiles=[c.profile1])


def test_points_are_awarded_on_verification_only(team, publish):
    c = team
    task = publish(points=12)
    claim = services.task_claim(actor=c.officer2, task=task)
    item = claim.item
    with pytest.raises(TransitionRefused) as refused:  # a colleague of the unit
        loop.item_transition(item=item, name="report", actor=c.officer1, comment="Done")
    assert refusal_codes(refused.value) == ["not_assignee"]
    item = loop.item_transition(item=item, name="report", actor=c.officer2, comment="Audited")
    claim.refresh_from_db()
    assert claim.points_awarded is None
    item = loop.item_transition(item=item, name="return", actor=c.supervisor, comment="Thin")
    claim.refresh_from_db()
    assert claim.points_awarded is None and item.state == "returned"
    item = loop.item_transition(item=item, name="report", actor=c.officer2, comment="More")
    with pytest.raises(TransitionRefused) as refused:
        loop.item_transition(item=item, name="verify", actor=c.officer2)
    assert refusal_codes(refused.value) == ["not_allowed"]
    item = loop.item_transition(item=item, name="verify", actor=c.supervisor)
    claim.refresh_from_db()
    assert item.state == "verified" and item.closed_at is not None
    assert (claim.points_awarded, claim.awarded_on) == (12, date(2026, 3, 2))
    assert Leaf.objects.filter(action="team.claim.award", target_id=str(claim.pk)).exists()
    assert selectors.profile_record(profile=c.profile2)["points"] == 12


def test_a_publisher_does_not_verify_their_own_task(team, publish):
    c = team
    c.role_officer.permissions = [*c.role_officer.permissions, "team:task:verify"]
    c.role_officer.save()
    c.officer2.__dict__.pop("_perm_codes", None)
    claim = services.task_claim(actor=c.officer2, task=publish())
    item = loop.item_transition(item=claim.item, name="report", actor=c.officer2, comment="x")
    with pytest.raises(TransitionRefused) as refused:
        loop.item_transition(item=item, name="verify", actor=c.officer2)
    assert refusal_codes(refused.value) == ["own_task"]
    claim.refresh_from_db()
    assert claim.points_awarded is None


def test_officers_of_another_commission_see_no_task(team, elsewhere, publish):
    c = team
    task = publish()
    assert list(selectors.task_list(viewer=elsewhere.officer)) == []
    assert list(selectors.task_list(viewer=c.officer1)) == [task]
    client = client_for(elsewhere.officer)
    assert client.get(f"/team/tasks/{task.pk}/").status_code == 404
    assert client.post(f"/team/tasks/{task.pk}/claim/").status_code == 404
    assert task.title not in client.get("/team/").content.decode()
    assert not Claim.objects.exists()


def test_a_stationed_group_sees_its_commissions_board(team, publish):
    c = team
    task = publish()
    group_officer = officer_account(c.group, "group-officer", c.role_officer)
    assert list(selectors.task_list(viewer=group_officer)) == [task]


def test_the_board_pages_publish_claim_and_name_bad_fields(team):
    c = team
    publisher = client_for(c.supervisor)
    bad = publisher.post(
        "/team/tasks/publish/",
        {
            "title": "Check the canteen",
            "points": "5",
            "deadline": "2026-02-01",
            "places": "1",
            "mode": "first_come",
            "publisher_node": c.commission.pk,
        },
    )
    assert bad.status_code == 400 and bad.context["form"].errors["deadline"]
    assert not Task.objects.exists()
    made = publisher.post(
        "/team/tasks/publish/",
        {
            "title": "Check the canteen",
            "points": "5",
            "deadline": "2026-03-20",
            "places": "1",
            "mode": "first_come",
            "publisher_node": c.commission.pk,
            "tags": ["law"],
        },
    )
    task = Task.objects.get()
    assert made.status_code == 302 and made.url == f"/team/tasks/{task.pk}/"
    officer = client_for(c.officer1)
    assert 'data-testid="claim"' in officer.get(f"/team/tasks/{task.pk}/").content.decode()
    assert officer.post(f"/team/tasks/{task.pk}/claim/").status_code == 302
    claim = Claim.objects.get()
    page = officer.get(f"/team/tasks/{task.pk}/").content.decode()
    assert f"/work/items/{claim.item_id}/" in page
    refused = client_for(c.officer2).post(f"/team/tasks/{task.pk}/claim/", follow=True)
    assert Claim.objects.count() == 1
    assert "specialties" in refused.content.decode() or "专长" in refused.content.decode()


def test_the_assign_page_suggests_and_assigns(team, publish):
    c = team
    task = publish(mode="assign", places=1)
    client = client_for(c.supervisor)
    page = client.get(f"/team/tasks/{task.pk}/")
    assert page.context["suggested"] == [c.profile1, c.profile2]  # one tag each, no load
    bad = client.post(f"/team/tasks/{task.pk}/assign/", {"profiles": []})
    assert bad.status_code == 400 and bad.context["assign_form"].errors["profiles"]
    done = client.post(f"/team/tasks/{task.pk}/assign/", {"profiles": [str(c.profile1.pk)]})
    assert done.status_code == 302
    assert Claim.objects.get().profile == c.profile1
