"""The yearly review of each unit's integrity risk points (by the end of March), as a recurring
obligation of the schedule service: every active unit with an active risk point assigned."""

from django.utils.translation import gettext_lazy as _

from oversight.orgs.models import OrgNode
from oversight.schedules.registry import Recurring
from oversight.schedules.rules import Yearly

from .workflows import REVIEW_KIND

REVIEW = "risks.review"


def units_with_points():
    from .models import Assignment

    assigned = Assignment.objects.filter(point__active=True).values("node")
    return OrgNode.objects.filter(is_active=True, pk__in=assigned).order_by("path")


def supervisor(node: OrgNode) -> OrgNode:
    from .selectors import commission_over

    return commission_over(node)


SCHEDULES = [
    Recurring(
        id=REVIEW,
        title=_("Review of integrity risk points {key}"),
        kind=REVIEW_KIND,
        rule=Yearly(month=3, day=31),
        units=units_with_points,
        supervisor=supervisor,
        open_days_before=30,
        description=_(
            "Review the unit's integrity risk points: are they still the right ones, at the "
            "right level, with prevention measures that work? Report what changed."
        ),
    ),
]
