"""Getting this log's checkpoints cosigned by witnesses (C2SP tlog-witness, the log's side).

After the worker signs a checkpoint, ``submit_latest`` sends it to every witness of
``LEDGER_WITNESSES`` that has not cosigned it yet, with the consistency proof from the size that
witness last cosigned. A 409 naming another size is answered once more from that size (the
witness may have been fed our public checkpoints by someone else, or lost its state); a witness
that has cosigned *more* leaves than this checkpoint holds means the log was rolled back. Every
attempt is kept (``WitnessSubmission``); a refusal is logged as an error and shown on the ledger
state page. Valid cosignatures are kept (``Cosignature``) and served with the checkpoint
(``cosigned_note``), so receipts carry them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from . import store
from .models import Checkpoint, Cosignature, WitnessSubmission
from .tlog import CheckpointError, MissingNodeError, consistency_proof
from .tlog.cosignature import (
    MAX_PROOF_LINES,
    SIZE_CONTENT_TYPE,
    CosignatureVerifier,
    add_signature_lines,
    cosignatures,
    format_submission,
    parse_size,
    submit,
)

log = logging.getLogger(__name__)

Outcome = WitnessSubmission.Outcome
MAX_MESSAGE = 500


@dataclass(frozen=True)
class Witness:
    """A configured witness: its verifier key, its submission prefix and who it is."""

    verifier: CosignatureVerifier
    url: str
    label: str

    @property
    def name(self) -> str:
        return self.verifier.name


def configured() -> list[Witness]:
    """The witnesses of ``LEDGER_WITNESSES`` (validated when settings load)."""
    return [
        Witness(
            verifier=CosignatureVerifier.from_vkey(entry["vkey"]),
            url=entry["url"],
            label=entry.get("label", ""),
        )
        for entry in settings.LEDGER_WITNESSES
    ]


def cosigned_note(checkpoint: Checkpoint) -> str:
    """The checkpoint's signed note with the stored cosignatures appended."""
    lines = [c.line for c in checkpoint.cosignatures.order_by("witness", "key_id")]
    return add_signature_lines(checkpoint.note, lines) if lines else checkpoint.note


def witnessed_size(witness: Witness) -> int:
    """The size of the largest of our checkpoints this witness has cosigned (0 if none)."""
    found = Cosignature.objects.filter(
        witness=witness.name, key_id=witness.verifier.key_id.hex()
    ).aggregate(size=Max("checkpoint__size"))
    return found["size"] or 0


def submit_latest(witnesses: Sequence[Witness] | None = None) -> list[WitnessSubmission]:
    """Send the latest checkpoint to every witness that has not cosigned it yet."""
    witnesses = configured() if witnesses is None else witnesses
    if not witnesses:
        return []
    checkpoint = Checkpoint.objects.order_by("-size").first()
    if checkpoint is None:
        return []
    done = set(checkpoint.cosignatures.values_list("witness", "key_id"))
    return [
        submit_checkpoint(checkpoint, witness)
        for witness in witnesses
        if (witness.name, witness.verifier.key_id.hex()) not in done
    ]


def submit_checkpoint(checkpoint: Checkpoint, witness: Witness) -> WitnessSubmission:
    """Ask one witness to cosign one checkpoint; keep and return what came of it."""
    old = witnessed_size(witness)
    tried: set[int] = set()
    while True:
        tried.add(old)
        if old > checkpoint.size:
            return _refused(
                witness,
                checkpoint,
                old,
                409,
                f"the witness has cosigned {old} leaves of this log, more than the {checkpoint.size}"
                " this checkpoint holds: the log was rolled back",
            )
        try:
            proof = store.run(consistency_proof, old, checkpoint.size) if 0 < old else []
        except MissingNodeError as exc:  # the node table lost rows: verify_ledger names them
            log.error("no consistency proof for witness %s: %s", witness.name, exc)
            message = f"the consistency proof from size {old} cannot be built: {exc}"
            return _keep(witness, checkpoint, old, Outcome.INVALID, None, message)
        if len(proof) > MAX_PROOF_LINES:  # not before 2^63 leaves; kept for the record
            return _refused(witness, checkpoint, old, None, "the consistency proof is too long")
        body = format_submission(old, proof, checkpoint.note)
        try:
            reply = submit(witness.url, body, timeout=settings.LEDGER_WITNESS_TIMEOUT_SECONDS)
        except (OSError, ValueError) as exc:
            log.warning("witness %s is unreachable: %s", witness.name, exc)
            return _keep(witness, checkpoint, old, Outcome.UNREACHABLE, None, str(exc))
        if reply.status == 200:
            return _cosigned(witness, checkpoint, old, reply.body)
        if reply.status == 409 and reply.content_type == SIZE_CONTENT_TYPE:
            try:
                size = parse_size(reply.body)
            except ValueError as exc:
                return _keep(witness, checkpoint, old, Outcome.INVALID, 409, str(exc))
            if size not in tried:
                old = size
                continue
        text = reply.body[:MAX_MESSAGE].decode("utf-8", "replace").strip()
        return _refused(witness, checkpoint, old, reply.status, text)


def _cosigned(witness: Witness, checkpoint: Checkpoint, old: int, body: bytes):
    try:
        found = cosignatures(checkpoint.note + body.decode("utf-8"), [witness.verifier])
    except (CheckpointError, UnicodeDecodeError) as exc:
        return _keep(witness, checkpoint, old, Outcome.INVALID, 200, str(exc))
    cosignature = found.get(witness.name)
    if cosignature is None:
        message = "the reply carries no cosignature by the witness's key"
        return _keep(witness, checkpoint, old, Outcome.INVALID, 200, message)
    Cosignature.objects.get_or_create(
        checkpoint=checkpoint,
        witness=witness.name,
        key_id=cosignature.key_id.hex(),
        defaults={"timestamp": cosignature.timestamp, "line": cosignature.line},
    )
    log.info("witness %s cosigned checkpoint %s", witness.name, checkpoint.size)
    return _keep(witness, checkpoint, old, Outcome.COSIGNED, 200, "")


def _refused(witness, checkpoint, old, status, message) -> WitnessSubmission:
    log.error(
        "witness %s refused checkpoint %s (from size %s, HTTP %s): %s",
        witness.name,
        checkpoint.size,
        old,
        status,
        message,
    )
    return _keep(witness, checkpoint, old, Outcome.REFUSED, status, message)


def _keep(witness, checkpoint, old, outcome, status, message) -> WitnessSubmission:
    message = message[:MAX_MESSAGE]
    last = WitnessSubmission.objects.filter(witness=witness.name).first()
    if (
        last is not None
        and outcome != Outcome.COSIGNED
        and (last.checkpoint_size, last.old_size, last.outcome, last.status)
        == (checkpoint.size, old, outcome, status)
    ):
        last.attempts += 1
        last.at = timezone.now()
        last.message = message
        last.save(update_fields=["attempts", "at", "message"])
        return last
    return WitnessSubmission.objects.create(
        witness=witness.name,
        checkpoint_size=checkpoint.size,
        old_size=old,
        outcome=outcome,
        status=status,
        message=message,
    )


def refusing() -> list[WitnessSubmission]:
    """The configured witnesses' last submissions that were refusals: while any is, a witness has
    seen a history of this log that the log no longer has (or never had)."""
    found = []
    for witness in configured():
        last = WitnessSubmission.objects.filter(witness=witness.name).first()
        if last is not None and last.outcome == Outcome.REFUSED:
            found.append(last)
    return found


def state() -> list[dict]:
    """For the ledger state page: each configured witness, the largest checkpoint it cosigned,
    its last submission and its refusals."""
    rows = []
    for witness in configured():
        submissions = WitnessSubmission.objects.filter(witness=witness.name)
        rows.append(
            {
                "witness": witness,
                "size": witnessed_size(witness),
                "last": submissions.first(),
                "refusals": list(submissions.filter(outcome=Outcome.REFUSED)[:5]),
            }
        )
    return rows


def fully_cosigned(*, covering: int) -> Checkpoint | None:
    """The largest checkpoint of at least ``covering`` leaves that every configured witness has
    cosigned; None when there is no witness or no such checkpoint."""
    witnesses = configured()
    if not witnesses:
        return None
    candidates = Checkpoint.objects.filter(size__gte=covering)
    for witness in witnesses:
        candidates = candidates.filter(
            cosignatures__witness=witness.name,
            cosignatures__key_id=witness.verifier.key_id.hex(),
        )
    return candidates.order_by("-size").first()
