"""Rounds, inspected units, findings and rectification tasks as traced rows: the check compares
each with the state its latest leaf recorded (a finding reworded, a task's deadline, leader or
result changed with SQL is named). A task's state lives on its work item, traced by the loop."""

from oversight.ledger.targets import traced

from .models import Finding, InspectedUnit, LookBack, LookBackCheck, Milestone, Round, Task

TARGETS = [
    traced(Round),
    traced(InspectedUnit),
    traced(Finding),
    traced(Task),
    traced(LookBack),
    traced(LookBackCheck),
    traced(Milestone),
]
