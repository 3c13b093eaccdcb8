"""Pages of reimbursements and asset steps through the client: the village proposes (bad input
named), the town reviews on the item page, scope (outside it: 404), the public page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from oversight.collective import services
from oversight.collective.models import AssetStep, Reimbursement
from oversight.conftest import client_for

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LIST = reverse("collective:reimbursement_list")
PROPOSE = reverse("collective:reimbursement_propose")


def _invoice():
    return SimpleUploadedFile("invoice.png", PNG, content_type="image/png")


def _post_good(c, client):
    return client.post(
        PROPOSE,
        {
            "collective": c.coll1.pk, "payee": "张三丰", "purpose": "修水渠材料", "amount": "860.00",
            "category": "operating_cost", "spent_on": "2026-02-20", "files": [_invoice()],
        },
    )  # fmt: skip


def test_bad_proposal_names_fields_and_writes_nothing(review_county):
    c = review_county
    client = client_for(c.clerk1a)
    page = client.get(LIST)
    assert page.status_code == 200 and b'data-testid="propose"' in page.content
    response = client.post(
        PROPOSE,
        {"collective": c.coll1.pk, "payee": "", "purpose": "x", "amount": "-3",
         "category": "operating_cost", "spent_on": "2026-03-09"},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    for name in ("payee", "amount", "spent_on", "files"):
        assert f'data-field="{name}"' in html, name
    response = client.post(
        PROPOSE,
        {"collective": c.coll1.pk, "payee": "张三", "purpose": "x", "amount": "3",
         "category": "contract_income", "spent_on": "2026-02-30"},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    for name in ("category", "spent_on"):
        assert f'data-field="{name}"' in html, name
    assert not Reimbursement.objects.exists()


def test_proposed_reviewed_by_town_and_scope(review_county):
    c = review_county
    response = _post_good(c, client_for(c.clerk1a))
    r = Reimbursement.objects.get()
    detail = reverse("collective:reimbursement_detail", args=[r.item_id])
    assert response.status_code == 302 and response["Location"] == detail
    town1 = client_for(c.town1_officer)
    queue = town1.get(LIST + "?state=awaiting")
    assert "修水渠材料" in queue.content.decode()
    assert "修水渠材料" not in town1.get(LIST + "?state=approved").content.decode()
    export = town1.get(LIST + "?state=awaiting&export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
    page = town1.get(detail)
    assert page.status_code == 200 and b'data-testid="do-approve"' in page.content
    # outside the scope: another town, another village's clerk, a village of another town
    for outsider in (c.town2_officer, c.clerk1b, c.clerk2a):
        client = client_for(outsider)
        assert client.get(detail).status_code == 404, outsider
        assert "修水渠材料" not in client.get(LIST).content.decode(), outsider
        assert (
            client.post(reverse("loop:item_transition", args=[r.item_id, "approve"])).status_code
            == 404
        )
    # the village cannot approve its own
    client_for(c.clerk1a).post(reverse("loop:item_transition", args=[r.item_id, "approve"]))
    r.item.refresh_from_db()
    assert r.item.state == "proposed"
    town1.post(reverse("loop:item_transition", args=[r.item_id, "approve"]))
    r.refresh_from_db()
    assert r.item.state == "approved" and r.entry is not None
    # the public page: approved, payee masked, a receipt
    public = client_for(c.clerk2a).get(
        reverse("collective_public:village", args=[c.village1a.code])
    )
    html = public.content.decode()
    assert "修水渠材料" in html and "张*丰" in html and "张三丰" not in html
    assert 'data-testid="reimbursement-receipt"' in html


def test_public_page_hides_reimbursements_not_approved(review_county, client):
    c = review_county
    _post_good(c, client_for(c.clerk1a))
    html = client.get(reverse("collective_public:village", args=[c.village1a.code])).content
    assert "修水渠材料" not in html.decode()


def test_town_does_not_propose_for_village(review_county):
    c = review_county
    assert _post_good(c, client_for(c.town1_officer)).status_code == 403
    assert not Reimbursement.objects.exists()


def test_asset_page_steps_and_scope(review_county):
    c = review_county
    asset = services.asset_register(
        actor=c.supervisor, collective=c.coll1, code="ZC-9", name="旧仓库", kind="building",
        area=Decimal(200), unit="m2", registered_on=date(2020, 1, 1),
    )  # fmt: skip
    url = reverse("collective:asset_detail", args=[asset.pk])
    clerk = client_for(c.clerk1a)
    assert b'data-testid="propose-step"' in clerk.get(url).content
    bad = clerk.post(
        reverse("collective:asset_step_propose", args=[asset.pk]),
        {"step": "disposal", "detail": "", "done_on": ""},
    )
    assert bad.status_code == 400
    for name in ("detail", "done_on", "files"):
        assert f'data-field="{name}"' in bad.content.decode(), name
    bad = clerk.post(
        reverse("collective:asset_step_propose", args=[asset.pk]),
        {"step": "disposal", "detail": "x", "done_on": "not a date"},
    )
    assert bad.status_code == 400 and 'data-field="done_on"' in bad.content.decode()
    assert not AssetStep.objects.exists()
    done = clerk.post(
        reverse("collective:asset_step_propose", args=[asset.pk]),
        {"step": "disposal", "detail": "危房拆除", "done_on": "2026-02-01", "files": [_invoice()]},
    )
    step = AssetStep.objects.get()
    step_url = reverse("collective:asset_step_detail", args=[step.item_id])
    assert done.status_code == 302 and done["Location"] == step_url
    for outsider in (c.town2_officer, c.clerk1b):
        client = client_for(outsider)
        assert client.get(url).status_code == 404
        assert client.get(step_url).status_code == 404
        assert client.post(
            reverse("collective:asset_step_propose", args=[asset.pk])
        ).status_code in (403, 404)
    town1 = client_for(c.town1_officer)
    assert b'data-testid="propose-step"' not in town1.get(url).content  # the town reviews
    town1.post(reverse("loop:item_transition", args=[step.item_id, "approve"]))
    page = town1.get(url).content.decode()
    assert "危房拆除" in page
    asset.refresh_from_db()
    assert asset.status == "disposed"
