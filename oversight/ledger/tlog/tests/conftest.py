"""Shared fixtures of the tlog tests: the RFC 9162 vectors and their eight leaves."""

from pathlib import Path

# The repository is cloned with ../shared beside it; the vectors are read in place.
VECTORS = Path(__file__).resolve().parents[4] / ".." / "shared" / "vectors" / "rfc9162"

# The leaves (hex) the published vector trees are built from.
EIGHT_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
EIGHT_ROOT = bytes.fromhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
