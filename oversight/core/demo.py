"""The demonstration county: who can sign in, and the order in which apps build their data.

``manage.py demo`` calls each builder in ``BUILDERS`` with one ``random.Random(seed)`` per app,
so the county is the same on every machine and a second run changes nothing. Later modules add
their builder to the list.
"""

from __future__ import annotations

import random
from importlib import import_module

DEMO_PASSWORD = "oversight-demo-2026"

# (username, role, where) — printed by `make run` and listed in the README.
DEMO_ACCOUNTS = [
    ("admin", "administrator / 系统管理员", "清河县 (all data)"),
    ("leader", "commission leader / 纪委领导", "清河县纪委监委 (all data)"),
    ("supervisor", "supervisor / 监督检查室干部", "清河县纪委监委 (all data)"),
    ("group1", "stationed-group officer / 派驻纪检组", "派驻第一纪检监察组 (its units)"),
    ("town1", "town officer / 乡镇纪委", "城关镇 (the town and its villages)"),
    ("clerk", "unit clerk / 单位联络员", "县教育局 (the bureau)"),
    ("cadre", "cadre / 党员干部", "县教育局 (own records)"),
]

BUILDERS = [
    "oversight.orgs.demo",
    "oversight.documents.demo",
    "oversight.matters.demo",
    "oversight.duties.demo",
    "oversight.analytics.demo",
    "oversight.public.demo",
    "oversight.cockpit.demo",
    "oversight.schedules.demo",
]


def build(*, seed: int = 2026, stdout=None) -> None:
    """Build (or complete) the demonstration data of every app."""
    for dotted in BUILDERS:
        module = import_module(dotted)
        rng = random.Random(f"{seed}:{dotted}")
        module.build(rng=rng, stdout=stdout)
