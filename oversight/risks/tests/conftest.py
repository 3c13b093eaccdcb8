"""The test county with risk permissions: the supervisor (all data) keeps the catalogue and
confirms reminders, town officers see and answer their town's; today is Monday 2026-03-02."""

import pytest

from oversight.orgs.demo import grant_permissions

from ..models import Level, RiskPoint, RiskRule


@pytest.fixture
def rcounty(loop_county):
    c = loop_county
    grant_permissions(
        {
            "supervisor": ["risks:view", "risks:catalogue:edit", "risks:reminder:confirm"],
            "town": ["risks:view", "risks:reminder:answer"],
        }
    )
    for role in (c.role_supervisor, c.role_town):
        role.refresh_from_db()
    for account in (c.supervisor, c.town1_officer, c.town2_officer, c.town1_leader):
        account.__dict__.pop("_perm_codes", None)
    return c


@pytest.fixture
def point(rcounty):
    from .. import services

    return services.point_save(
        actor=rcounty.supervisor,
        point=None,
        category=RiskPoint.Category.FINANCE,
        name="Funds diverted",
        description="False invoices",
        prevention="Two people check",
        level=Level.HIGH,
    )


def rule(code: str, kind: str, params: dict, level: str = Level.MEDIUM) -> RiskRule:
    RiskRule.objects.filter(active=True).update(active=False)
    return RiskRule.objects.create(
        code=code, name=f"rule {code}", kind=kind, params=params, level=level
    )
