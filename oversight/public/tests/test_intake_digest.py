"""New complaints reach the intake officers as one digest per commission, not one message each."""

import pytest

from oversight.loop import services as loop
from oversight.notify.models import Delivery, Notification
from oversight.orgs import services as org_services
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode
from oversight.public import services as public
from oversight.public.models import Complaint

from .conftest import file_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"  # the digest is written in the platform's language


def test_the_digest_is_written_in_the_platform_language(pc, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    file_complaint(pc)
    file_complaint(pc)
    public.intake_digest()
    assert Notification.objects.get(recipient=pc.intake).title == "有 2 件新投诉待受理"


def test_a_submission_alone_notifies_no_one(pc):
    file_complaint(pc)
    assert not Notification.objects.exists() and not Delivery.objects.exists()


def test_the_digest_tells_each_officer_once_of_what_waits(pc):
    complaints = [file_complaint(pc)[0] for _ in range(3)]
    accepted = file_complaint(pc)[0]
    loop.item_transition(item=accepted.item, name="accept", actor=pc.intake)

    assert public.intake_digest() == 4
    for officer in (pc.intake, pc.guardian):
        (note,) = Notification.objects.filter(recipient=officer, kind="public.received")
        assert note.title == "3 new complaints wait for acceptance"
        assert str(complaints[0].item.step_deadline) in note.body
        assert note.url.endswith("?state=received")
    assert set(
        Delivery.objects.filter(notification__kind="public.received").values_list(
            "channel", flat=True
        )
    ) == {"email", "wechat"}
    assert not Complaint.objects.filter(announced=False).exists()

    assert public.intake_digest() == 0  # announced once
    # every commission account whose role opens the complaint list, and nobody else
    officers = {
        a.pk
        for a in Account.objects.filter(org_node=pc.commission, is_active=True)
        if has_perm(a, "public:complaint:view")
    }
    told = set(
        Notification.objects.filter(kind="public.received").values_list("recipient", flat=True)
    )
    assert told == officers
    file_complaint(pc)
    assert public.intake_digest() == 1
    assert Notification.objects.get(
        recipient=pc.intake, title="1 new complaint waits for acceptance"
    )


def test_officers_of_another_commission_hear_nothing_of_these(pc):
    other = org_services.node_create(
        name="Town 2 commission", code="C-T2-JW", type=OrgNode.Type.COMMISSION, parent=pc.town2
    )
    outsider = org_services.account_save(
        account=None,
        username="outsider",
        display_name="outsider",
        org_node=other,
        person=None,
        roles=[pc.role_intake],
        password="a-long-test-password",
    )
    theirs = file_complaint(pc, power_item=pc.item_village, subject_node=pc.village2a)[0]
    assert theirs.item.responsible_node == other
    file_complaint(pc)
    file_complaint(pc)

    assert public.intake_digest() == 3
    assert Notification.objects.get(recipient=outsider).title == (
        "1 new complaint waits for acceptance"
    )
    assert Notification.objects.get(recipient=pc.intake).title == (
        "2 new complaints wait for acceptance"
    )
    assert not Notification.objects.filter(recipient=pc.town1_officer).exists()


def test_complaints_received_before_the_digests_existed_are_not_announced_again(pc):
    complaint, _code = file_complaint(pc)
    Complaint.objects.filter(pk=complaint.pk).update(announced=True)  # what the migration sets
    assert public.intake_digest() == 0
    assert not Notification.objects.exists()


def test_one_digest_covers_everything_waiting_however_much(pc, monkeypatch):
    monkeypatch.setattr(public, "DIGEST_CHUNK", 2)  # announced in several updates
    for _ in range(5):
        file_complaint(pc)
    assert public.intake_digest() == 5
    assert Notification.objects.get(recipient=pc.intake).title == (
        "5 new complaints wait for acceptance"
    )
    assert not Complaint.objects.filter(announced=False).exists()
