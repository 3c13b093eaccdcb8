"""The public forms' visible fields are rendered once and kept: every citizen still gets a
fresh nonce, their own input and errors, the current choices, their language and the unit of
the QR code they scanned."""

import re

import pytest

from oversight.public import services as public

from .conftest import citizen

pytestmark = pytest.mark.django_db

NONCE = re.compile(r'name="nonce" value="([0-9a-f]+)"')


def _form_html(page) -> str:
    html = page.content.decode()
    return html[html.index('data-testid="complaint-form"') : html.index("</form>")]


def test_two_citizens_get_the_same_fields_and_their_own_nonce(pc):
    first, second = citizen().get("/p/complain/"), citizen().get("/p/complain/")
    one, two = _form_html(first), _form_html(second)
    assert NONCE.search(one).group(1) != NONCE.search(two).group(1)
    assert NONCE.sub("", one) == NONCE.sub("", two)
    assert f'<option value="{pc.item_town.pk}">' in one


def test_a_sent_form_shows_the_citizens_input_and_errors(pc):
    client = citizen()
    nonce = NONCE.search(client.get("/p/complain/").content.decode()).group(1)
    answer = client.post(
        "/p/complain/",
        {"nonce": nonce, "content": "", "subject_text": "Office 12", "named": "1"},
    )
    html = _form_html(answer)
    assert answer.status_code == 400
    assert 'value="Office 12"' in html and "has-error" in html
    assert "has-error" not in _form_html(citizen().get("/p/complain/"))


def test_a_newly_published_matter_is_offered_at_once(pc):
    assert "Water permits" not in citizen().get("/p/complain/").content.decode()
    public.power_item_save(
        item=None, actor=pc.intake, category=pc.category, code="W01", name="Water permits"
    )
    assert "Water permits" in citizen().get("/p/complain/").content.decode()


def test_each_language_gets_its_own_labels(pc):
    english = citizen().get("/p/complain/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = citizen().get("/p/complain/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "Which matter is it about?" in _form_html(english)
    assert "Which matter is it about?" not in _form_html(chinese)


def test_the_scanned_window_is_chosen_and_no_other(pc):
    other = public.point_for(pc.window_a2.parent)  # the unit's own code
    at_window = _form_html(citizen().get(f"/p/w/{pc.point.token}/complain/"))
    at_unit = _form_html(citizen().get(f"/p/w/{other.token}/complain/"))
    plain = _form_html(citizen().get("/p/complain/"))
    assert f'<option value="{pc.window_a2.pk}" selected>' in at_window
    assert f'<option value="{pc.unit_a.pk}" selected>' in at_unit
    assert f'<option value="{pc.window_a2.pk}" selected>' not in at_unit
    units = plain.split('name="subject_node"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\d*)" selected>', units) == [""]
