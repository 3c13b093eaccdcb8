"""Flagged-path patterns: each a named rule over the assembled graph, returning the paths it
finds explained hop by hop. New patterns are added to ``PATTERNS``."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Pattern:
    key: str
    title: str
    find: Callable  # (graph) -> list[list[str]] (paths as node ids)


def _relative_flagged(graph) -> list[list[str]]:
    """The person → a relative → a comparison model's warning naming that relative."""
    paths = []
    for rel in graph.neighbours(graph.root, kind="relative"):
        for warning in graph.neighbours(rel, kind="subject_of"):
            paths.append([graph.root, rel, warning])
    return paths


def _several_problems(graph, threshold: int = 2) -> list[list[str]]:
    """The person is the subject of several problems (warnings) across modules."""
    problems = graph.neighbours(graph.root, kind="subject_of")
    if len(problems) >= threshold:
        return [[graph.root, p] for p in problems]
    return []


# Repeated awards: this many contracts or more the person approved to one vendor, signed within
# a year of the first of them, make a flagged path.
REPEATED_AWARDS = 3


def _approved_to(graph) -> dict[str, list[str]]:
    """Vendor → the contracts the person approved that were awarded to it, by signing date."""
    by_vendor: dict[str, list[str]] = {}
    for contract in graph.neighbours(graph.root, kind="approved"):
        for vendor in graph.neighbours(contract, kind="awarded_to"):
            by_vendor.setdefault(vendor, []).append(contract)
    for contracts in by_vendor.values():
        contracts.sort(key=lambda c: (graph.nodes[c].get("signed", ""), c))
    return by_vendor


def _relative_vendor_approved(graph) -> list[list[str]]:
    """The person → a relative → a vendor the relative represents or holds shares in ← a
    contract awarded to it ← approved by the person."""
    approved = _approved_to(graph)
    paths = []
    for rel in graph.neighbours(graph.root, kind="relative"):
        for vendor in graph.neighbours(rel, kind="owns"):
            for contract in approved.get(vendor, []):
                paths.append([graph.root, rel, vendor, contract, graph.root])
    return paths


def _shared_contact(graph) -> list[list[str]]:
    """A vendor of the graph has the phone, address or bank account of the person or of a
    relative (the person → [a relative →] the vendor)."""
    paths = [[graph.root, v] for v in graph.neighbours(graph.root, kind="shares_contact")]
    for rel in graph.neighbours(graph.root, kind="relative"):
        paths += [[graph.root, rel, v] for v in graph.neighbours(rel, kind="shares_contact")]
    return paths


def _within_a_year(first: str, last: str) -> bool:
    start = datetime.date.fromisoformat(first)
    try:
        end = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + 1, day=28)
    return datetime.date.fromisoformat(last) <= end


def _repeated_awards(graph, threshold: int | None = None) -> list[list[str]]:
    """The person approved ``REPEATED_AWARDS`` or more contracts awarded to one vendor within
    a year: the person → contract → the vendor ← contract ← the person … (the first such run of
    contracts per vendor, every contract of it)."""
    threshold = threshold or REPEATED_AWARDS
    paths = []
    for vendor, contracts in _approved_to(graph).items():
        dated = [c for c in contracts if graph.nodes[c].get("signed")]
        best: list[str] = []
        for i, first in enumerate(dated):
            run = [
                c
                for c in dated[i:]
                if _within_a_year(graph.nodes[first]["signed"], graph.nodes[c]["signed"])
            ]
            if len(run) > len(best):
                best = run
        if len(best) >= threshold:
            path = [graph.root]
            for n, contract in enumerate(best):
                path += [contract, vendor] if n % 2 == 0 else [contract, graph.root]
            paths.append(path)
    return paths


PATTERNS = [
    Pattern(
        "relative_flagged",
        _("A relative of the person is named by a comparison model's warning"),
        _relative_flagged,
    ),
    Pattern(
        "several_problems",
        _("The person is linked to several problems"),
        _several_problems,
    ),
    Pattern(
        "relative_vendor_approved",
        _("The person approved a contract awarded to a vendor a relative owns or represents"),
        _relative_vendor_approved,
    ),
    Pattern(
        "shared_contact",
        _("A vendor shares a phone, address or bank account with the person or a relative"),
        _shared_contact,
    ),
    Pattern(
        "repeated_awards",
        _("The person approved repeated awards to one vendor within a year"),
        _repeated_awards,
    ),
]
