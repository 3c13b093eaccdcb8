"""Profiles, tasks and claims as traced rows: the check compares each with the state its latest
leaf recorded (a specialty added, a task's points raised, points awarded with SQL are named)."""

from oversight.ledger.targets import traced

from .models import Claim, Profile, Target, Task


def _tags(row) -> dict:
    return {"tags": sorted(row.tags.values_list("tag", flat=True))}


TARGETS = [
    traced(Profile, extra=_tags),
    traced(Task, extra=_tags),
    traced(Claim),
    traced(Target),
]
