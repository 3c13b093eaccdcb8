"""This platform as a witness of other platforms' logs (C2SP tlog-witness, the witness side).

``add_checkpoint(body)`` answers one ``POST <prefix>/add-checkpoint``: it checks the submission
against the latest checkpoint it cosigned for that origin (``WitnessedLog``), records the new one
and returns the cosignature line; or it refuses with the spec's status. The check and the update
run in one transaction with the origin's row locked, so two racing submissions cannot roll the
state back. A refusal of a validly signed checkpoint that forks or rolls back the log is kept
(``WitnessRefusal``) as evidence. ``manage.py witness`` serves this on its own port; the platform
also serves it at ``/ledger/witness/add-checkpoint``.

The logs witnessed are ``LEDGER_WITNESS_LOGS`` (their verifier keys; the key name is the
origin), plus any given to ``manage.py witness --log``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import keys
from .models import WitnessedLog, WitnessRefusal
from .tlog import Verifier
from .tlog.cosignature import (
    SIZE_CONTENT_TYPE,
    Cosigner,
    WitnessedHead,
    WitnessError,
    check_submission,
    parse_submission,
)

log = logging.getLogger(__name__)

# One submission at a time per process: SQLite takes its write lock only at the first write, so
# two threads could otherwise both read the same head.
_lock = threading.Lock()

MAX_STORED_REQUEST = 64 * 1024


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, content type, body."""

    status: int
    content_type: str
    body: bytes


def trusted_logs(extra: Iterable[str] = ()) -> dict[str, list[Verifier]]:
    """The logs this witness cosigns for: origin -> the keys trusted to sign it."""
    logs: dict[str, list[Verifier]] = {}
    for vkey in [*settings.LEDGER_WITNESS_LOGS, *extra]:
        verifier = Verifier.from_vkey(vkey)
        logs.setdefault(verifier.name, []).append(verifier)
    return logs


def _latest(origin: str) -> WitnessedHead | None:
    row = WitnessedLog.objects.select_for_update().filter(origin=origin).first()
    return WitnessedHead(row.size, bytes(row.root)) if row is not None else None


def add_checkpoint(
    body: bytes,
    *,
    logs: dict[str, Sequence[Verifier]] | None = None,
    cosigner: Cosigner | None = None,
    now: float | None = None,
) -> Answer:
    """Handle one add-checkpoint request body; the answer to send."""
    logs = trusted_logs() if logs is None else logs
    try:
        submission = parse_submission(body)
    except WitnessError as refusal:
        return _refused(refusal)
    cosigner = cosigner or keys.witness_cosigner()
    with _lock:
        try:
            with transaction.atomic():
                checkpoint = check_submission(submission, logs=logs, latest=_latest)
                WitnessedLog.objects.update_or_create(
                    origin=checkpoint.origin,
                    defaults={
                        "size": checkpoint.size,
                        "root": checkpoint.root,
                        "note": submission.note,
                        "updated_at": timezone.now(),
                    },
                )
        except WitnessError as refusal:
            if refusal.status == 422 or (refusal.status == 409 and refusal.size is None):
                _keep_evidence(submission, refusal, body)
            return _refused(refusal)
        except IntegrityError:  # a first submission for this origin raced another
            return Answer(503, "text/plain; charset=utf-8", b"busy, retry\n")
    timestamp = int(time.time() if now is None else now)
    line = cosigner.cosign(checkpoint.body(), timestamp)
    log.info("witnessed %s at size %s", checkpoint.origin, checkpoint.size)
    return Answer(200, "text/plain; charset=utf-8", line.encode("utf-8"))


def _refused(refusal: WitnessError) -> Answer:
    if refusal.size is not None:
        return Answer(refusal.status, SIZE_CONTENT_TYPE, f"{refusal.size}\n".encode("ascii"))
    return Answer(refusal.status, "text/plain; charset=utf-8", (refusal.message + "\n").encode())


def _keep_evidence(submission, refusal: WitnessError, body: bytes) -> None:
    from .tlog.checkpoint import parse_checkpoint, split_note

    checkpoint = parse_checkpoint(split_note(submission.note)[0])
    # Checkpoints are public, so anyone can pair one with a junk proof: keep one refusal per
    # checkpoint size and status, not one per request.
    if WitnessRefusal.objects.filter(
        origin=checkpoint.origin, size=checkpoint.size, status=refusal.status
    ).exists():
        return
    held = WitnessedLog.objects.filter(origin=checkpoint.origin).first()
    WitnessRefusal.objects.create(
        origin=checkpoint.origin,
        status=refusal.status,
        message=refusal.message,
        witnessed_size=held.size if held else 0,
        size=checkpoint.size,
        request=body[:MAX_STORED_REQUEST].decode("utf-8", "replace"),
    )
    log.error(
        "witness refused %s at size %s (%s): %s",
        checkpoint.origin,
        checkpoint.size,
        refusal.status,
        refusal.message,
    )
