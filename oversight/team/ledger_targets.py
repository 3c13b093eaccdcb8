"""Profiles, tasks and claims as traced rows: the check compares each with the state its latest
leaf recorded (a specialty added, a task's points raised, points awarded with SQL are named);
so are required courses (a deadline moved with SQL). A learner's progress is not: its
position and seconds change with every report of the player, and only its completion leaves
a leaf."""

from oversight.ledger.targets import traced

from .models import ChainFreeze, Claim, Profile, RequiredCourse, Target, Task


def _tags(row) -> dict:
    return {"tags": sorted(row.tags.values_list("tag", flat=True))}


TARGETS = [
    traced(Profile, extra=_tags),
    traced(Task, extra=_tags),
    traced(Claim),
    traced(Target),
    traced(RequiredCourse),
    traced(ChainFreeze),
]
