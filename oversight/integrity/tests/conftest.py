"""The test county with integrity permissions: the supervisor (all data) opens and writes
files, town officers open the files of their town, the cadre sees their own; today is Monday
2026-03-02."""

import pytest

from oversight.orgs.demo import grant_permissions

OFFICER = ["integrity:file:view", "integrity:file:edit"]


@pytest.fixture
def icounty(loop_county):
    c = loop_county
    grant_permissions(
        {
            "supervisor": OFFICER,
            "town": ["integrity:file:view"],
            "cadre": ["integrity:file:own"],
        }
    )
    for role in (c.role_supervisor, c.role_town, c.role_cadre):
        role.refresh_from_db()
    for account in (c.supervisor, c.town1_officer, c.town2_officer, c.cadre, c.clerk):
        account.__dict__.pop("_perm_codes", None)
    return c
