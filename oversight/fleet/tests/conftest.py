"""The test county's official cars: one of Town 1, one of Town 2; today is Monday 2026-03-02.
Positions go to a workspace of the test's own."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from oversight.fleet import services
from oversight.orgs.demo import grant_permissions

FLEET = [
    "fleet:vehicle:view",
    "fleet:vehicle:edit",
    "fleet:position:import",
    "fleet:fence:edit",
    "fleet:rule:run",
    "fleet:warning:verify",
]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def fleet_county(loop_county, settings, tmp_path):
    settings.ANALYTICS_WORKSPACE_DIR = tmp_path / "workspace"
    c = loop_county
    grant_permissions(
        {
            "supervisor": FLEET,
            "town": ["fleet:vehicle:view", "fleet:position:import", "loop:item:handle"],
        }
    )
    for role in (c.role_supervisor, c.role_town):
        role.refresh_from_db()
    for account in (c.supervisor, c.town1_officer, c.town2_officer):
        account.__dict__.pop("_perm_codes", None)
    c.car1 = services.vehicle_create(actor=c.supervisor, plate="冀E 12345", unit=c.town1)
    c.car2 = services.vehicle_create(actor=c.supervisor, plate="冀E67890", unit=c.town2)
    return c


def row(plate, at: datetime.datetime, lon=115.0, lat=37.0, speed=30, ignition=True) -> dict:
    return {
        "plate": plate,
        "time": at.isoformat(),
        "longitude": lon,
        "latitude": lat,
        "speed": speed,
        "ignition": ignition,
    }


@pytest.fixture
def push(django_capture_on_commit_callbacks):
    """Import rows as ``actor`` and let the batch commit (its Parquet file is published)."""

    def run(actor, rows, crs="wgs84"):
        with django_capture_on_commit_callbacks(execute=True):
            return services.positions_import(actor=actor, source="test", crs=crs, rows=rows)

    return run


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (tests otherwise start in the default, Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def client_en(account):
    from oversight.conftest import client_for

    client = client_for(account)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
