"""What units must disclose, as recurring obligations of the schedule service (DOMAIN.md:
village affairs at least quarterly, finances monthly where transactions are many, major
matters at once). Each catalogue item names one of these by its frequency; the units are
those of the kinds the active catalogue covers."""

from django.utils.translation import gettext_lazy as _

from oversight.orgs.models import OrgNode
from oversight.schedules.registry import Recurring
from oversight.schedules.rules import AfterEvent, Monthly, Quarterly

from .workflows import PERIOD

MONTHLY = "disclosure.monthly"
QUARTERLY = "disclosure.quarterly"
EVENT = "disclosure.event"


def units_for(frequency: str):
    """The active units of the kinds that have an active catalogue item of ``frequency``."""
    from .models import CatalogueItem

    kinds = CatalogueItem.objects.filter(active=True, frequency=frequency).values("unit_type")
    return OrgNode.objects.filter(is_active=True, type__in=kinds).order_by("path")


def supervisor(node: OrgNode) -> OrgNode:
    """A village is supervised by its town (the township discipline committee); any other unit
    by the discipline commission of its tree, or its parent where there is none."""
    if node.type == OrgNode.Type.VILLAGE and node.parent_id:
        return node.parent
    commission = (
        OrgNode.objects.filter(
            type=OrgNode.Type.COMMISSION, is_active=True, parent_id__in=node.ancestor_ids
        )
        .order_by("-depth")
        .first()
    )
    return commission or node.parent or node


SCHEDULES = [
    Recurring(
        id=MONTHLY,
        title=_("Monthly disclosures {key}"),
        kind=PERIOD,
        rule=Monthly(day=10),
        units=lambda: units_for("monthly"),
        supervisor=supervisor,
        description=_("Publish this month's disclosures of the catalogue by the due date."),
    ),
    Recurring(
        id=QUARTERLY,
        title=_("Quarterly disclosures {key}"),
        kind=PERIOD,
        rule=Quarterly(working_days=15),
        units=lambda: units_for("quarterly"),
        supervisor=supervisor,
        open_days_before=20,
        description=_("Publish the quarter's disclosures of the catalogue by the due date."),
    ),
    Recurring(
        id=EVENT,
        title=_("Disclosure of an event {key}"),
        kind=PERIOD,
        rule=AfterEvent(days=5, working=True),
        units=lambda: OrgNode.objects.none(),
        supervisor=supervisor,
        description=_("Publish the event's disclosure within 5 working days."),
    ),
]

BY_FREQUENCY = {"monthly": MONTHLY, "quarterly": QUARTERLY, "event": EVENT}
