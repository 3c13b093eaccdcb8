"""A collective's monthly accounts as a recurring obligation of the schedule service: the month
is published by the 10th of the next (the financial disclosure rules; monthly where business is
busy). The occurrence ``2026-04`` due on 10 April is the publication of March's accounts."""

from django.utils.translation import gettext_lazy as _

from oversight.orgs.models import OrgNode
from oversight.schedules.registry import Recurring
from oversight.schedules.rules import Monthly

from .workflows import PERIOD

MONTHLY = "collective.monthly"
DUE_DAY = 10


def villages():
    return OrgNode.objects.filter(is_active=True, collective__isnull=False).order_by("path")


def supervisor(node: OrgNode) -> OrgNode:
    """A village's collective is supervised by its town."""
    return node.parent if node.parent_id else node


SCHEDULES = [
    Recurring(
        id=MONTHLY,
        title=_("Collective accounts {key}"),
        kind=PERIOD,
        rule=Monthly(day=DUE_DAY),
        units=villages,
        supervisor=supervisor,
        description=_("Publish last month's accounts of the collective by the 10th."),
    ),
]
