"""The trace graph of one person, assembled from the modules' scoped selectors (never their
tables): the person and their unit (``orgs``), their relatives (``integrity.relations_of``,
and those declared in the ``cadre_relatives`` data, ``analytics.declared_relatives``),
the comparison models' warnings naming the person or a relative by resident ID
(``analytics.warning_list``), and from the comparison models' accepted datasets
(``analytics.trace_rows``) the contracts the person approved, the vendors those contracts and
the ones the person's relatives own or share a phone, address or bank account with, those
vendors' contracts and the contracts' payments. Every edge names the record or dataset row it came from."""

from collections import deque
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from oversight.analytics import selectors as analytics
from oversight.integrity import selectors as integrity

CATEGORIES = ("person", "unit", "relative", "warning", "contract", "vendor", "payment")


@dataclass
class Graph:
    root: str
    nodes: dict = field(default_factory=dict)  # id -> {"id", "name", "category", "url"}
    edges: list = field(default_factory=list)  # {"source", "target", "kind", "label", "origin"}

    def add_node(self, node_id, name, category, url="", **data):
        self.nodes.setdefault(
            node_id, {"id": node_id, "name": name, "category": category, "url": url, **data}
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

    def sources(self, node_id, *, kind=None) -> list[str]:
        """The nodes with an edge (of ``kind``) to ``node_id``."""
        return [
            e["source"]
            for e in self.edges
            if e["target"] == node_id and (kind is None or e["kind"] == kind)
        ]

    def as_echarts(self) -> dict:
        categories = list(CATEGORIES)
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
    for row in analytics.declared_relatives(person.resident_id):
        # relatives the cadre declared in the comparison models' data, if not in the file
        relative_id = row.values["relative_id"]
        if relative_id not in ids:
            node = f"relative:{relative_id}"
            g.add_node(node, row.values["relative_name"], "relative")
            g.add_edge(root, node, "relative", row.values["relation"], row.origin)
            ids[relative_id] = node
    warnings = analytics.warning_list(viewer=viewer).filter(subject_id__in=list(ids))
    for w in warnings:
        node = f"warning:{w.pk}"
        g.add_node(node, f"{w.model_id} · {w.subject_name}", "warning")
        g.add_edge(
            ids[w.subject_id], node, "subject_of", _("named by"), f"analytics.warning:{w.pk}"
        )
    _add_dataset_rows(g, viewer=viewer, person=person, ids=ids)
    return g


_SIGNALS = {
    "phone": _lazy("the same phone"),
    "address": _lazy("the same address"),
    "bank_account": _lazy("the same bank account"),
}


def _add_dataset_rows(g: Graph, *, viewer, person, ids: dict) -> None:
    """Contracts, vendors and their owners from the accepted datasets (see the module)."""
    rows = analytics.trace_rows(
        viewer=viewer,
        approver_ids=[person.resident_id],
        owner_ids=list(ids),
        phones=[person.phone] if person.phone else [],
    )
    # where each person of the graph can be reached: signal -> key -> [(node, origin)]
    reach: dict[str, dict[str, list]] = {s: {} for s in _SIGNALS}
    if person.phone:
        key = analytics.contact_key("phone", person.phone)
        reach["phone"].setdefault(key, []).append((g.root, f"orgs.person:{person.pk}"))
    for row in rows.contacts:
        for signal in _SIGNALS:
            key = analytics.contact_key(signal, row.values.get(signal))
            if key:
                reach[signal].setdefault(key, []).append(
                    (ids[row.values["resident_id"]], row.origin)
                )
    for row in rows.contracts:
        c = row.values
        node = f"contract:{c['contract_id']}"
        g.add_node(
            node,
            " ".join(str(v) for v in (c["contract_id"], c.get("title") or "") if v),
            "contract",
            signed=c["signed_date"].isoformat() if c.get("signed_date") else "",
            buyer=c.get("buyer_unit") or "",
            approver=c.get("approver_name") or "",
        )
        vendor = f"vendor:{c['vendor_uscc']}"
        g.add_node(vendor, c["vendor_uscc"], "vendor")
        if c.get("approver_id") in ids:
            g.add_edge(ids[c["approver_id"]], node, "approved", _("approved"), row.origin)
        g.add_edge(node, vendor, "awarded_to", _("awarded to"), row.origin)
    for row in rows.payments:
        p = row.values
        contract = f"contract:{p['contract_id']}"
        if contract in g.nodes:
            node = f"payment:{p['payment_id']}"
            paid = p["pay_date"].isoformat() if p.get("pay_date") else ""
            g.add_node(node, f"{p['payment_id']} {paid} ¥{p['amount']}", "payment", paid=paid)
            g.add_edge(contract, node, "paid", _("paid"), row.origin)
    for row in rows.vendors:
        v = row.values
        vendor = f"vendor:{v['uscc']}"
        g.nodes[vendor]["name"] = v.get("name") or v["uscc"]
        if v.get("legal_rep_id") in ids:
            g.add_edge(
                ids[v["legal_rep_id"]], vendor, "owns", _("legal representative of"), row.origin
            )
        shared: dict[str, tuple[list, list]] = {}
        for signal, label in _SIGNALS.items():
            key = analytics.contact_key(signal, v.get(signal))
            for node, origin in reach[signal].get(key, []) if key else []:
                labels, origins = shared.setdefault(node, ([], []))
                if str(label) not in labels:
                    labels.append(str(label))
                origins.append(f"{origin} = {row.origin}")
        for node, (labels, origins) in shared.items():
            g.add_edge(node, vendor, "shares_contact", ", ".join(labels), "; ".join(origins))
    for row in rows.holders:
        h = row.values
        ratio = h.get("share_ratio")
        label = _("shareholder of")
        if ratio is not None:
            label = _("shareholder (%(share)s%%) of") % {"share": f"{(ratio * 100).normalize():f}"}
        g.add_edge(ids[h["shareholder_id"]], f"vendor:{h['uscc']}", "owns", label, row.origin)
