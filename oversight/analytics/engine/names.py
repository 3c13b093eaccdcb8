"""Pinyin keys of Chinese names, for proposing candidate matches when an ID is missing.

A name's keys are every pinyin spelling it can have: each character contributes all its readings
(``heteronym=True``), so 单 gives ``shan`` and ``dan`` and "单丽" has the keys ``dan li`` and
``shan li``. Two names *may* be the same person when their key sets overlap — a clerk who typed
the name by sound may have picked another character. Keys only ever propose candidates, which
an officer confirms; they never decide identity.

Readings are computed per distinct character and cached, so a million names cost about a second.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

from pypinyin import Style, pinyin

__all__ = ["MAX_KEYS", "normalize_name", "pinyin_keys"]

# A name of four polyphonic characters can have dozens of spellings; beyond this many the key
# proposes too many candidates to be useful, so the rarest combinations are dropped.
MAX_KEYS = 32

_SPACES = re.compile(r"[\s·•・.]+")


def normalize_name(name: str | None) -> str | None:
    """Full-width to half-width, no spaces or middle dots, lower-case Latin letters."""
    if name is None:
        return None
    cleaned = _SPACES.sub("", unicodedata.normalize("NFKC", name)).lower()
    return cleaned or None


@functools.lru_cache(maxsize=65536)
def _readings(character: str) -> tuple[str, ...]:
    if not "\u3400" <= character <= "\u9fff":
        return (character,)
    found = pinyin(character, style=Style.NORMAL, heteronym=True, errors="default")
    readings = tuple(dict.fromkeys(r for r in found[0] if r)) if found else ()
    return readings or (character,)


def pinyin_keys(name: str | None) -> list[str]:
    """Every pinyin spelling of ``name`` (readings separated by spaces), sorted; [] for none."""
    cleaned = normalize_name(name)
    if not cleaned:
        return []
    per_character = [_readings(ch) for ch in cleaned]
    keys = itertools.islice(itertools.product(*per_character), MAX_KEYS)
    return sorted({" ".join(parts) for parts in keys})
