"""What the ledger knows about the records it points at: how to name them, how to re-read them,
and which of their keys are protected.

An app declares its kinds of target in ``<app>/ledger_targets.py``; the ledger collects them at
start-up::

    # oversight/disclosure/ledger_targets.py
    from oversight.ledger.targets import TargetKind
    from .selectors import publication_public_content

    TARGETS = [
        TargetKind(
            type="disclosure.publication",          # what record(target=...) resolves to
            snapshot=publication_public_content,    # record id (str) -> dict, or None if gone
            protected=("reporter_name",),           # details keys shown only as digests
        ),
    ]

``snapshot`` is needed for fixed records: ``verify_ledger`` calls it for the last fixed leaf of
each record and compares the digest of what it returns with the leaf's ``content_digest``, so a
row changed behind the platform's back is named. Ordinary events need no snapshot: their leaves
are re-derived from the stored columns.

A fixed record's content is a snapshot taken when it was fixed, names as they were then. A
``snapshot`` function that takes a second argument receives that fixed content (a dict) when the
record is checked, and reads the names it holds from it instead of from today's rows (as long as
the record still points at the same unit, person or kind): renaming a unit through the platform
then leaves the records fixed before untouched, while changing what the record itself says is
still seen.
"""

from __future__ import annotations

import base64
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.fields.files import FieldFile

from oversight.core.discovery import declarations


@dataclass(frozen=True)
class TargetKind:
    """One kind of record the ledger points at.

    ``state`` makes the kind *traced*: its rows are model rows (``type`` is the model's label)
    whose every change records a leaf, and ``state(row)`` is what that leaf's ``after`` digest
    covers (``record`` computes it itself from the target instance, whatever the caller
    passed). ``verify_ledger`` then compares every row's current state with the ``after`` of its
    latest leaf, naming a row that differs (and the fields), a row without a leaf and a leaf
    whose row is gone. ``states`` computes many rows' states at once for the check (a dict by
    primary key), where ``state`` alone would cost queries per row.
    """

    type: str
    snapshot: Callable[[str], dict[str, Any] | None] | None = None
    protected: tuple[str, ...] = ()
    table: str = ""  # for mismatch reports; a model label's table by default
    # (viewer, record ids as strings) -> the ids the viewer may see: whoever may see a record
    # may download its receipt and open its entries in the trace, beside the ledger's own rule
    # (entries by accounts in the viewer's scope).
    visible: Callable[[Any, list[str]], set[str]] | None = None
    state: Callable[[models.Model], dict[str, Any]] | None = None
    states: Callable[[list[models.Model]], dict[Any, dict[str, Any]]] | None = None

    @property
    def traced(self) -> bool:
        return self.state is not None

    def states_of(self, rows: list[models.Model]) -> dict[Any, dict[str, Any]]:
        if self.states is not None:
            return self.states(rows)
        assert self.state is not None
        return {row.pk: self.state(row) for row in rows}

    def current(self, record_id: str, fixed: dict[str, Any] | None = None) -> dict | None:
        """The record as it is now (None if gone), names read from ``fixed`` where the kind's
        snapshot takes it; None too when the kind has no snapshot (check ``snapshot`` first)."""
        if self.snapshot is None:
            return None
        if _takes_fixed(self.snapshot):
            return self.snapshot(record_id, fixed)
        return self.snapshot(record_id)

    def table_name(self) -> str:
        if self.table:
            return self.table
        model = model_for(self.type)
        return model._meta.db_table if model is not None else self.type


@dataclass(frozen=True)
class Target:
    """A record named by type and id, for targets that are not model instances."""

    type: str
    id: str


def _takes_fixed(function: Callable) -> bool:
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return len(parameters) >= 2


_KINDS: dict[str, TargetKind] = {}
_DISCOVERED = False


def register(kind: TargetKind) -> TargetKind:
    """Declare a kind of target; declaring the same type twice is an error."""
    if kind.type in _KINDS and _KINDS[kind.type] is not kind:
        raise ValueError(f"ledger target {kind.type} declared twice")
    _KINDS[kind.type] = kind
    return kind


def unregister(target_type: str) -> None:
    """Forget a kind (tests register temporary ones)."""
    _KINDS.pop(target_type, None)


def kind_of(target_type: str) -> TargetKind | None:
    return _KINDS.get(target_type)


def kinds() -> list[TargetKind]:
    return list(_KINDS.values())


def traced_kinds() -> list[TargetKind]:
    """The kinds whose rows the check compares with their latest leaf, in type order."""
    autodiscover()
    return sorted((k for k in _KINDS.values() if k.traced), key=lambda k: k.type)


def traced(
    model: type[models.Model],
    *,
    exclude: Iterable[str] = (),
    many: Iterable[str] = (),
    extra: Callable[[models.Model], dict[str, Any]] | None = None,
    **options: Any,
) -> TargetKind:
    """A traced kind for ``model``: its state is its columns (less ``exclude``: values the
    platform keeps up to date without it being a change, such as a login time), the ids of its
    many-to-many fields ``many``, and ``extra(row)``."""
    exclude, many = tuple(exclude), tuple(many)

    def state(row: models.Model) -> dict[str, Any]:
        result = snapshot(row, exclude=exclude)
        for name in many:
            result[name] = sorted(getattr(row, name).values_list("pk", flat=True))
        if extra is not None:
            result.update(extra(row))
        return result

    def states(rows: list[models.Model]) -> dict[Any, dict[str, Any]]:
        related: dict[str, dict[Any, list]] = {}
        for name in many:
            field = model._meta.get_field(name)
            through = getattr(model, name).through
            source = field.m2m_field_name()
            target = field.m2m_reverse_field_name()
            found: dict[Any, list] = {row.pk: [] for row in rows}
            for left, right in through.objects.filter(**{f"{source}__in": list(found)}).values_list(
                f"{source}_id", f"{target}_id"
            ):
                found[left].append(right)
            related[name] = found
        result = {}
        for row in rows:
            value = snapshot(row, exclude=exclude)
            for name in many:
                value[name] = sorted(related[name][row.pk])
            if extra is not None:
                value.update(extra(row))
            result[row.pk] = value
        return result

    return TargetKind(type=type_of(model), state=state, states=states, **options)


def autodiscover() -> None:
    """Collect TARGETS from every installed oversight app's ``ledger_targets`` module, once."""
    global _DISCOVERED
    if _DISCOVERED:
        return
    _DISCOVERED = True
    for _config, kind in declarations("ledger_targets", "TARGETS"):
        register(kind)


def type_of(model: type[models.Model] | models.Model) -> str:
    """The ledger's name for a model's rows: its label ("orgs.orgnode"), or for a model renamed
    after its rows were first recorded the label it had then (its ``ledger_type``): a leaf's
    type is part of what it hashes, so the name may never change."""
    return getattr(model, "ledger_type", "") or model._meta.label_lower


def model_for(target_type: str) -> type[models.Model] | None:
    """The model whose rows the ledger calls ``target_type`` ("orgs.orgnode"), if any."""
    for model in apps.get_models():
        if getattr(model, "ledger_type", "") == target_type:
            return model
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def resolve(target: models.Model | Target | tuple[str, Any]) -> tuple[str, str]:
    """(type, id) of a target: a saved model instance, a Target, or a (type, id) pair."""
    if isinstance(target, models.Model):
        if target.pk is None:
            raise ValueError("a ledger target must be saved before it is recorded")
        return type_of(target), str(target.pk)
    if isinstance(target, Target):
        return target.type, str(target.id)
    if isinstance(target, tuple) and len(target) == 2:
        return str(target[0]), str(target[1])
    raise TypeError(f"cannot name a ledger target from {type(target).__name__}")


def snapshot(
    instance: models.Model, *, fields: Iterable[str] | None = None, exclude: Iterable[str] = ()
) -> dict[str, Any]:
    """The concrete fields of a model instance as a dict, for ``before``/``after`` digests.

    Keys are attribute names (``org_node_id`` for a foreign key); files become their names,
    binary values base64. Many-to-many relations are not included: record them as their own
    event or pass them in explicitly.
    """
    wanted = set(fields) if fields is not None else None
    skipped = set(exclude)
    result: dict[str, Any] = {}
    for model_field in instance._meta.concrete_fields:
        name = model_field.attname
        if (wanted is not None and name not in wanted and model_field.name not in wanted) or (
            name in skipped or model_field.name in skipped
        ):
            continue
        value = getattr(instance, name)
        if isinstance(value, FieldFile):
            value = value.name or None
        elif isinstance(value, bytes | bytearray | memoryview):
            value = base64.b64encode(bytes(value)).decode("ascii")
        result[name] = value
    return result


def model_snapshot(
    model: type[models.Model], *, fields: Iterable[str] | None = None, exclude: Iterable[str] = ()
) -> Callable[[str], dict[str, Any] | None]:
    """A ``snapshot`` function for TargetKind that re-reads one row of ``model`` by id."""
    fields = tuple(fields) if fields is not None else None
    exclude = tuple(exclude)

    def read(record_id: str) -> dict[str, Any] | None:
        instance = model._default_manager.filter(pk=record_id).first()
        if instance is None:
            return None
        return snapshot(instance, fields=fields, exclude=exclude)

    return read
