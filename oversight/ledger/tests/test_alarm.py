"""Fail closed: a cheap check before each signature; a log that contradicts itself raises an
alarm, stops the signing and keeps the writes going, until someone allowed resolves it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from oversight.ledger import services
from oversight.ledger.models import Alarm, Checkpoint, Leaf, LogHead
from oversight.orgs import services as org_services
from oversight.orgs.models import Role

from .test_checkpoints import grow

pytestmark = pytest.mark.django_db


def test_an_honest_log_passes_the_cheap_check(db):
    grow(5)
    services.issue_checkpoint()
    grow(2)
    assert services.consistency_problems() == []
    assert services.issue_checkpoint().size == 7
    assert services.open_alarm() is None


def test_a_lowered_head_is_reported_and_later_writes_go_on(db, django_capture_on_commit_callbacks):
    grow(5)
    services.issue_checkpoint()
    LogHead.objects.update(size=2)  # behind the platform's back
    told = []

    def listen(**kwargs):
        told.append(kwargs["alarm"])

    services.alarm_raised.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            leaf = services.record(
                actor=None, action="test.after", target=("test.thing", 9), before=None, after=None
            )
    finally:
        services.alarm_raised.disconnect(listen)
    assert leaf.index == 5  # after the real end of the log, no IntegrityError
    alarm = services.open_alarm()
    assert alarm is not None and "said 2 leaves but leaf 4 exists" in alarm.problem
    assert told == [alarm]
    # Nothing more is signed while the alarm is open.
    with pytest.raises(services.LedgerInconsistent, match="alarm is open"):
        services.issue_checkpoint()
    assert list(Checkpoint.objects.values_list("size", flat=True)) == [5]


def test_signing_stops_on_a_changed_last_leaf(db):
    grow(3)
    services.issue_checkpoint()
    grow(1)
    Leaf.objects.filter(index=3).update(hash=bytes(32))
    with pytest.raises(services.LedgerInconsistent, match="leaf 3"):
        services.issue_checkpoint()
    assert Alarm.objects.filter(resolved_at__isnull=True).count() == 1


def test_only_someone_allowed_resolves_the_alarm_and_it_is_recorded(county):
    grow(2)
    LogHead.objects.update(size=1)
    grow(1)
    alarm = services.open_alarm()
    with pytest.raises(PermissionDenied):
        services.resolve_alarm(alarm=alarm, actor=county.town1_officer, resolution="Looked.")
    role = org_services.role_save(
        role=None,
        key="guardian",
        name="guardian",
        permissions=["ledger:alarm:resolve"],
        data_scope=Role.Scope.ALL,
        listed_nodes=[],
    )
    guardian = org_services.account_save(
        account=None,
        username="guardian",
        display_name="guardian",
        org_node=county.commission,
        person=None,
        roles=[role],
        password="a-long-test-password",
    )
    with pytest.raises(ValidationError) as refused:
        services.resolve_alarm(alarm=alarm, actor=guardian, resolution=" ")
    assert refused.value.error_dict["resolution"][0].code == "required"
    services.resolve_alarm(alarm=alarm, actor=guardian, resolution="Head restored from backup.")
    alarm.refresh_from_db()
    assert alarm.resolved_by_id == guardian.pk and alarm.resolved_at is not None
    trace = Leaf.objects.filter(action="ledger.alarm.resolve").get()
    assert trace.actor_id == guardian.pk and trace.target_id == str(alarm.pk)
    # The log is whole again (the write after the lowered head restored its size): it signs.
    assert services.issue_checkpoint() is not None


def test_the_alarm_reaches_administrators_and_leaders_and_shows_until_resolved(
    county, client, django_capture_on_commit_callbacks
):
    from datetime import date

    from oversight.conftest import make_person
    from oversight.notify.models import Notification

    leader_person = make_person(county.commission, "Leader of the commission")
    org_services.position_add(
        person=leader_person,
        org_node=county.commission,
        title="Secretary",
        start_date=date(2020, 1, 1),
        is_leader=True,
    )
    leader = org_services.account_save(
        account=None,
        username="commission-leader",
        display_name="leader",
        org_node=county.commission,
        person=leader_person,
        roles=[county.role_town],
        password="a-long-test-password",
    )
    grow(2)
    LogHead.objects.update(size=0)
    with django_capture_on_commit_callbacks(execute=True):
        grow(1)
    told = set(
        Notification.objects.filter(kind="ledger.alarm").values_list("recipient_id", flat=True)
    )
    assert {county.admin.pk, leader.pk} <= told
    assert county.town1_officer.pk not in told  # neither an administrator nor a leader

    client.force_login(county.town1_officer)
    assert b'data-testid="ledger-alarm"' in client.get("/").content
    alarm = services.open_alarm()
    url = f"/ledger/state/alarm/{alarm.pk}/resolve/"
    assert client.post(url, {"resolution": "Looked."}).status_code == 403
    client.force_login(county.admin)
    assert client.post(url, {"resolution": ""}).status_code == 400
    response = client.post(url, {"resolution": "Head restored."})
    assert response.status_code == 302
    assert services.open_alarm() is None
    assert b'data-testid="ledger-alarm"' not in client.get("/").content
