"""Drafting, review and signing (拟稿 → 审核 → 签发) as a kind of work item: the serial number
is taken only when signed; a withdrawn draft takes none; signings queue without gaps."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from oversight.conftest import client_for
from oversight.documents import services
from oversight.documents.models import DocType, Document, Draft, Receipt, SerialCounter
from oversight.loop import services as loop
from oversight.orgs import services as orgs
from oversight.orgs.models import Role

CONTEXT = {"recipient_unit": "Unit A", "title": "Canteen purchases", "body": "Fix it."}


@pytest.fixture
def office(county):
    """A drafter and a signer at the commission."""

    def account(username, codes):
        role = orgs.role_save(
            role=None,
            key=username,
            name=username,
            permissions=["loop:item:view", "documents:document:view", *codes],
            data_scope=Role.Scope.OWN_AND_BELOW,
            listed_nodes=[],
        )
        return orgs.account_save(
            account=None,
            username=username,
            display_name=username,
            org_node=county.commission,
            person=None,
            roles=[role],
            password="a-long-test-password",
        )

    county.drafter = account("drafter", ["documents:document:draft"])
    county.signer = account("signer", ["documents:document:issue"])
    return county


def _draft(office, **kwargs):
    return services.draft_create(
        actor=office.drafter,
        doc_type=DocType.RECTIFICATION_NOTICE,
        issuer_node=office.commission,
        context=CONTEXT,
        recipients=[office.unit_a],
        **kwargs,
    )


def test_a_draft_is_numbered_only_when_signed(office):
    draft = _draft(office)
    assert not SerialCounter.objects.exists() and not Document.objects.exists()
    item = loop.item_transition(item=draft.item, name="submit", actor=office.drafter)
    item = loop.item_transition(
        item=item, name="return", actor=office.signer, comment="Shorter, please."
    )
    item = loop.item_transition(item=item, name="submit", actor=office.drafter)
    assert not SerialCounter.objects.exists()
    item = loop.item_transition(item=item, name="sign", actor=office.signer)
    draft.refresh_from_db()
    assert item.state == "signed" and draft.document.number == 1
    assert Receipt.objects.get(document=draft.document).node == office.unit_a


def test_a_withdrawn_draft_takes_no_serial(office):
    draft = _draft(office)
    item = loop.item_transition(item=draft.item, name="submit", actor=office.drafter)
    loop.item_transition(item=item, name="withdraw", actor=office.drafter)
    assert not SerialCounter.objects.exists()
    second = _draft(office)
    item = loop.item_transition(item=second.item, name="submit", actor=office.drafter)
    loop.item_transition(item=item, name="sign", actor=office.signer)
    assert Document.objects.get().number == 1  # the withdrawn draft left no gap


def test_the_drafter_cannot_sign_their_own_draft(office):
    role = office.drafter.roles.get()
    role.permissions = [*role.permissions, "documents:document:issue"]
    role.save()
    drafter = type(office.drafter).objects.get(pk=office.drafter.pk)
    draft = _draft(office)
    item = loop.item_transition(item=draft.item, name="submit", actor=drafter)
    with pytest.raises(ValidationError):
        loop.item_transition(item=item, name="sign", actor=drafter)
    assert not SerialCounter.objects.exists()


def test_the_draft_page_shows_the_text_and_the_steps(office):
    draft = _draft(office)
    page = client_for(office.drafter).get(f"/documents/drafts/{draft.item_id}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Fix it." in html and 'data-testid="draft"' in html
    assert (
        client_for(office.town2_officer).get(f"/documents/drafts/{draft.item_id}/").status_code
        == 404
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_signings_take_gapless_serials(office):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    drafts = []
    for _ in range(12):
        draft = _draft(office)
        loop.item_transition(item=draft.item, name="submit", actor=office.drafter)
        drafts.append(draft)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def work(mine):
        try:
            barrier.wait()
            for draft in mine:
                item = type(draft.item).objects.get(pk=draft.item_id)
                loop.item_transition(item=item, name="sign", actor=office.signer)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(drafts[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Document.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 13))
    assert Draft.objects.filter(document__isnull=True).count() == 0
