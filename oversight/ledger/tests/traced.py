"""For the apps' traced-row tests: edit each column of a traced row with SQL, behind the
platform's back, and check that ``verify_ledger`` names the row and the field (then undo)."""

from __future__ import annotations

import datetime
import decimal

from django.db import IntegrityError, connection, models, transaction

from oversight.ledger.verify import verify_ledger


class _Undo(Exception):
    pass


def changed_value(field: models.Field, current, step: int = 1):
    """A different value of the column's own type, or None when there is none to give."""
    if isinstance(field, models.ForeignKey):
        other = (
            field.related_model._default_manager.exclude(pk=current)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        return other
    if isinstance(field, models.BooleanField):
        return not current if current is not None else True
    if isinstance(field, models.DateTimeField):
        base = current or datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
        return base + datetime.timedelta(hours=step + 1)
    if isinstance(field, models.DateField):
        return (current or datetime.date(2026, 1, 5)) + datetime.timedelta(days=step + 1)
    if isinstance(field, models.DecimalField):
        return (current or decimal.Decimal(0)) + decimal.Decimal(step)
    if isinstance(field, models.FloatField):
        return (current or 0) + step / 2
    if isinstance(field, models.IntegerField):
        return (current or 0) + step
    if isinstance(field, models.JSONField):
        return {"x": step, "edited": True}
    if isinstance(field, models.CharField | models.TextField):
        limit = min(field.max_length or 12, 12)
        value = ("x" * limit) if current != "x" * limit else ("y" * limit)
        if field.choices:
            others = [c for c, _label in field.flatchoices if c != current]
            return others[0] if others else None
        return value
    return None


def _edit(model, pk, field, value) -> None:
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ops.quote_name(model._meta.db_table)} SET {ops.quote_name(field.column)} = %s"
            f" WHERE {ops.quote_name(model._meta.pk.column)} = %s",
            [field.get_db_prep_save(value, connection), pk],
        )


def assert_every_column_edit_named(model, row, *, skipped=()) -> list[str]:
    """Edit each column of ``row`` (but ``skipped``) in turn; each must be named. Returns the
    columns edited."""
    table = model._meta.db_table
    assert [str(m) for m in verify_ledger().mismatches if m.table == table] == []
    edited = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in skipped or field.name in skipped:
            continue
        value = changed_value(field, getattr(row, field.attname))
        if value is None:
            continue
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        _edit(model, row.pk, field, value)
                except IntegrityError:
                    raise _Undo from None
                report = verify_ledger()
                named = [m for m in report.mismatches if m.table == table and m.row == str(row.pk)]
                assert named, f"{model.__name__}.{field.name} edited: {report.mismatches}"
                assert any(field.attname in m.message or field.name in m.message for m in named)
                edited.append(field.name)
                raise _Undo
        except _Undo:
            pass
    return edited
