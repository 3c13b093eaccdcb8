"""notify(): what is stored, once per key, and what a rolled-back change leaves behind."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from oversight.conftest import refusal_codes
from oversight.notify.models import Delivery, Notification
from oversight.notify.services import notify

from .conftest import KIND


def test_it_stores_one_notification_per_recipient(county):
    created = notify(
        recipients=[county.town1_officer, county.town2_officer],
        kind=KIND,
        title="Check the report",
        body="Before Friday",
        url="/orgs/nodes/",
        target=county.town1,
    )
    assert {n.recipient for n in created} == {county.town1_officer, county.town2_officer}
    stored = Notification.objects.get(recipient=county.town1_officer)
    assert (stored.kind, stored.title, stored.body, stored.url) == (
        KIND,
        "Check the report",
        "Before Friday",
        "/orgs/nodes/",
    )
    assert (stored.target_type, stored.target_id) == ("orgs.orgnode", str(county.town1.pk))
    assert stored.read_at is None


def test_it_never_stores_the_same_key_twice_for_a_person(county):
    first = notify(
        recipients=[county.town1_officer], kind=KIND, title="Reminder", dedupe_key="item:7:day:3"
    )
    again = notify(
        recipients=[county.town1_officer, county.town2_officer],
        kind=KIND,
        title="Reminder",
        dedupe_key="item:7:day:3",
    )
    assert len(first) == 1
    assert [n.recipient for n in again] == [county.town2_officer]
    assert Notification.objects.filter(dedupe_key="item:7:day:3").count() == 2
    other_key = notify(
        recipients=[county.town1_officer], kind=KIND, title="Reminder", dedupe_key="item:7:day:1"
    )
    assert len(other_key) == 1
    without_key = [notify(recipients=[county.town1_officer], kind=KIND, title="Hi") for _ in "ab"]
    assert all(len(batch) == 1 for batch in without_key)


def test_it_keeps_long_keys_unique_through_a_digest(county):
    key = "x" * 500
    assert len(notify(recipients=[county.clerk], kind=KIND, title="A", dedupe_key=key)) == 1
    assert notify(recipients=[county.clerk], kind=KIND, title="A", dedupe_key=key) == []
    assert Notification.objects.get(recipient=county.clerk).dedupe_key.startswith("sha256:")


def test_it_drops_duplicate_and_disabled_recipients(county):
    county.cadre.is_active = False
    county.cadre.save(update_fields=["is_active"])
    created = notify(
        recipients=[county.clerk, county.clerk, county.cadre, None], kind=KIND, title="Hello"
    )
    assert [n.recipient for n in created] == [county.clerk]


def test_it_refuses_an_undeclared_kind_and_an_empty_title(county):
    with pytest.raises(ValueError, match="not declared"):
        notify(recipients=[county.clerk], kind="nobody.declared", title="x")
    with pytest.raises(ValidationError) as exc:
        notify(recipients=[county.clerk], kind=KIND, title="   ")
    assert refusal_codes(exc.value) == {"title": ["required"]}
    assert "title" in exc.value.error_dict
    assert not Notification.objects.exists()


def test_it_shortens_an_overlong_title(county):
    (created,) = notify(recipients=[county.clerk], kind=KIND, title="长" * 400)
    assert len(created.title) == 300 and created.title.endswith("…")


def test_it_leaves_nothing_when_the_callers_transaction_rolls_back(
    reachable, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify(recipients=[reachable.town1_officer], kind=KIND, title="Gone")
                raise RuntimeError("the change failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert mailoutbox == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_stores_a_key_once_when_two_jobs_send_it_at_the_same_time(county):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")
    workers = 6
    barrier = threading.Barrier(workers)
    created: list[int] = []
    errors: list[BaseException] = []

    def work():
        try:
            barrier.wait()
            with transaction.atomic():
                batch = notify(
                    recipients=[county.town1_officer, county.town2_officer],
                    kind=KIND,
                    title="Overdue",
                    dedupe_key="item:9:overdue",
                )
            created.append(len(batch))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(created) == 2
    assert Notification.objects.filter(dedupe_key="item:9:overdue").count() == 2
