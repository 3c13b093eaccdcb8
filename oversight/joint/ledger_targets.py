"""Joint plans, their findings and hand-overs as traced rows (members and units with the plan)."""

from oversight.ledger.targets import traced

from .models import Handover, JointFinding, Plan

TARGETS = [traced(Plan, many=("members", "units")), traced(JointFinding), traced(Handover)]
