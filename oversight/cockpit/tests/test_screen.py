"""The cockpit: one screen per scope, every figure a link to its records."""

from __future__ import annotations

from oversight.conftest import client_for
from oversight.loop.registry import kind_choices
from oversight.measures import registry
from oversight.measures import selectors as m_selectors
from oversight.measures.registry import Period
from oversight.measures.tests.conftest import VIEW_ALL


def _grant(c, *roles):
    for role in roles:
        role.permissions = sorted(set(role.permissions) | {"cockpit:screen:view", *VIEW_ALL})
        role.save()
    for account in c.viewers:
        account.__dict__.pop("_perm_codes", None)


def test_a_town_officer_sees_the_town_and_its_figures_lead_to_their_records(measured):
    _grant(measured, measured.role_town)
    response = client_for(measured.town1_officer).get("/cockpit/?period=2026-03")
    assert response.status_code == 200
    data = response.context["data"]
    assert data["node"]["id"] == measured.town1.pk
    tile = next(t for t in data["tiles"] if t["id"] == "loop.overdue")
    expected = m_selectors.records(
        viewer=measured.town1_officer,
        measure=registry.get("loop.overdue"),
        node=measured.town1,
        period=Period.parse("2026-03"),
    ).count()
    assert tile["value"] == expected > 0
    listed = client_for(measured.town1_officer).get(tile["url"])
    assert listed.context["total"] == expected
    assert {u["name"] for u in data["units"]} == {"Village 1a", "Village 1b"}


def test_the_county_cockpit_breaks_down_and_ranks(measured):
    response = client_for(measured.admin).get("/cockpit/data.json?period=2026-Q1")
    data = response.json()
    assert data["node"]["id"] == measured.county.pk
    kinds = next(b for b in data["breakdowns"] if b["id"] == "loop.open")
    labels = dict(kind_choices())
    assert {i["name"] for i in kinds["items"]} == {
        labels[k]
        for k in (
            "matters.matter",
            "public.complaint",
            "analytics.clue",
            "duties.report",
            "fleet.warning",
            "disclosure.lapse",
            "inspections.rectification",
            "integrity.opinion",
            "joint.handover",
            "risks.reminder",
            "integrity.check",
            "collective.anomaly",
            "collective.reimbursement",
            "traces.finding",
        )
    }
    open_tile = next(t for t in data["tiles"] if t["id"] == "loop.open")
    assert sum(i["value"] for i in kinds["items"]) == open_tile["value"]
    assert all("&param=" in i["url"] for i in kinds["items"])
    assert len(data["trend"]["months"]) == 6 and data["trend"]["months"][-1] == "2026-03"
    assert data["ranking"] and all(r["url"].startswith("/cockpit/?node=") for r in data["ranking"])


def test_a_node_outside_scope_is_not_found(measured):
    _grant(measured, measured.role_town)
    client = client_for(measured.town2_officer)
    assert client.get(f"/cockpit/?node={measured.town1.pk}").status_code == 404
    assert client.get(f"/cockpit/data.json?node={measured.town1.pk}").status_code == 404


def test_without_the_permission_there_is_no_cockpit(measured):
    assert client_for(measured.cadre).get("/cockpit/").status_code == 403


def test_the_large_screen_mode_refreshes_from_the_data(measured):
    page = client_for(measured.admin).get("/cockpit/?mode=big").content.decode()
    assert 'data-big="1"' in page and "/cockpit/data.json?node=" in page


def test_the_leaders_home_is_a_view_of_the_cockpit(measured):
    measured.role_town.permissions = sorted(
        set(measured.role_town.permissions) | {"cockpit:screen:view"}
    )
    measured.role_town.save()
    response = client_for(measured.town1_leader).get("/")
    cockpit = response.context["cockpit"]
    assert cockpit["node"]["id"] == measured.town1.pk
    assert [t["id"] for t in cockpit["tiles"]][:2] == ["loop.open", "loop.overdue"]
    assert cockpit["trend"]["months"][-1] == "2026-03"
    page = response.content.decode()
    assert 'data-chart="trend"' in page and "/measures/loop.overdue/records/?node=" in page
    # Without the cockpit, the home keeps its plain figures.
    plain = client_for(measured.clerk).get("/")
    assert plain.context["cockpit"] is None
    assert plain.context["figures"]["open"] > 0
    # The leader's open and overdue figures are the cockpit's tiles, not counted twice.
    assert "open" not in response.context["figures"]


def test_a_stationed_groups_cockpit_sums_its_units(measured):
    _grant(measured, measured.role_group)
    officer = measured.group_officer
    data = client_for(officer).get("/cockpit/data.json?period=2026-Q1").json()
    assert data["node"]["id"] is None
    assert {u["name"] for u in data["units"]} == {"Group 1", "Unit A"}
    tile = next(t for t in data["tiles"] if t["id"] == "loop.closed")
    expected = m_selectors.records(
        viewer=officer,
        measure=registry.get("loop.closed"),
        node=None,
        nodes=[measured.group, measured.unit_a],
        period=Period.parse("2026-Q1"),
    ).count()
    assert tile["value"] == expected > 0
    listed = client_for(officer).get(tile["url"])
    assert listed.status_code == 200 and listed.context["total"] == expected
    assert listed.context["figure"].value == expected
    # Nothing of Unit B (not supervised) reaches the group.
    unit_b = m_selectors.records(
        viewer=officer,
        measure=registry.get("loop.opened"),
        node=measured.unit_b,
        period=Period.parse("2026-Q1"),
    )
    assert unit_b.count() == 0
    outside = f"/cockpit/data.json?node={measured.unit_b.pk}"
    assert client_for(officer).get(outside).status_code == 404


def test_complaints_satisfaction_and_warnings_by_area_lead_to_their_records(measured):
    client = client_for(measured.admin)
    data = client.get("/cockpit/data.json?period=2026-Q1").json()
    column = {label: i for i, label in enumerate(data["columns"])}
    seen = set()
    for measure_id in ("public.complaints", "public.satisfaction", "analytics.warnings"):
        measure = registry.get(measure_id)
        at = column[str(measure.label)]
        for unit in data["units"]:
            cell = unit["cells"][at]
            listed = client.get(cell["url"])
            assert listed.status_code == 200
            assert listed.context["figure"].value == cell["value"], (measure_id, unit["name"])
            if measure.kind == "count":
                assert listed.context["total"] == cell["value"]
            if cell["value"]:
                seen.add(measure_id)
    assert seen == {"public.complaints", "public.satisfaction", "analytics.warnings"}
    # Satisfaction and closed items are split too: by category and by kind.
    by = {b["id"]: b for b in data["breakdowns"]}
    assert by["public.satisfaction"]["items"] and by["loop.closed"]["items"]
    for item in by["public.satisfaction"]["items"]:
        assert client.get(item["url"]).context["figure"].value == item["value"]


def test_a_town_officer_sees_no_other_towns_area_figures(measured):
    _grant(measured, measured.role_town)
    data = client_for(measured.town2_officer).get("/cockpit/data.json?period=2026-Q1").json()
    names = {u["name"] for u in data["units"]}
    assert names and not names & {"Town 1", "Village 1a", "Village 1b"}
    complaints = next(b for b in data["breakdowns"] if b["id"] == "public.complaints")
    expected = m_selectors.records(
        viewer=measured.town2_officer,
        measure=registry.get("public.complaints"),
        node=measured.town2,
        period=Period.parse("2026-Q1"),
    ).count()
    assert sum(i["value"] for i in complaints["items"]) == expected > 0
