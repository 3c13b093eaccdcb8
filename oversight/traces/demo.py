"""The trace graph in the demo: permissions for the commission (the graph, taking up flagged
paths) and the units (explaining them), and the first flagged path found among the leaders'
graphs taken up for checking. Built after the integrity files and the comparison models'
warnings, whose relatives and warnings make the graph."""

from __future__ import annotations

import random

from oversight.loop.models import WorkItem
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Account, Person

from . import selectors, services
from .workflows import KIND

EXTRA_PERMISSIONS = {
    "admin": [],
    "leader": ["traces:graph:view", "traces:finding:handle"],
    "supervisor": ["traces:graph:view", "traces:finding:handle"],
    "stationed_officer": ["traces:graph:view"],
    "town_officer": ["traces:graph:view", "traces:finding:explain"],
    "unit_clerk": ["traces:finding:explain"],
}


def build(*, rng: random.Random, stdout=None) -> None:
    grant_permissions(EXTRA_PERMISSIONS)
    if WorkItem.objects.filter(kind=KIND).exists():
        return
    supervisor = Account.objects.get(username="supervisor")
    supervisor.__dict__.pop("_perm_codes", None)
    leaders = (
        Person.objects.filter(positions__is_leader=True, positions__end_date__isnull=True)
        .distinct()
        .order_by("resident_id")[:40]
    )
    for person in leaders:
        _person, _graph, findings = selectors.person_graph(viewer=supervisor, pk=person.pk)
        if findings:
            services.finding_take_up(actor=supervisor, person_pk=person.pk, number=0)
            if stdout:
                stdout.write(f"traces: a flagged path of {person.name} taken up\n")
            return
