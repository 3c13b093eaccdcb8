"""The vendor and contract patterns of the trace graph on hand-made datasets of the engine's
workspace (contracts, vendors, vendor shareholders, residents, payroll), each on its case and on
its near-miss, and the scope of the contracts and vendors shown."""

import datetime

import pytest
from django.utils import translation
from stdnum.cn import uscc as stdnum_uscc

from oversight.analytics import bridge
from oversight.conftest import client_for, make_resident_id
from oversight.integrity import services as integrity
from oversight.traces import rules, selectors

pytestmark = pytest.mark.django_db

BROTHER_IN_LAW = make_resident_id(datetime.date(1975, 4, 9))
SISTER = make_resident_id(datetime.date(1978, 8, 1), male=False)
SOMEONE_ELSE = make_resident_id(datetime.date(1969, 2, 3))


def uscc(n: int) -> str:
    code = f"91130534MA{n:07d}"
    return code + stdnum_uscc.calc_check_digit(code)


# V1 shareholder brother-in-law, contract approved by the leader      -> relative_vendor_approved
# V2 legal rep brother-in-law, contract approved by someone else      -> near-miss
# V3 the sister's address (written with spaces in the registry)       -> shared_contact
# V4 the sister's address but one character apart                     -> near-miss (no node)
# V5 the leader's phone (orgs) and bank account (payroll)             -> shared_contact
# V6 three contracts of the leader within a year (the third on the day a year after the first)
# V7 three contracts of the leader, only two within any year          -> near-miss (N-1)
# V9 legal rep brother-in-law, contract of the leader bought by Town 2 (scope)
# V10 contract of the leader bought by a unit nobody can resolve (scope)
V = {n: uscc(n) for n in range(1, 11)}


def _plant(rows_by_kind: dict) -> None:
    ws = bridge.workspace()
    for kind, given in rows_by_kind.items():
        # every row with every column (a table takes its columns from the first row)
        header = list(dict.fromkeys(k for row in given for k in row))
        rows = [{k: row.get(k) for k in header} for row in given]
        ws.register_source(f"{kind.replace('_', '-')}-t", kind=kind)
        version = ws.stage_rows(f"{kind.replace('_', '-')}-t", rows).accept()
        assert version.rows == len(rows) and version.rejected_rows == 0, kind


def _contract(n, vendor, signed, approver_id, *, buyer="Town 1", approver="Li"):
    return {
        "contract_id": f"HT-{n}",
        "buyer_unit": buyer,
        "vendor_uscc": V[vendor],
        "title": f"contract {n}",
        "amount": "100000",
        "signed_date": signed,
        "approver_id": approver_id,
        "approver_name": approver,
    }


@pytest.fixture
def vendors(tcounty):
    c = tcounty
    leader = c.p_town1
    leader.phone = "0931-8888 123"
    leader.save(update_fields=["phone"])
    integrity.relative_add(
        actor=c.supervisor,
        person=leader,
        relation="social",
        name="Brother-in-law",
        resident_id=BROTHER_IN_LAW,
    )
    integrity.relative_add(
        actor=c.supervisor, person=leader, relation="sibling", name="Sister", resident_id=SISTER
    )
    me = leader.resident_id
    _plant(
        {
            "vendors": [
                {"uscc": V[1], "name": "Hengtong Building"},
                {"uscc": V[2], "name": "Yuanda Trading", "legal_rep_id": BROTHER_IN_LAW,
                 "legal_rep_name": "Brother-in-law"},
                {"uscc": V[3], "name": "Sister's Shop", "address": "城关镇幸福路1号"},
                {"uscc": V[4], "name": "Next Door Shop", "address": "城关镇幸福路2号"},
                {"uscc": V[5], "name": "Phone Shop", "phone": "09318888123",
                 "bank_account": "6222 0001 0002"},
                {"uscc": V[6], "name": "Regular Supplier"},
                {"uscc": V[7], "name": "Occasional Supplier"},
                {"uscc": V[9], "name": "Town 2 Works", "legal_rep_id": BROTHER_IN_LAW,
                 "legal_rep_name": "Brother-in-law"},
                {"uscc": V[10], "name": "Unknown Buyer's Vendor"},
            ],
            "vendor_shareholders": [
                {"uscc": V[1], "shareholder_id": BROTHER_IN_LAW,
                 "shareholder_name": "Brother-in-law", "share_ratio": "0.3"},
                {"uscc": V[6], "shareholder_id": SOMEONE_ELSE, "shareholder_name": "Stranger",
                 "share_ratio": "1"},
            ],
            "residents": [
                {"resident_id": SISTER, "name": "Sister", "address": "城关镇 幸福路 1号"},
            ],
            "payroll": [
                {"resident_id": me, "name": leader.name, "unit": "Town 1",
                 "start_date": "2010-01-01", "bank_account": "622200010002"},
            ],
            "contract_payments": [
                {"payment_id": "FK-1", "contract_id": "HT-1", "pay_date": "2025-04-01",
                 "amount": "60000"},
                {"payment_id": "FK-4", "contract_id": "HT-4", "pay_date": "2025-05-01",
                 "amount": "1000"},
            ],
            "contracts": [
                _contract(1, 1, "2025-03-01", me),
                _contract(2, 2, "2025-03-02", SOMEONE_ELSE, approver="Wang"),
                _contract(3, 3, "2025-04-01", SOMEONE_ELSE, approver="Wang"),
                _contract(4, 4, "2025-04-02", SOMEONE_ELSE, approver="Wang"),
                _contract(5, 5, "2025-04-03", SOMEONE_ELSE, approver="Wang"),
                _contract(61, 6, "2025-01-10", me),
                _contract(62, 6, "2025-06-01", me),
                _contract(63, 6, "2026-01-10", me),
                _contract(71, 7, "2025-01-10", me),
                _contract(72, 7, "2025-06-01", me),
                _contract(73, 7, "2026-01-11", me),
                _contract(9, 9, "2025-05-01", me, buyer="Town 2"),
                _contract(10, 10, "2025-05-02", me, buyer="Nowhere Bureau"),
            ],
        }
    )  # fmt: skip
    return c


def _by_pattern(findings) -> dict:
    out = {}
    for f in findings:
        out.setdefault(f.pattern.key, []).append(f)
    return out


@pytest.fixture(autouse=True)
def english():
    """The paths' words are read in English (the catalogue translates them)."""
    with translation.override("en"):
        yield


def _names(finding) -> list[str]:
    return [h["node"]["name"] for h in finding.path]


def test_the_leader_approved_a_contract_of_a_company_the_brother_in_law_owns(vendors):
    c = vendors
    _person, graph, findings = selectors.person_graph(viewer=c.supervisor, pk=c.p_town1.pk)
    found = _by_pattern(findings)["relative_vendor_approved"]
    # V1 (shareholder, approved by the leader) and V9 (Town 2: the supervisor sees it); never
    # V2, whose contract someone else approved, although V2 is in the graph
    assert sorted(f.path[2]["node"]["id"] for f in found) == [f"vendor:{V[1]}", f"vendor:{V[9]}"]
    assert f"vendor:{V[2]}" in graph.nodes and "contract:HT-2" in graph.nodes
    assert graph.edge("relative:" + BROTHER_IN_LAW, f"vendor:{V[2]}")["kind"] == "owns"
    (first,) = [f for f in found if f.path[2]["node"]["id"] == f"vendor:{V[1]}"]
    assert _names(first) == [
        c.p_town1.name, "Brother-in-law", "Hengtong Building", "HT-1 contract 1", c.p_town1.name
    ]  # fmt: skip
    text = first.text()
    assert "→ shareholder (30%) of [analytics.vendor_shareholders:vendor-shareholders-t/v1#" in text
    assert "← awarded to [analytics.contracts:contracts-t/v1#" in text
    assert "← approved [analytics.contracts:contracts-t/v1#" in text
    assert [h["back"] for h in first.path] == [False, False, False, True, True]
    # the contract's payment hangs off the contract; one of a contract not shown is left out
    paid = graph.edge("contract:HT-1", "payment:FK-1")
    assert paid["kind"] == "paid" and paid["origin"].startswith("analytics.contract_payments:")
    assert "payment:FK-4" not in graph.nodes


def test_a_vendor_sharing_an_address_phone_or_account_is_flagged_and_one_character_is_not(
    vendors,
):
    c = vendors
    _person, graph, findings = selectors.person_graph(viewer=c.supervisor, pk=c.p_town1.pk)
    found = {f.path[-1]["node"]["id"]: f for f in _by_pattern(findings)["shared_contact"]}
    assert set(found) == {f"vendor:{V[3]}", f"vendor:{V[5]}"}
    sister = found[f"vendor:{V[3]}"]
    assert _names(sister) == [c.p_town1.name, "Sister", "Sister's Shop"]
    assert sister.path[2]["edge"]["label"] == "the same address"
    assert sister.path[2]["edge"]["origin"].startswith("analytics.residents:residents-t/v1#")
    own = found[f"vendor:{V[5]}"].path[1]["edge"]
    assert own["label"] == "the same phone, the same bank account"
    assert f"orgs.person:{c.p_town1.pk} = analytics.vendors:" in own["origin"]
    assert "analytics.payroll:payroll-t/v1#" in own["origin"]
    # one character apart: no link, so the vendor is not even a node of the graph
    assert f"vendor:{V[4]}" not in graph.nodes


def test_repeated_awards_within_a_year_and_not_one_fewer(vendors):
    c = vendors
    _person, _graph, findings = selectors.person_graph(viewer=c.supervisor, pk=c.p_town1.pk)
    (found,) = _by_pattern(findings)["repeated_awards"]
    ids = [h["node"]["id"] for h in found.path]
    assert ids == [
        f"person:{c.p_town1.pk}", "contract:HT-61", f"vendor:{V[6]}", "contract:HT-62",
        f"person:{c.p_town1.pk}", "contract:HT-63", f"vendor:{V[6]}",
    ]  # fmt: skip
    assert all(h["edge"] for h in found.path[1:])
    # the occasional supplier has three contracts of the leader, only two within any year
    assert not any(f"vendor:{V[7]}" in [h["node"]["id"] for h in f.path] for f in findings)


def test_the_threshold_of_repeated_awards_is_a_setting(vendors, monkeypatch):
    c = vendors
    monkeypatch.setattr(rules, "REPEATED_AWARDS", 2)
    _person, _graph, findings = selectors.person_graph(viewer=c.supervisor, pk=c.p_town1.pk)
    vendors_found = {
        f.path[2]["node"]["id"] for f in findings if f.pattern.key == "repeated_awards"
    }
    assert vendors_found == {f"vendor:{V[6]}", f"vendor:{V[7]}"}


def test_a_town_officer_sees_only_the_towns_contracts_and_their_vendors(vendors):
    c = vendors
    _person, everything, _f = selectors.person_graph(viewer=c.supervisor, pk=c.p_town1.pk)
    _person, graph, findings = selectors.person_graph(viewer=c.town1_officer, pk=c.p_town1.pk)
    for hidden in ("contract:HT-9", f"vendor:{V[9]}", "contract:HT-10", f"vendor:{V[10]}"):
        assert hidden in everything.nodes
        assert hidden not in graph.nodes
    found = _by_pattern(findings)["relative_vendor_approved"]
    assert [f.path[2]["node"]["id"] for f in found] == [f"vendor:{V[1]}"]
    assert "contract:HT-1" in graph.nodes and f"vendor:{V[3]}" in graph.nodes
    client = client_for(c.town1_officer)
    data = client.get(f"/traces/people/{c.p_town1.pk}/graph.json").json()
    names = {n["name"] for n in data["nodes"]}
    assert "Town 2 Works" not in names and "Hengtong Building" in names


def test_a_flagged_contract_path_becomes_a_work_item(vendors):
    from oversight.traces import services

    c = vendors
    _person, _graph, findings = selectors.person_graph(viewer=c.supervisor, pk=c.p_town1.pk)
    number = next(i for i, f in enumerate(findings) if f.pattern.key == "relative_vendor_approved")
    item = services.finding_take_up(actor=c.supervisor, person_pk=c.p_town1.pk, number=number)
    assert "analytics.contracts:" in item.description and "Brother-in-law" in item.description


def test_without_datasets_the_graph_has_no_contracts(tcounty):
    c = tcounty
    _person, graph, findings = selectors.person_graph(viewer=c.supervisor, pk=c.p_town1.pk)
    assert findings == [] and set(graph.nodes) == {
        f"person:{c.p_town1.pk}",
        f"unit:{c.p_town1.org_node.pk}",
    }


def test_a_relative_declared_only_in_the_cadre_relatives_data_is_followed(tcounty):
    c = tcounty
    cousin = make_resident_id(datetime.date(1981, 9, 9))
    me = c.p_town1.resident_id
    _plant(
        {
            "cadre_relatives": [
                {"cadre_id": me, "relative_id": cousin, "relative_name": "Cousin",
                 "relation": "表兄"},
                {"cadre_id": me, "relative_id": None, "relative_name": "Nameless",
                 "relation": "表弟"},
            ],
            "vendors": [{"uscc": V[1], "name": "Cousin Co", "legal_rep_id": cousin,
                         "legal_rep_name": "Cousin"}],
            "contracts": [_contract(1, 1, "2025-03-01", me)],
        }
    )  # fmt: skip
    _person, graph, findings = selectors.person_graph(viewer=c.supervisor, pk=c.p_town1.pk)
    (found,) = [f for f in findings if f.pattern.key == "relative_vendor_approved"]
    assert _names(found) == [
        c.p_town1.name,
        "Cousin",
        "Cousin Co",
        "HT-1 contract 1",
        c.p_town1.name,
    ]
    assert found.path[1]["edge"]["origin"].startswith("analytics.cadre_relatives:")
    assert found.path[1]["edge"]["label"] == "表兄"
    assert "Nameless" not in {n["name"] for n in graph.nodes.values()}


def test_the_page_explains_a_contract_path_with_arrows_both_ways(vendors):
    from django.urls import reverse

    c = vendors
    body = (
        client_for(c.supervisor)
        .get(reverse("traces:graph_detail", args=[c.p_town1.pk]))
        .content.decode()
    )
    assert "Hengtong Building" in body and "analytics.contracts:contracts-t/v1#" in body
    assert " ← <small" in body and " → <small" in body
