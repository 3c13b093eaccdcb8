"""Password rules speak the interface's language (the length rule was English on Chinese pages)."""

import re

from oversight.conftest import client_for


def test_it_states_every_password_rule_in_chinese(county):
    client = client_for(county.town1_officer)
    response = client.post("/orgs/password/", {"password": "abc", "confirm": "abc"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "密码太短，至少需要 10 个字符" in page
    errors = response.context["form"].errors.as_data()["password"]
    assert errors[0].code == "password_too_short"
    assert not re.search(r"password is too short|at least \d+ characters", page, re.I)


def test_it_states_the_rules_in_english_on_the_english_interface(county):
    client = client_for(county.town1_officer)
    client.cookies["django_language"] = "en"
    response = client.post("/orgs/password/", {"password": "abc", "confirm": "abc"})
    assert "at least 10 characters" in response.content.decode()
