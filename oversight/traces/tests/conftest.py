"""The test county with the trace graph: the supervisor (all data) sees every graph, town
officers the graphs of their town."""

import pytest

from oversight.orgs.demo import grant_permissions


@pytest.fixture(autouse=True)
def workspace_dir(settings, tmp_path):
    """Every test reads its own engine workspace (the contracts and vendors it plants)."""
    settings.ANALYTICS_WORKSPACE_DIR = tmp_path / "workspace"
    settings.ANALYTICS_MEMORY_LIMIT = "1GB"
    return settings.ANALYTICS_WORKSPACE_DIR


@pytest.fixture
def tcounty(loop_county):
    c = loop_county
    grant_permissions(
        {
            "supervisor": [
                "traces:graph:view",
                "traces:finding:handle",
                "integrity:file:edit",
                "integrity:file:view",
            ],
            "town": ["traces:graph:view", "traces:finding:explain"],
        }
    )
    for role in (c.role_supervisor, c.role_town):
        role.refresh_from_db()
    for account in (c.supervisor, c.town1_officer, c.town2_officer, c.cadre, c.clerk):
        account.__dict__.pop("_perm_codes", None)
    return c
