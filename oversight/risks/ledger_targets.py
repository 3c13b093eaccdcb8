"""The catalogue, assignments, reminders and talks as traced rows: each is compared with
the state its latest leaf recorded (a reminder's level lowered or a talk's date moved with SQL
is named). The rules are seeded by the migration and not traced; their edits still record
a leaf each (``services.rule_save``)."""

from oversight.ledger.targets import traced

from .models import Assignment, Reminder, RiskPoint, Talk

TARGETS = [
    traced(RiskPoint),
    traced(Assignment),
    traced(Reminder),
    traced(Talk),
]
