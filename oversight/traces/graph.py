"""The trace graph of one person, assembled from the modules' scoped selectors (never their
tables): the person and their unit (``orgs``), their relatives (``integrity.relations_of``) and
the comparison models' warnings naming the person or a relative by resident ID
(``analytics.warning_list``). Every edge names the record it came from."""

from collections import deque
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from oversight.analytics import selectors as analytics
from oversight.integrity import selectors as integrity


@dataclass
class Graph:
    root: str
    nodes: dict = field(default_factory=dict)  # id -> {"id", "name", "category", "url"}
    edges: list = field(default_factory=list)  # {"source", "target", "kind", "label", "origin"}

    def add_node(self, node_id, name, category, url=""):
        self.nodes.setdefault(
            node_id, {"id": node_id, "name": name, "category": category, "url": url}
        )

    def add_edge(self, source, target, kind, label, origin):
        self.edges.append(
            {"source": source, "target": target, "kind": kind, "label": label, "origin": origin}
        )

    def neighbours(self, node_id, *, kind=None) -> list[str]:
        return [
            e["target"]
            for e in self.edges
            if e["source"] == node_id and (kind is None or e["kind"] == kind)
        ]

    def shortest_path(self, start: str, end: str) -> list[str]:
        """The fewest hops from ``start`` to ``end`` (edges taken both ways), or []."""
        adjacent: dict[str, set] = {}
        for e in self.edges:
            adjacent.setdefault(e["source"], set()).add(e["target"])
            adjacent.setdefault(e["target"], set()).add(e["source"])
        before = {start: None}
        queue = deque([start])
        while queue:
            here = queue.popleft()
            if here == end:
                path = []
                while here is not None:
                    path.append(here)
                    here = before[here]
                return path[::-1]
            for there in sorted(adjacent.get(here, ())):
                if there not in before:
                    before[there] = here
                    queue.append(there)
        return []

    def edge(self, source, target) -> dict | None:
        for e in self.edges:
            if e["source"] == source and e["target"] == target:
                return e
        return None

    def as_echarts(self) -> dict:
        categories = ["person", "unit", "relative", "warning"]
        return {
            "categories": [{"name": c} for c in categories],
            "nodes": [
                dict(n, category=categories.index(n["category"])) for n in self.nodes.values()
            ],
            "links": [
                {"source": e["source"], "target": e["target"], "label": e["label"]}
                for e in self.edges
            ],
        }


def graph_of(*, viewer, person) -> Graph:
    """The graph around ``person`` as ``viewer`` may see it; the caller has already checked
    that the person is in the viewer's scope."""
    root = f"person:{person.pk}"
    g = Graph(root=root)
    g.add_node(root, person.name, "person")
    unit = person.org_node
    g.add_node(f"unit:{unit.pk}", unit.name, "unit")
    g.add_edge(root, f"unit:{unit.pk}", "works_in", _("works in"), f"orgs.person:{person.pk}")
    ids = {person.resident_id: root}
    for rel in integrity.relations_of([person.pk], viewer=viewer):
        node = f"relative:{rel.relative_person_id or rel.resident_id or rel.name}"
        g.add_node(node, rel.name, "relative")
        g.add_edge(root, node, "relative", str(rel.relation), f"integrity.relative:{person.pk}")
        if rel.resident_id:
            ids[rel.resident_id] = node
    warnings = analytics.warning_list(viewer=viewer).filter(subject_id__in=list(ids))
    for w in warnings:
        node = f"warning:{w.pk}"
        g.add_node(node, f"{w.model_id} · {w.subject_name}", "warning")
        g.add_edge(
            ids[w.subject_id], node, "subject_of", _("named by"), f"analytics.warning:{w.pk}"
        )
    return g
