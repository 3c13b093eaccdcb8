"""Random checks of personal-matter reports (抽查核实): a reproducible draw (the seed recorded),
each drawn report compared with the vendor data and an officer's list, every discrepancy named;
bad list rows named row by row; the ``integrity.check`` loop; scopes (outsiders get nothing)."""

import datetime
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook
from stdnum.cn import uscc as stdnum_uscc

from oversight.analytics import bridge
from oversight.analytics import selectors as analytics_selectors
from oversight.conftest import client_for, make_resident_id
from oversight.integrity import selectors, services
from oversight.integrity.models import MatterCheck, MatterCheckEntry
from oversight.ledger.models import Leaf
from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop
from oversight.orgs.demo import grant_permissions

pytestmark = pytest.mark.django_db

SPOUSE_ID = make_resident_id(datetime.date(1982, 6, 12), male=False)
USCC = "91130534MA0000001"[:17]
USCC += stdnum_uscc.calc_check_digit(USCC)


@pytest.fixture(autouse=True)
def workspace_dir(settings, tmp_path):
    settings.ANALYTICS_WORKSPACE_DIR = tmp_path / "workspace"
    settings.ANALYTICS_MEMORY_LIMIT = "1GB"
    settings.ANALYTICS_THREADS = 1


@pytest.fixture
def ccounty(icounty):
    c = icounty
    grant_permissions({"supervisor": ["integrity:check"], "town": ["integrity:check"]})
    for account in (c.supervisor, c.town1_officer, c.town2_officer):
        account.__dict__.pop("_perm_codes", None)
    return c


def _report(c, person, entries=(("salary", "120000"),), year=2025):
    return services.matter_report_submit(
        actor=c.supervisor, person=person, kind="yearly", year=year, entries=list(entries)
    )


def _vendor_data(holder_id: str, legal_id: str = ""):
    ws = bridge.workspace()
    ws.register_source("vendors-t", kind="vendors")
    ws.register_source("holders-t", kind="vendor_shareholders")
    ws.stage_rows(
        "vendors-t",
        [{"uscc": USCC, "name": "恒通建材", "legal_rep_id": legal_id, "legal_rep_name": "X"}],
    ).accept()
    ws.stage_rows(
        "holders-t",
        [{"uscc": USCC, "shareholder_id": holder_id, "shareholder_name": "王某",
          "share_ratio": "0.4"}],
    ).accept()  # fmt: skip


def test_the_draw_is_reproducible_from_its_seed():
    pool = list(range(1, 101))
    first = services.draw(pool, 10, seed=20260302)
    assert first == services.draw(list(reversed(pool)), 10, seed=20260302)
    assert first != services.draw(pool, 10, seed=20260303)
    assert len(first) == 10 and set(first) <= set(pool)
    assert services.draw(pool[:3], 10, seed=1) == [1, 2, 3]


def test_a_check_records_its_seed_and_draws_again_the_same(ccounty, today):
    c = ccounty
    for person in (c.p_town1, c.p_town2, c.p_unit_a, c.p_unit_b, c.p_cadre):
        _report(c, person)
    one = services.check_draw(actor=c.supervisor, year=2025, size=3, seed=7)
    two = services.check_draw(actor=c.supervisor, year=2025, size=3, seed=7)
    assert one.seed == 7 and one.pool == 5 and one.size == 3
    drawn = [sorted(e.report_id for e in ch.entries.all()) for ch in (one, two)]
    assert drawn[0] == drawn[1]
    leaf = Leaf.objects.filter(action="integrity.check.draw").order_by("index").first()
    assert leaf is not None
    assert one.item.kind == "integrity.check" and one.item.state == "compared"
    assert verify_ledger().ok


def test_a_seed_is_chosen_and_recorded_when_none_is_given(ccounty, today):
    c = ccounty
    _report(c, c.p_town1)
    check = services.check_draw(actor=c.supervisor, year=2025, size=1)
    assert MatterCheck.objects.get().seed == check.seed


def test_vendor_data_names_an_unreported_business_of_the_spouse(ccounty, today):
    c = ccounty
    services.relative_add(
        actor=c.supervisor, person=c.p_town1, relation="spouse", name="王某", resident_id=SPOUSE_ID
    )
    _report(c, c.p_town1, entries=[("family_business", "无")])
    _vendor_data(SPOUSE_ID)
    roles = analytics_selectors.vendor_roles([SPOUSE_ID])
    assert [(r.role, r.uscc) for r in roles] == [("shareholder", USCC)]
    check = services.check_draw(actor=c.supervisor, year=2025, size=1, seed=1)
    (entry,) = check.entries.all()
    (found,) = entry.discrepancies
    assert "恒通建材" in found["text"] and USCC in found["text"]
    assert found["item"] == "family_business"
    assert found["source"] == "analytics.vendor_shareholders"


def test_a_business_the_report_names_is_no_discrepancy(ccounty, today):
    c = ccounty
    services.relative_add(
        actor=c.supervisor, person=c.p_town1, relation="spouse", name="王某", resident_id=SPOUSE_ID
    )
    _report(c, c.p_town1, entries=[("family_business", "配偶持有恒通建材 40% 股份")])
    _vendor_data(SPOUSE_ID)
    check = services.check_draw(actor=c.supervisor, year=2025, size=1, seed=1)
    assert check.entries.get().discrepancies == []


def test_an_uploaded_list_names_an_unreported_house(ccounty, today):
    c = ccounty
    _report(c, c.p_town1, entries=[("housing", "城关镇幸福路 1 号")])
    rows = [
        {"_row": 2, "resident_id": c.p_town1.resident_id, "item": "housing",
         "content": "城关镇幸福路1号", "source": "不动产登记"},
        {"_row": 3, "resident_id": c.p_town1.resident_id, "item": "房产情况",
         "content": "滨河路 8 号", "source": "不动产登记"},
        {"_row": 4, "resident_id": c.p_town2.resident_id, "item": "housing",
         "content": "not drawn", "source": ""},
    ]  # fmt: skip
    with translation.override("en"):
        check = services.check_draw(
            actor=c.supervisor, year=2025, size=1, seed=1, list_rows=rows, list_name="房产清单"
        )
    (found,) = check.entries.get().discrepancies
    assert (
        "房产清单" in found["text"] and "row 3" in found["text"] and "滨河路 8 号" in found["text"]
    )
    assert found["source"] == "list" and found["key"] == "3"


def test_bad_rows_of_the_list_are_named_and_nothing_is_drawn(ccounty, today):
    c = ccounty
    _report(c, c.p_town1)
    rows = [
        {"_row": 2, "resident_id": "123", "item": "housing", "content": "x"},
        {"_row": 3, "resident_id": c.p_town1.resident_id, "item": "boats", "content": ""},
        {"_row": 4, "resident_id": c.p_town1.resident_id, "item": "housing", "content": "ok"},
    ]
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.check_draw(actor=c.supervisor, year=2025, size=1, list_rows=rows)
    messages = exc.value.message_dict["sheet"]
    assert len(messages) == 2
    assert messages[0].startswith("Row 2: resident ID")
    assert messages[1].startswith("Row 3: item") and "what the list records" in messages[1]
    assert not MatterCheck.objects.exists()


def test_the_draw_refuses_bad_input_and_an_empty_pool(ccounty, today):
    c = ccounty
    with pytest.raises(ValidationError) as exc:
        services.check_draw(actor=c.supervisor, year=1999, size=0)
    assert set(exc.value.error_dict) == {"year", "size"}
    with pytest.raises(ValidationError) as exc:
        services.check_draw(actor=c.supervisor, year=2025, size=5)
    assert exc.value.error_dict["year"][0].code == "empty"
    with pytest.raises(PermissionDenied):
        services.check_draw(actor=c.cadre, year=2025, size=5)


def test_the_draw_takes_only_reports_in_the_drawers_scope(ccounty, today):
    c = ccounty
    _report(c, c.p_town1)
    _report(c, c.p_town2)
    check = services.check_draw(actor=c.town1_officer, year=2025, size=10, seed=3)
    assert check.pool == 1
    assert [e.report.person for e in check.entries.all()] == [c.p_town1]


def test_outsiders_see_no_check(ccounty, today):
    c = ccounty
    _report(c, c.p_town1)
    check = services.check_draw(actor=c.town1_officer, year=2025, size=1, seed=3)
    assert list(selectors.check_list(viewer=c.town1_officer)) == [check]
    assert list(selectors.check_list(viewer=c.town2_officer)) == []
    assert list(selectors.check_list(viewer=c.cadre)) == []
    for account in (c.town2_officer, c.cadre):
        client = client_for(account)
        assert client.get(reverse("integrity:check_detail", args=[check.item_id])).status_code in (
            403,
            404,
        )
    page = client_for(c.town2_officer).get(reverse("integrity:check_list"))
    assert page.status_code == 200
    assert reverse("integrity:check_detail", args=[check.item_id]) not in page.content.decode()


def test_the_check_moves_only_through_the_loop(ccounty, today):
    c = ccounty
    _report(c, c.p_town1)
    check = services.check_draw(actor=c.supervisor, year=2025, size=1, seed=3)
    loop.item_transition(item=check.item, name="to_talks", actor=c.supervisor)
    check.item.refresh_from_db()
    assert check.item.state == "talks"
    loop.item_transition(item=check.item, name="close", actor=c.supervisor, comment="talks held")
    check.item.refresh_from_db()
    assert check.item.state == "closed"


def _sheet(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("list.xlsx", buffer.getvalue())


def test_the_page_draws_with_an_uploaded_list_and_shows_the_discrepancies(ccounty, today):
    c = ccounty
    _report(c, c.p_town1)
    client = client_for(c.supervisor)
    assert client.get(reverse("integrity:check_list")).status_code == 200
    sheet = _sheet(
        [
            ["resident ID", "item", "what the list records", "from which register"],
            [c.p_town1.resident_id, "Housing", "滨河路 8 号", "不动产登记"],
        ]
    )
    response = client.post(
        reverse("integrity:check_create"), {"year": 2025, "size": 1, "seed": 5, "sheet": sheet}
    )
    check = MatterCheck.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("integrity:check_detail", args=[check.item_id])
    page = client.get(response.url).content.decode()
    assert "滨河路 8 号" in page and "5" in page
    assert MatterCheckEntry.objects.count() == 1


def test_the_page_names_bad_rows(ccounty, today):
    c = ccounty
    _report(c, c.p_town1)
    sheet = _sheet([["resident ID", "item", "what the list records"], ["123", "Housing", "x"]])
    response = client_for(c.supervisor).post(
        reverse("integrity:check_create"), {"year": 2025, "size": 1, "sheet": sheet}
    )
    assert response.status_code == 400
    assert "第 2 行" in response.content.decode()
    assert not MatterCheck.objects.exists()
