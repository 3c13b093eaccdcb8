"""The car journey in a real browser: positions imported from the fleet system's file, the
rules run over a sealed day, the warning opened with its track drawn (no map uploaded yet:
the track on longitude and latitude axes, nothing downloaded), the town explains, the
supervisor accepts the explanation."""

import datetime

import pytest
from playwright.sync_api import expect

from oversight.conftest import pick_unit, sign_in
from oversight.fleet import services
from oversight.fleet.models import FleetWarning

from .conftest import local

pytestmark = pytest.mark.browser


def test_import_positions_open_the_warning_on_its_map_explain_and_close(
    fleet_county, live_server, page, tmp_path
):
    c = fleet_county
    base = live_server.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    services.sealing_declare(
        actor=c.supervisor, name="Spring Festival", start=datetime.date(2026, 3, 1),
        end=datetime.date(2026, 3, 1), declared_by=c.commission,
    )  # fmt: skip
    lines = ["plate,time,longitude,latitude,speed,ignition"]
    for m in range(12):
        at = local(2026, 3, 1, 9, 5 * m).isoformat()
        lines.append(f"冀E12345,{at},{115.0 + m / 1000},{37.0 + m / 2000},40,1")
    positions = tmp_path / "positions.csv"
    positions.write_text("\n".join(lines), encoding="utf-8")

    sign_in(page, base, "supervisor")
    page.goto(f"{base}/fleet/positions/")
    page.set_input_files("input[name=file]", str(positions))
    page.select_option("select[name=crs]", "wgs84")
    page.click("[data-testid=import-positions]")
    expect(page.locator(".messages")).to_be_visible()

    page.goto(f"{base}/fleet/warnings/")
    form = page.locator("form:has([data-testid=run-rules])")
    form.locator("input[name=start]").fill("2026-03-01")
    form.locator("input[name=end]").fill("2026-03-01")
    pick_unit(page, "supervising_node", search="Commission", value=c.commission.pk)
    page.click("[data-testid=run-rules]")
    warning = FleetWarning.objects.get(vehicle=c.car1)
    page.goto(f"{base}/fleet/warnings/")
    page.get_by_role("link", name="冀E12345").first.click()
    expect(page).to_have_url(f"{base}/fleet/warnings/{warning.item_id}/")
    expect(page.locator("[data-fleet-map][data-drawn='1'] canvas").first).to_be_visible()

    sign_in(page, base, "town1")
    page.goto(f"{base}/fleet/warnings/{warning.item_id}/")
    page.locator("form:has([data-testid=do-explain]) textarea[name=comment]").fill(
        "Emergency: flood inspection ordered by the county, see the order attached."
    )
    page.click("[data-testid=do-explain]")
    expect(page).to_have_url(f"{base}/fleet/warnings/{warning.item_id}/")

    sign_in(page, base, "supervisor")
    page.goto(f"{base}/fleet/warnings/{warning.item_id}/")
    page.locator("form:has([data-testid=do-accept]) textarea[name=comment]").fill(
        "The county's order checked: accepted."
    )
    page.click("[data-testid=do-accept]")
    warning.item.refresh_from_db()
    assert warning.item.state == "accepted"
    assert errors == []
