"""The transparency log's tables: its head, leaves, tree nodes, checkpoints and verification runs.

Rows here are only ever inserted (the head's size is the one value that changes); nothing
cascades into them. References to accounts and org nodes carry no database constraint, so an
account or a node can never be removed *through* the ledger, and removing one never rewrites a
leaf: the leaf's bytes keep the ids it recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LogHead(models.Model):
    """The one row that says how many leaves the log holds.

    Appends lock this row (``select_for_update``) so that concurrent writers on PostgreSQL take
    turns and the leaf indexes form one gapless sequence; SQLite serialises writers already.
    """

    ONE = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONE)
    size = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ledger head")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="ledger_head_single")]

    def __str__(self) -> str:
        return f"ledger of {self.size}"


class Leaf(models.Model):
    """One event of the log: its canonical bytes and the columns they are made of.

    ``data`` is what the tree hashes and ``verify_ledger`` checks that it agrees with the
    other columns. In format 2 (see ``leaves``) the bytes carry the action, the target's type,
    the minute and digests; the actor, its node, the target's id, the exact time and the
    ``details`` (in clear) are bound to them by a commitment whose salt is in ``private``. In
    format 1 ``details`` is the public form and ``private`` holds the clear values (with
    their salts) of the protected keys.
    """

    index = models.BigIntegerField(_("ledger index"), primary_key=True)
    data = models.BinaryField(_("leaf bytes"))
    hash = models.BinaryField(_("leaf hash"), max_length=32)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_node = models.ForeignKey(
        "orgs.OrgNode",
        verbose_name=_("org node"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=120, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100)
    target_id = models.CharField(_("target id"), max_length=64)
    before_digest = models.CharField(_("digest before"), max_length=64, blank=True)
    after_digest = models.CharField(_("digest after"), max_length=64, blank=True)
    details = models.TextField(_("details"), blank=True)  # canonical JSON (see the docstring)
    private = models.TextField(blank=True)  # canonical JSON: {"salt"}; format 1: {key: {…}}
    content_digest = models.CharField(_("content digest"), max_length=64, blank=True)
    # Canonical JSON of a fixed record; NULL (not "") marks an ordinary event.
    fixed_content = models.TextField(null=True, blank=True)  # noqa: DJ001
    content_public = models.BooleanField(_("public record"), default=False)
    # Canonical JSON of a traced row's state after the change (its digest is after_digest):
    # not part of the leaf's bytes, kept so that the check can name the fields that differ.
    after_state = models.TextField(null=True, blank=True)  # noqa: DJ001

    class Meta:
        ordering = ["index"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["target_type", "target_id", "index"], name="ledger_leaf_target"),
            models.Index(fields=["actor", "index"], name="ledger_leaf_actor"),
        ]

    def __str__(self) -> str:
        return f"#{self.index} {self.action} {self.target_type}:{self.target_id}"

    @property
    def is_fixed(self) -> bool:
        return self.fixed_content is not None


class Node(models.Model):
    """The root of a complete perfect subtree: (level L, index i) covers leaves
    [i * 2**L, (i + 1) * 2**L); level 0 holds the leaf hashes. See tlog.merkle."""

    pk = models.CompositePrimaryKey("level", "index")
    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("ledger tree node")

    def __str__(self) -> str:
        return f"node ({self.level}, {self.index})"


class Checkpoint(models.Model):
    """A signed checkpoint (C2SP tlog-checkpoint in a signed note) of the first ``size`` leaves."""

    size = models.BigIntegerField(_("tree size"), unique=True)
    root = models.BinaryField(_("root hash"), max_length=32)
    note = models.TextField(_("signed checkpoint"))
    key_id = models.CharField(_("key id"), max_length=8)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-size"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class VerificationRun(models.Model):
    """One full recomputation by ``verify_ledger``, with what did not match."""

    MAX_STORED_MISMATCHES = 1000

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    ok = models.BooleanField(_("all verified"), default=False)
    size = models.BigIntegerField(_("leaves verified"), default=0)
    nodes = models.BigIntegerField(_("nodes verified"), default=0)
    checkpoints = models.IntegerField(_("checkpoints verified"), default=0)
    mismatch_count = models.IntegerField(_("mismatches"), default=0)
    mismatches = models.JSONField(_("mismatch list"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("ledger verification")
        verbose_name_plural = _("ledger verifications")

    def __str__(self) -> str:
        return f"verification {self.started_at:%Y-%m-%d %H:%M}"


# --- witnesses (C2SP tlog-witness) ----------------------------------------------------------


class Cosignature(models.Model):
    """A witness's cosignature (C2SP tlog-cosignature) of one of this log's checkpoints."""

    checkpoint = models.ForeignKey(
        Checkpoint,
        verbose_name=_("checkpoint"),
        on_delete=models.CASCADE,
        related_name="cosignatures",
    )
    witness = models.CharField(_("witness"), max_length=200)  # the witness's key name
    key_id = models.CharField(_("key id"), max_length=8)
    timestamp = models.BigIntegerField(_("cosigned at (POSIX seconds)"))
    line = models.TextField(_("signature line"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        ordering = ["checkpoint", "witness"]
        verbose_name = _("cosignature")
        verbose_name_plural = _("cosignatures")
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "witness", "key_id"], name="ledger_cosignature_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.witness} on {self.checkpoint_id}"


class WitnessSubmission(models.Model):
    """One submission of a checkpoint to a witness, and what came of it."""

    class Outcome(models.TextChoices):
        COSIGNED = "cosigned", _("cosigned")
        REFUSED = "refused", _("refused")
        UNREACHABLE = "unreachable", _("unreachable")
        INVALID = "invalid", _("invalid reply")

    witness = models.CharField(_("witness"), max_length=200)
    checkpoint_size = models.BigIntegerField(_("tree size"))
    old_size = models.BigIntegerField(_("size the witness had"), default=0)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # The same answer to the same checkpoint again (a witness down for a night) updates the row.
    attempts = models.PositiveIntegerField(_("attempts"), default=1)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("witness submission")
        verbose_name_plural = _("witness submissions")
        indexes = [models.Index(fields=["witness", "-at"], name="ledger_submission_witness")]

    def __str__(self) -> str:
        return f"{self.checkpoint_size} to {self.witness}: {self.outcome}"


class WitnessedLog(models.Model):
    """Another platform's log that this platform witnesses: the latest checkpoint it cosigned."""

    origin = models.CharField(_("origin"), max_length=255, unique=True)
    size = models.BigIntegerField(_("tree size"))
    root = models.BinaryField(_("root hash"), max_length=32)
    note = models.TextField(_("signed checkpoint"))
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["origin"]
        verbose_name = _("witnessed log")
        verbose_name_plural = _("witnessed logs")

    def __str__(self) -> str:
        return f"{self.origin} at {self.size}"


class WitnessRefusal(models.Model):
    """A checkpoint validly signed by a witnessed log that this witness refused to cosign: a fork
    or a rollback of that log, kept as evidence (the request as received)."""

    origin = models.CharField(_("origin"), max_length=255, db_index=True)
    status = models.PositiveSmallIntegerField(_("HTTP status"))
    message = models.TextField(_("message"))
    witnessed_size = models.BigIntegerField(_("size the witness had"))
    size = models.BigIntegerField(_("tree size"))
    request = models.TextField(_("request"))
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("witness refusal")
        verbose_name_plural = _("witness refusals")

    def __str__(self) -> str:
        return f"{self.origin} {self.size}: {self.status}"


class Alarm(models.Model):
    """The log contradicts itself (found by the check before signing, or by an append): the
    platform signs nothing more until someone allowed to (``ledger:alarm:resolve``) has looked
    and resolved it, which the ledger records."""

    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    problem = models.TextField(_("what does not match"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("ledger alarm")
        verbose_name_plural = _("ledger alarms")

    def __str__(self) -> str:
        return f"alarm {self.raised_at:%Y-%m-%d %H:%M}"
