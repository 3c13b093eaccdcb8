"""The rectification report each inspected unit owes within two months of its feedback
(巡视工作条例 art. 27), opened by ``services.feedback_record`` through the schedule service."""

from django.utils.translation import gettext_lazy as _

from oversight.schedules.registry import Recurring
from oversight.schedules.rules import AfterEvent

from .workflows import REPORT_KIND

TWO_MONTH_REPORT = "inspections.two_month_report"

SCHEDULES = [
    Recurring(
        id=TWO_MONTH_REPORT,
        title=_("Inspection rectification report {key}"),
        kind=REPORT_KIND,
        rule=AfterEvent(months=2),
        units=list,  # opened per unit on its feedback, never by the daily run
        supervisor=lambda node: node.parent,
        description=_(
            "The rectification report and the report on the head's own duty, signed by the "
            "unit's head, within two months of the inspection's feedback."
        ),
    ),
]
