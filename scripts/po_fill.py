"""Fill msgstr entries of a .po file from a mapping file of ``msgid<TAB>msgstr`` lines.

Used when a batch of new strings is translated: `python scripts/po_fill.py PO MAPPING`. Entries
already translated are left alone unless the mapping names them; fuzzy flags are cleared for the
entries it fills. Standard library only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def unquote(block: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))


def quote(text: str) -> str:
    return '"' + text + '"'


def fill(po_path: Path, mapping: dict[str, str]) -> list[str]:
    text = po_path.read_text(encoding="utf-8")
    entries = text.split("\n\n")
    missing = []
    for i, entry in enumerate(entries):
        m = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', entry + "\n", re.M)
        if not m or entry.startswith('msgid ""\nmsgstr ""\n"'):
            continue
        msgid = unquote(m.group(1))
        if not msgid:
            continue
        current = unquote(m.group(2))
        if msgid in mapping:
            new = entry[: m.start(2)] + quote(mapping[msgid])
            new = new.replace("#, fuzzy\n", "").replace(", fuzzy", "")
            entries[i] = new.rstrip("\n")
        elif not current:
            missing.append(msgid)
    po_path.write_text("\n\n".join(entries).rstrip("\n") + "\n", encoding="utf-8")
    return missing


def main() -> int:
    po_path, mapping_path = Path(sys.argv[1]), Path(sys.argv[2])
    mapping = {}
    for line in mapping_path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            msgid, msgstr = line.split("\t", 1)
            mapping[msgid] = msgstr
    missing = fill(po_path, mapping)
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
