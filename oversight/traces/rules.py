"""Flagged-path patterns: each a named rule over the assembled graph, returning the paths it
finds explained hop by hop. New patterns are added to ``PATTERNS``."""

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
]
