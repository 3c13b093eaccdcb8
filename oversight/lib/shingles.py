"""Near-duplicate text: character shingles and their overlap (no Django here).

Reports written in Chinese have no spaces to split words on, so a text is compared by its
overlapping ``k``-character pieces (shingles) after dropping whitespace and punctuation. The
similarity of two texts is the Jaccard index of their shingle sets once the shingles of a
shared boilerplate (the duty's own requirement text, which every unit may quote) are removed
from both: two reports that only repeat the requirement are not alike. Reordering paragraphs
changes only the few shingles across their boundaries, and light edits only those around them.
"""

from __future__ import annotations

import unicodedata

K = 5


def normalise(text: str) -> str:
    """Lower case, without whitespace, punctuation or symbols."""
    return "".join(
        ch
        for ch in unicodedata.normalize("NFKC", text or "").lower()
        if unicodedata.category(ch)[0] in ("L", "N")
    )


def shingles(text: str, k: int = K) -> set[str]:
    plain = normalise(text)
    if len(plain) < k:
        return {plain} if plain else set()
    return {plain[i : i + k] for i in range(len(plain) - k + 1)}


def similarity(a: str, b: str, *, boilerplate: str = "", k: int = K) -> float:
    """The share (0–1) of shingles two texts have in common, boilerplate discounted."""
    common = shingles(boilerplate, k)
    first, second = shingles(a, k) - common, shingles(b, k) - common
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def own_length(text: str, *, boilerplate: str = "", k: int = K) -> int:
    """How many shingles of ``text`` are its own (not boilerplate): a measure of substance."""
    return len(shingles(text, k) - shingles(boilerplate, k))
