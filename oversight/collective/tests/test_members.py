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
