from dataclasses import dataclass

from oversight.integrity import selectors as integrity

from . import rules
from .graph import Graph, graph_of


def people(*, viewer, search: str = ""):
    """The people whose graph the viewer may see: those in their scope."""
    return integrity.people(viewer=viewer, search=search)


def person_get(*, viewer, pk: int):
    return integrity.person_get(viewer=viewer, pk=pk)


@dataclass
class Finding:
    pattern: rules.Pattern
    # hops: {"node": ..., "edge": ..., "back": True when the edge runs from this hop to the one
    # before (a contract ← approved by the person)}
    path: list[dict]

    def text(self) -> str:
        """The path hop by hop, each edge with the record it came from."""
        parts = []
        for hop in self.path:
            if hop["edge"]:
                arrow = "←" if hop.get("back") else "→"
                parts.append(f"{arrow} {hop['edge']['label']} [{hop['edge']['origin']}] {arrow}")
            parts.append(hop["node"]["name"])
        return " ".join(parts)


def findings(*, graph: Graph) -> list[Finding]:
    """Every flagged path of every pattern, explained hop by hop."""
    found = []
    for pattern in rules.PATTERNS:
        for ids in pattern.find(graph):
            hops = []
            for i, node in enumerate(ids):
                edge = graph.edge(ids[i - 1], node) if i else None
                back = bool(i) and edge is None
                if back:
                    edge = graph.edge(node, ids[i - 1])
                hops.append({"node": graph.nodes[node], "edge": edge, "back": back})
            found.append(Finding(pattern, hops))
    return found


def person_graph(*, viewer, pk: int) -> tuple:
    person = person_get(viewer=viewer, pk=pk)
    graph = graph_of(viewer=viewer, person=person)
    return person, graph, findings(graph=graph)
