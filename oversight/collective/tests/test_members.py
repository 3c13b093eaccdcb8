"""A member proves who they are: name and resident ID on the roster, then the one-time code;
a wrong ID, a wrong code and too many tries are refused."""

import pytest
from django.core.exceptions import ValidationError

from oversight.collective import services

pytestmark = pytest.mark.django_db

ID = "410184196001010011"


@pytest.fixture
def member(collective_county):
    c = collective_county
    return services.member_add(
        actor=c.supervisor, collective=c.coll1, name="王建国", resident_id=ID, phone="13800000001"
    )


def test_right_id_and_code_verify(member):
    state = {}
    code = services.member_check_start(
        collective=member.collective, name="王建国", resident_id=ID, state=state
    )
    assert (
        services.member_check_code(collective=member.collective, code=code, state=state) == member
    )
    assert state["verified"]


def test_wrong_id_wrong_code_and_too_many_tries_refused(member, collective_county):
    state = {}
    with pytest.raises(ValidationError):
        services.member_check_start(
            collective=member.collective,
            name="王建国",
            resident_id="410184196001010012",
            state=state,
        )
    with pytest.raises(ValidationError):  # the right ID in another collective
        services.member_check_start(
            collective=collective_county.coll2, name="王建国", resident_id=ID, state={}
        )
    code = services.member_check_start(
        collective=member.collective, name="王建国", resident_id=ID, state=state
    )
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ValidationError):
        services.member_check_code(collective=member.collective, code=wrong, state=state)
    for _ in range(3):
        with pytest.raises(ValidationError):
            services.member_check_code(collective=member.collective, code=wrong, state=state)
    with pytest.raises(ValidationError) as exc:  # the sixth try, even with the right code
        services.member_check_code(collective=member.collective, code=code, state=state)
    assert "code" in exc.value.message_dict and not state.get("verified")


def test_member_page_refuses_a_wrong_id(member, client):
    url = f"/p/collective/{member.collective.node.code}/member/"
    assert client.get(url).status_code == 200
    page = client.post(
        url, {"step": "start", "name": "王建国", "resident_id": "41018419600101001X"}
    )
    assert page.status_code == 400 and 'data-testid="code"' not in page.content.decode()
    page = client.post(url, {"step": "start", "name": "王建国", "resident_id": ID})
    assert page.status_code == 200 and 'data-testid="code"' in page.content.decode()


# --- tries limited on the server, not only in the session -----------------------------------


def test_five_wrong_codes_lock_the_member_across_fresh_sessions(member):
    coll = member.collective
    for _ in range(services.MAX_TRIES):  # each wrong code from a fresh session
        state = {}
        code = services.member_check_start(
            collective=coll, name="王建国", resident_id=ID, state=state
        )
        wrong = "000000" if code != "000000" else "111111"
        with pytest.raises(ValidationError) as exc:
            services.member_check_code(collective=coll, code=wrong, state=state)
        assert exc.value.error_dict["code"][0].code == "code"
    state = {}  # a new session: still locked, and no code is sent
    with pytest.raises(ValidationError) as exc:
        services.member_check_start(collective=coll, name="王建国", resident_id=ID, state=state)
    error = exc.value.error_dict["resident_id"][0]
    assert error.code == "locked" and "30" in error.messages[0]
    assert "digest" not in state


def test_lock_blocks_even_the_right_code_and_expires(member):
    import datetime

    from django.core.cache import cache

    coll = member.collective
    state = {}
    code = services.member_check_start(collective=coll, name="王建国", resident_id=ID, state=state)
    for key in services._tries_keys(coll, ID, None):
        cache.set(key, services.MAX_TRIES, 60)
    with pytest.raises(ValidationError) as exc:
        services.member_check_code(collective=coll, code=code, state=state)
    assert exc.value.error_dict["code"][0].code == "locked" and not state.get("verified")
    cache.clear()  # the lock's period is over (its counters expired)
    state = {}
    code = services.member_check_start(collective=coll, name="王建国", resident_id=ID, state=state)
    assert services.member_check_code(collective=coll, code=code, state=state) == member
    assert datetime.timedelta(minutes=services.LOCK_MINUTES)  # the period is configured


def test_wrong_ids_lock_the_client_and_that_id(member):
    coll = member.collective
    for i in range(services.MAX_TRIES):  # a client guessing different IDs
        with pytest.raises(ValidationError) as exc:
            services.member_check_start(
                collective=coll,
                name="王建国",
                resident_id=f"41018419600101{i:04d}",
                state={},
                client="c1",
            )
        assert exc.value.error_dict["resident_id"][0].code == "roster"
    with pytest.raises(ValidationError) as exc:  # now even the right ID from that client
        services.member_check_start(
            collective=coll, name="王建国", resident_id=ID, state={}, client="c1"
        )
    assert exc.value.error_dict["resident_id"][0].code == "locked"
    # another client with the right ID is not locked by someone else's guesses
    assert services.member_check_start(
        collective=coll, name="王建国", resident_id=ID, state={}, client="c2"
    )


def test_nothing_about_the_person_is_kept_in_the_counters(member):
    from django.core.cache import cache

    coll = member.collective
    with pytest.raises(ValidationError):
        services.member_check_start(
            collective=coll, name="王建国", resident_id="410184196001019999", state={}
        )
    keys = services._tries_keys(coll, "410184196001019999", None)
    assert cache.get(keys[0]) == 1 and "410184196001019999" not in keys[0]


def test_member_page_locks_after_five_wrong_codes_in_fresh_sessions(member, client, caplog):
    import logging
    import re

    url = f"/p/collective/{member.collective.node.code}/member/"
    caplog.set_level(logging.INFO)
    for _ in range(services.MAX_TRIES):
        client.cookies.pop("sessionid", None)  # a fresh session each time
        client.get(url)
        page = client.post(url, {"step": "start", "name": "王建国", "resident_id": ID})
        assert page.status_code == 200
        sent = re.findall(r"SMS to \S+: \D*(\d{6})", caplog.text)[-1]
        wrong = "000000" if sent != "000000" else "111111"
        page = client.post(url, {"step": "code", "code": wrong})
        assert page.status_code == 400
    client.cookies.pop("sessionid", None)
    page = client.post(url, {"step": "start", "name": "王建国", "resident_id": ID})
    body = page.content.decode()
    from django.utils import translation

    with translation.override(page.headers.get("Content-Language", "en")):
        message = services._lock_error("code").messages[0]
    assert page.status_code == 400 and message in body
    assert 'data-testid="code"' not in body


def test_an_objection_becomes_an_anonymous_complaint_in_the_public_channel(member):
    from oversight.ledger.verify import verify_ledger
    from oversight.public.models import Complaint

    objection = services.objection_raise(member=member, text="  The pond's rent is too low.  ")
    complaint = objection.complaint
    assert isinstance(complaint, Complaint) and objection.tracking_code
    assert (
        complaint.item.kind == "public.complaint"
        and complaint.subject_node == member.collective.node
    )
    assert complaint.content == "The pond's rent is too low." and not complaint.named
    assert "王建国" not in complaint.content and ID not in str(complaint.__dict__)
    with pytest.raises(ValidationError) as refused:
        services.objection_raise(member=member, text="   ")
    assert refused.value.error_dict["text"][0].code == "required"
    assert Complaint.objects.count() == 1
    assert [m for m in verify_ledger().mismatches if "collective" in m.table] == []


def test_the_notice_board_poster_opens_the_villages_page_and_stays_in_scope(collective_county):
    from oversight.conftest import client_for

    c = collective_county
    c.role_supervisor.permissions = sorted({*c.role_supervisor.permissions, "collective:view"})
    c.role_supervisor.save()
    c.supervisor.__dict__.pop("_perm_codes", None)
    page = client_for(c.supervisor).get("/collective/assets/").content.decode()
    assert f'data-testid="poster-{c.coll1.pk}"' in page
    poster = client_for(c.supervisor).get(f"/collective/{c.coll1.pk}/poster.svg")
    assert poster.status_code == 200 and poster["Content-Type"] == "image/svg+xml"
    assert f"/p/collective/{c.village1a.code}/" in poster.content.decode()
    c.role_town.permissions = sorted({*c.role_town.permissions, "collective:view"})
    c.role_town.save()
    c.town2_officer.__dict__.pop("_perm_codes", None)
    outsider = client_for(c.town2_officer)
    assert outsider.get(f"/collective/{c.coll1.pk}/poster.svg").status_code == 404
    assert outsider.get(f"/collective/{c.coll2.pk}/poster.svg").status_code == 200
