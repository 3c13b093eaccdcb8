"""The opinion's rule table changed on a page by an administrator (every bad value named, no
twin rules), opinions drafted again after a return, and one covering letter for a list."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from docx import Document

from oversight.conftest import client_for
from oversight.integrity import services
from oversight.integrity.models import Effect, OpinionRule
from oversight.ledger.models import Leaf
from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop
from oversight.orgs.models import Position

from .test_opinions import _report, _sanction, ocounty  # noqa: F401

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def admin(ocounty):  # noqa: F811
    return ocounty.admin


def _save(actor, rule=None, **values):
    fields = {
        "code": "R9",
        "condition": "warning_dismissed",
        "purposes": ["award"],
        "effect": "delay",
        "active": True,
        "order": 90,
    }
    fields.update(values)
    return services.rule_save(actor=actor, rule=rule, **fields)


def test_an_administrator_changes_a_rule_and_it_is_recorded(ocounty):  # noqa: F811
    c = ocounty
    r1 = OpinionRule.objects.get(code="R1")
    saved = _save(
        c.admin,
        rule=r1,
        code="R1",
        condition=r1.condition,
        purposes=r1.purposes,
        effect="delay",
        order=r1.order,
    )
    assert OpinionRule.objects.get(code="R1").effect == Effect.DELAY
    leaf = Leaf.objects.get(action="integrity.rule.save")
    assert leaf.target_id == str(saved.pk)
    assert verify_ledger().ok


def test_bad_rules_are_refused_each_field_named(ocounty):  # noqa: F811
    c = ocounty
    with pytest.raises(ValidationError) as exc:
        _save(c.admin, code="r 1", condition="moon", purposes=["lunch"], effect="x", order=-1)
    assert set(exc.value.error_dict) == {"code", "condition", "purposes", "effect", "order"}
    with pytest.raises(ValidationError) as exc:
        _save(c.admin, code="R1")
    assert exc.value.error_dict["code"][0].code == "exists"
    r1 = OpinionRule.objects.get(code="R1")
    with pytest.raises(ValidationError) as exc:
        _save(c.admin, code="R10", condition=r1.condition, purposes=[])
    assert exc.value.error_dict["purposes"][0].code == "twin"
    assert _save(c.admin, code="R10", condition=r1.condition, active=False).code == "R10"
    with pytest.raises(PermissionDenied):
        _save(c.supervisor)


def test_the_rule_page_adds_and_changes_a_rule(ocounty):  # noqa: F811
    c = ocounty
    client = client_for(c.admin)
    page = client.get(reverse("integrity:rule_list"))
    assert page.status_code == 200 and 'data-testid="add-rule"' in page.content.decode()
    bad = client.post(reverse("integrity:rule_add"), {"code": "", "condition": "x"})
    assert bad.status_code == 400
    good = client.post(
        reverse("integrity:rule_add"),
        {"code": "R9", "condition": "warning_dismissed", "purposes": ["award"], "effect": "delay",
         "active": "on", "order": 90},
    )  # fmt: skip
    assert good.status_code == 302
    rule = OpinionRule.objects.get(code="R9")
    assert rule.purposes == ["award"]
    url = reverse("integrity:rule_edit", args=[rule.pk])
    assert client.get(url).status_code == 200
    with translation.override("en"):
        twin = client.post(
            url,
            {"code": "R9", "condition": "sanction_in_period", "effect": "delay", "active": "on",
             "order": 90},
        )  # fmt: skip
    assert twin.status_code == 400
    changed = client.post(
        url, {"code": "R9", "condition": "warning_dismissed", "effect": "report", "order": 5}
    )
    assert changed.status_code == 302
    rule.refresh_from_db()
    assert (rule.effect, rule.active, rule.purposes) == ("report", False, [])
    # a drafter reads the table but does not change it
    drafter = client_for(c.supervisor)
    assert (
        'data-testid="add-rule"' not in drafter.get(reverse("integrity:rule_list")).content.decode()
    )
    assert drafter.get(url).status_code == 403
    assert drafter.post(reverse("integrity:rule_add"), {}).status_code == 403


def test_returned_opinions_are_drafted_again(ocounty, today):  # noqa: F811
    c = ocounty
    _report(c, c.p_town1)
    request = services.opinion_request_create(
        actor=c.supervisor,
        requester="HR",
        purpose="promotion",
        resident_ids=[c.p_town1.resident_id],
    )
    assert request.opinions.get().verdict == Effect.REPORT
    item = loop.item_transition(item=request.item, name="submit", actor=c.supervisor)
    with pytest.raises(ValidationError):
        services.opinions_redraft(actor=c.supervisor, request=request)
    item = loop.item_transition(
        item=item, name="return", actor=c.reviewer, comment="a sanction is missing"
    )
    _sanction(c, c.p_town1, "party_warning", D(2025, 6, 1))
    client = client_for(c.supervisor)
    response = client.post(reverse("integrity:request_redraft", args=[item.pk]))
    assert response.status_code == 302
    opinion = request.opinions.get()
    assert opinion.verdict == Effect.VETO and "R1" in opinion.rules
    assert Leaf.objects.filter(action="integrity.opinion.redraft").count() == 1
    assert verify_ledger().ok
    # outsiders cannot
    assert client_for(c.town2_officer).post(
        reverse("integrity:request_redraft", args=[item.pk])
    ).status_code in (403, 404)


def test_a_list_gets_one_covering_letter_with_its_table(ocounty, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    c = ocounty
    _report(c, c.p_town1)
    _sanction(c, c.p_town2, "admin_warning", D(2026, 1, 5))
    request = services.opinion_request_create(
        actor=c.supervisor,
        requester="Organisation dept",
        purpose="promotion",
        resident_ids=[c.p_town1.resident_id, c.p_town2.resident_id],
    )
    item = loop.item_transition(item=request.item, name="submit", actor=c.supervisor)
    item = loop.item_transition(item=item, name="review", actor=c.reviewer)
    loop.item_transition(item=item, name="sign", actor=c.signer)
    request.refresh_from_db()
    letter = request.letter
    assert letter is not None
    serials = {o.document.serial for o in request.opinions.select_related("document")}
    assert letter.serial not in serials
    rows = letter.content["extra"]["rows"]
    assert [r[1] for r in rows] == [c.p_town1.name, c.p_town2.name]
    assert {r[6] for r in rows} == serials
    client = client_for(c.supervisor)
    assert client.get(reverse("integrity:letter_download", args=[item.pk])).status_code == 200
    assert client_for(c.town2_officer).get(
        reverse("integrity:letter_download", args=[item.pk])
    ).status_code in (403, 404)
    assert verify_ledger().ok


def test_the_covering_letter_is_a_word_table_each_finding_citing_its_record(
    ocounty,  # noqa: F811
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    c = ocounty
    Position.objects.create(
        person=c.p_town2, org_node=c.town2, title="Deputy head", start_date=D(2020, 1, 1)
    )
    Position.objects.create(
        person=c.p_town2,
        org_node=c.town2,
        title="Former clerk",
        start_date=D(2015, 1, 1),
        end_date=D(2019, 12, 31),
    )
    _report(c, c.p_town1)
    _report(c, c.p_town2)
    sanction = _sanction(c, c.p_town2, "admin_warning", D(2026, 1, 5))
    request = services.opinion_request_create(
        actor=c.supervisor,
        requester="Organisation dept",
        purpose="promotion",
        resident_ids=[c.p_town1.resident_id, c.p_town2.resident_id],
    )
    item = loop.item_transition(item=request.item, name="submit", actor=c.supervisor)
    item = loop.item_transition(item=item, name="review", actor=c.reviewer)
    loop.item_transition(item=item, name="sign", actor=c.signer)
    request.refresh_from_db()
    with request.letter.file.open("rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    assert len(document.tables) == 1
    table = document.tables[0]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert len(cells) == 3 and len(cells[0]) == 7
    header, first, second = cells
    assert [first[1], second[1]] == [c.p_town1.name, c.p_town2.name]
    assert second[2] == c.town2.name and second[3] == "Deputy head"
    assert "Former clerk" not in second[3]
    assert f"#{sanction.pk}]" in second[4] and "sanction" in second[4]
    serials = dict(request.opinions.values_list("person__name", "document__serial"))
    assert first[6] == serials[c.p_town1.name] and second[6] == serials[c.p_town2.name]
    # the rows are a table, not paragraphs: no person's name is left in the body text
    body = "\n".join(p.text for p in document.paragraphs)
    assert c.p_town2.name not in body


def test_one_person_gets_no_covering_letter(ocounty, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    c = ocounty
    _report(c, c.p_town1)
    request = services.opinion_request_create(
        actor=c.supervisor,
        requester="HR",
        purpose="promotion",
        resident_ids=[c.p_town1.resident_id],
    )
    item = loop.item_transition(item=request.item, name="submit", actor=c.supervisor)
    item = loop.item_transition(item=item, name="review", actor=c.reviewer)
    loop.item_transition(item=item, name="sign", actor=c.signer)
    request.refresh_from_db()
    assert request.letter is None
