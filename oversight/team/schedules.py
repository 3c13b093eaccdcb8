"""A required course as an obligation of the schedule service: when a course is required of a
role (``learning.course_require``), each unit where holders of the role work gets a work item
due on the requirement's deadline; the loop's sweep reminds the unit before it and escalates
after it, and the item closes when every holder there has completed the course."""

from django.utils.translation import gettext_lazy as _

from oversight.schedules.registry import Recurring
from oversight.schedules.rules import AfterEvent

from .workflows import TRAINING_KIND

REQUIRED_COURSE = "team.required_course"

SCHEDULES = [
    Recurring(
        id=REQUIRED_COURSE,
        title=_("Required course {key}"),
        kind=TRAINING_KIND,
        rule=AfterEvent(days=30),  # the requirement's own deadline replaces it
        units=list,  # opened per unit when the course is required, never by the daily run
        supervisor=lambda node: node.parent,
        description=_(
            "Every holder of the role in the unit completes the course's lessons by the deadline."
        ),
    ),
]
