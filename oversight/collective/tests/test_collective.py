from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from oversight.collective import selectors, services
from oversight.collective.models import Anomaly, Asset, Entry
from oversight.conftest import client_for
from oversight.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db

ON = date(2026, 3, 2)


def _lease(c, collective, code, rent, area=Decimal(10)):
    asset = services.asset_register(
        actor=c.supervisor, collective=collective, code=code, name=f"地块{code}",
        kind="land", area=Decimal(20), unit="mu", registered_on=date(2025, 1, 1),
    )  # fmt: skip
    return services.contract_add(
        actor=c.supervisor, asset=asset, number=f"HT-{code}", counterparty="承包人",
        starts_on=date(2025, 1, 1), ends_on=date(2029, 12, 31), area=area, yearly_rent=rent,
    )  # fmt: skip


def test_rent_outlier_flagged_and_near_miss_not(collective_county):
    c = collective_county
    for n in range(4):
        _lease(c, c.coll1, f"A{n}", Decimal(6000))  # 600 a mu
    low = _lease(c, c.coll1, "LOW", Decimal(2900))  # 290 a mu: below half of 600
    near = _lease(c, c.coll1, "NEAR", Decimal(3100))  # 310 a mu: just above half
    report = services.rent_check(on=ON)
    flagged = {a.contract_id for a in report.anomalies}
    assert low.pk in flagged and near.pk not in flagged
    anomaly = Anomaly.objects.get(contract=low)
    assert anomaly.item.kind == "collective.anomaly" and anomaly.kind == "underpriced"
    assert services.rent_check(on=ON).anomalies == []  # once each


def test_expiry_warning(collective_county):
    c = collective_county
    contract = _lease(c, c.coll1, "E1", Decimal(6000))
    assert services.expiry_check(on=date(2029, 11, 1)).anomalies == []
    found = services.expiry_check(on=date(2029, 12, 10)).anomalies
    assert [a.kind for a in found] == ["expiring"] and found[0].contract == contract
    found = services.expiry_check(on=date(2030, 1, 5)).anomalies
    assert [a.kind for a in found] == ["expired"]


def test_published_month_fixed_and_tamper_caught(collective_county):
    c = collective_county
    entry = services.entry_add(
        actor=c.supervisor, collective=c.coll1, booked_on=date(2026, 1, 5),
        category="contract_income", amount=Decimal("1200.00"), summary="鱼塘承包费",
    )  # fmt: skip
    statement = services.statement_publish(
        actor=c.supervisor, collective=c.coll1, month="2026-01", on=date(2026, 2, 8)
    )
    assert statement.income == Decimal("1200.00") and statement.on_time
    assert statement.ledger_index is not None
    assert verify_ledger().ok
    Entry.objects.filter(pk=entry.pk).update(amount=Decimal("120.00"))
    report = verify_ledger()
    assert not report.ok


def test_entry_in_published_month_refused(collective_county):
    c = collective_county
    services.statement_publish(
        actor=c.supervisor, collective=c.coll1, month="2026-01", on=date(2026, 2, 8)
    )
    with pytest.raises(Exception) as exc:
        services.entry_add(
            actor=c.supervisor, collective=c.coll1, booked_on=date(2026, 1, 20),
            category="admin_cost", amount=Decimal(5), summary="x",
        )  # fmt: skip
    assert "booked_on" in exc.value.message_dict


def test_import_all_or_nothing_names_rows(collective_county):
    c = collective_county
    rows = [
        {"_row": 2, "village": c.village1a.code, "booked_on": "2026-01-05",
         "category": "operating_income", "amount": "100", "summary": "好"},
        {"_row": 3, "village": c.village1a.code, "booked_on": "不是日期",
         "category": "乱写", "amount": "-3", "summary": "坏"},
        {"_row": 4, "village": "NOPE", "booked_on": "2026-01-05",
         "category": "admin_cost", "amount": "1", "summary": "坏"},
    ]  # fmt: skip
    with translation.override("en"), pytest.raises(Exception) as exc:
        services.entries_import(actor=c.supervisor, rows=rows)
    text = " ".join(exc.value.messages)
    assert "Row 3" in text and "category" in text and "amount" in text and "booked on" in text
    assert "Row 4" in text and "village" in text and "Row 2" not in text
    assert Entry.objects.count() == 0
    assert services.entries_import(actor=c.supervisor, rows=rows[:1]) == 1


def test_asset_import_bad_row_named(collective_county):
    c = collective_county
    rows = [
        {"_row": 2, "village": c.village1a.code, "code": "Z1", "name": "鱼塘", "kind": "water",
         "area": "3", "unit": "mu", "registered_on": "2026-01-05"},
        {"_row": 3, "village": c.village1a.code, "code": "Z2", "name": "仓库", "kind": "building",
         "area": "x", "unit": "mu", "registered_on": "2026-01-05"},
    ]  # fmt: skip
    with translation.override("en"), pytest.raises(Exception) as exc:
        services.assets_import(actor=c.supervisor, rows=rows)
    assert any("Row 3" in m and "size" in m for m in exc.value.messages)
    assert Asset.objects.count() == 0


def test_scope_outside_gets_nothing(collective_county):
    c = collective_county
    for n in range(4):
        _lease(c, c.coll1, f"A{n}", Decimal(6000))
    _lease(c, c.coll1, "LOW", Decimal(1000))
    anomaly = services.rent_check(on=ON).anomalies[0]
    assert selectors.asset_list(viewer=c.town2_officer).count() == 0
    assert selectors.asset_list(viewer=c.town1_officer).count() == 5
    mine = client_for(c.town1_officer)
    theirs = client_for(c.town2_officer)
    url = f"/collective/anomalies/{anomaly.item_id}/"
    assert mine.get(url).status_code == 200
    assert theirs.get(url).status_code == 404
    assert "HT-LOW" in mine.get("/collective/").content.decode()
    assert "HT-LOW" not in theirs.get("/collective/").content.decode()
    assert theirs.get("/collective/assets/").status_code == 200
    assert mine.get("/collective/accounts/").status_code == 200


def test_public_page_masks_names_and_shows_receipt(collective_county, client):
    c = collective_county
    services.payout_add(
        actor=c.supervisor, collective=c.coll1, month="2026-01", kind="pension",
        beneficiary="张小明", amount=Decimal(200),
    )  # fmt: skip
    services.statement_publish(
        actor=c.supervisor, collective=c.coll1, month="2026-01", on=date(2026, 2, 8)
    )
    page = client.get(f"/p/collective/{c.village1a.code}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "张*明" in text and "张小明" not in text
    assert 'data-testid="receipt"' in text
    assert services.mask_name("张三") == "张*"
