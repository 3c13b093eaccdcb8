"""Fingerprints of duty reports for the copy check, made when a report is written.

A report's own shingles (``lib.shingles``, the duty's requirement and evidence discounted) are
kept hashed to 64 bits: the similarity of two reports is the Jaccard index of these sets, the
same figure as of the shingles themselves. Their MinHash signature (``HASHES`` values) is cut
into ``BANDS`` bands of ``ROWS``; two reports whose signatures agree on a whole band share a
bucket (``ReportBucket``) and are compared exactly. A pair alike at J is a candidate with the
probability 1 - (1 - J²)³²: at the default threshold 0.60 it is missed about once in 1.6
million pairs, at 0.50 once in 10,000. Below ``LSH_FLOOR`` the check compares with every peer
(still from the stored shingles, never re-reading the texts).
"""

from __future__ import annotations

import hashlib

import numpy as np

from oversight.lib.shingles import shingles

HASHES, ROWS = 64, 2
BANDS = HASHES // ROWS
LSH_FLOOR = 0.5

_rng = np.random.default_rng(18)
_A = _rng.integers(1, 2**62, HASHES, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 2**62, HASHES, dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def boilerplate_of(duty) -> str:
    return f"{duty.requirement}\n{duty.evidence}"


def own_hashes(text: str, boilerplate: str) -> list[int]:
    """The hashes of ``text``'s shingles that are its own (not the boilerplate's), sorted."""
    own = shingles(text) - shingles(boilerplate)
    return sorted(
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little", signed=True)
        for s in own
    )


def pack(values) -> bytes:
    return np.asarray(values, dtype="<i8").tobytes()


def unpack(data) -> frozenset[int]:
    return frozenset(np.frombuffer(bytes(data), dtype="<i8").tolist())


def signature(hashes: list[int]) -> np.ndarray | None:
    """The MinHash signature of a set of 64-bit hashes (None for the empty set)."""
    if not hashes:
        return None
    x = np.asarray(hashes, dtype=np.int64).view(np.uint64)
    with np.errstate(over="ignore"):
        return (x[None, :] * _A[:, None] + _B[:, None]).min(axis=1)


def band_keys(sig) -> list[int]:
    """The bucket of each band of a signature (the band's number is mixed in)."""
    if sig is None or len(sig) == 0:
        return []
    sig = np.frombuffer(bytes(sig), dtype=np.uint64) if isinstance(sig, bytes | memoryview) else sig
    with np.errstate(over="ignore"):
        keys = (sig[0::ROWS] * _MIX) ^ sig[1::ROWS] ^ (np.arange(BANDS, dtype=np.uint64) * _MIX)
    return keys.view(np.int64).tolist()


def jaccard(a: frozenset, b: frozenset) -> float:
    """As ``lib.shingles.similarity``: 0 when either text has nothing of its own."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


# --- kept with the reports ------------------------------------------------------------------------


def store_many(reports, texts: dict[int, str]) -> dict[int, frozenset]:
    """Make (or make again) the prints of ``reports`` (with their ``duty_item``) from ``texts``
    ({work item id: latest text}) and their buckets; their own shingle sets by report id."""
    from .models import ReportBucket, ReportPrint

    reports = list(reports)
    made, buckets, sets = [], [], {}
    for report in reports:
        hashes = own_hashes(texts.get(report.item_id, ""), boilerplate_of(report.duty_item))
        sig = signature(hashes)
        made.append(
            ReportPrint(
                report_id=report.pk,
                shingles=pack(hashes),
                signature=b"" if sig is None else sig.tobytes(),
                size=len(hashes),
            )
        )
        buckets += [
            ReportBucket(report_id=report.pk, lineage=report.duty_item.lineage, key=key)
            for key in band_keys(sig)
        ]
        sets[report.pk] = frozenset(hashes)
    pks = [r.pk for r in reports]
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        ReportPrint.objects.filter(report_id__in=chunk).delete()
        ReportBucket.objects.filter(report_id__in=chunk).delete()
    ReportPrint.objects.bulk_create(made, batch_size=1000)
    ReportBucket.objects.bulk_create(buckets, batch_size=5000)
    return sets


def store(report, text: str) -> frozenset:
    """The print of ``report``'s new text, kept in the transaction of its report step."""
    return store_many([report], {report.item_id: text})[report.pk]


def sets_of(reports) -> dict[int, frozenset]:
    """The own shingle sets of ``reports`` (made from their latest texts for those that have
    none yet, as reports entered straight into the loop's record)."""
    from .models import ReportPrint
    from .selectors import _latest_texts

    reports = list(reports)
    sets = {
        pk: unpack(data)
        for pk, data in ReportPrint.objects.filter(
            report_id__in=[r.pk for r in reports]
        ).values_list("report_id", "shingles")
    }
    missing = [r for r in reports if r.pk not in sets]
    if missing:
        sets |= store_many(missing, _latest_texts([r.item_id for r in missing]))
    return sets


def candidates(report, own: frozenset) -> set[int]:
    """The reports of the same duty (any year) sharing a bucket with ``own``."""
    from .models import ReportBucket

    keys = band_keys(signature(sorted(own)))
    if not keys:
        return set()
    return set(
        ReportBucket.objects.filter(lineage=report.duty_item.lineage, key__in=keys)
        .exclude(report_id=report.pk)
        .values_list("report_id", flat=True)
    )
