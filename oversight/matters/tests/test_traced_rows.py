"""Every traced row is checked against its latest leaf: any single-column edit made with SQL
behind the platform's back is named (table, row and field), as are a row without a leaf and a
leaf whose row is gone. Runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime
from datetime import date

import pytest
from django.db import IntegrityError, connection, models, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.ledger.targets import model_for, traced_kinds
from oversight.ledger.verify import verify_ledger
from oversight.loop import services as loop
from oversight.loop.models import CoOwner, Event, ExtensionRequest, WorkItem
from oversight.matters import services as matters
from oversight.orgs.models import Account, OrgNode, Role

pytestmark = pytest.mark.django_db

# Columns the platform keeps up to date without it being a change (see each ledger_targets).
DERIVED = {
    "loop.workitem": {"light", "updated_at"},
    "orgs.orgnode": {"updated_at"},
    "orgs.account": {"password", "last_login", "failed_logins", "locked_until", "updated_at"},
}
# What the edits change: every traced model, and the rows checked through their item.
CHILDREN = {
    Event: ("loop.workitem", "item_id"),
    ExtensionRequest: ("loop.workitem", "item_id"),
    CoOwner: ("loop.workitem", "item_id"),
}


@pytest.fixture
def traced_county(loop_county, django_capture_on_commit_callbacks):
    c = loop_county
    matter = matters.matter_register(
        actor=c.supervisor,
        title="Road repair",
        category="project",
        description="",
        source="",
        lead_node=c.town1,
        supervising_node=c.commission,
        final_deadline=date(2026, 6, 30),
    )
    task = matters.task_add(
        actor=c.supervisor,
        parent=matter.item,
        title="Tender",
        description="",
        lead_node=c.town1,
        assisting_nodes=[c.town2],
        final_deadline=date(2026, 5, 30),
        milestones=[],
    )
    loop.item_report_progress(item=task, actor=c.town1_officer, percent=40, comment="Started.")
    loop.extension_request(
        item=task, actor=c.town1_officer, new_deadline=date(2026, 6, 10), reason="Rain."
    )
    loop.calendar_day_save(day=date(2026, 4, 6), is_working=False, note="local", actor=c.admin)
    loop.kind_setting_save(
        kind="matters.task",
        yellow_days=3,
        behind_margin=10,
        remind_days_before=2,
        escalate_every_days=3,
        actor=c.admin,
    )
    report = verify_ledger()
    assert [str(m) for m in report.mismatches] == []
    return c


class _Undo(Exception):
    pass


def _changed_value(field: models.Field, current, data: st.DataObject):
    """A different value of the column's own type (in Python; the field prepares it)."""
    if isinstance(field, models.ForeignKey):
        others = list(
            field.related_model._default_manager.exclude(pk=current)
            .order_by("pk")
            .values_list("pk", flat=True)[:5]
        )
        choices = [*others, *([None] if field.null and current is not None else [])]
        if not choices:
            return _SKIP
        return data.draw(st.sampled_from(choices))
    if isinstance(field, models.BooleanField):
        return not current if current is not None else True
    if isinstance(field, models.DateTimeField):
        base = current or datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
        return base + datetime.timedelta(hours=data.draw(st.integers(1, 500)))
    if isinstance(field, models.DateField):
        return (current or date(2026, 1, 5)) + datetime.timedelta(
            days=data.draw(st.integers(1, 50))
        )
    if isinstance(field, models.FloatField):
        return (current or 0) + data.draw(st.integers(1, 9)) / 2
    if isinstance(field, models.IntegerField):
        return (current or 0) + data.draw(st.integers(1, 9))
    if isinstance(field, models.JSONField):
        return data.draw(
            st.dictionaries(st.sampled_from("xyz"), st.integers(0, 9), min_size=1, max_size=2)
        )
    if isinstance(field, models.CharField | models.TextField):
        limit = min(field.max_length or 12, 12)
        value = data.draw(st.text(alphabet="abcxyz/-", min_size=1, max_size=limit))
        return value if value != current else value[:-1] + ("a" if value[-1] != "a" else "b")
    return _SKIP


_SKIP = object()


def _edit(model, row, field, value) -> None:
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ops.quote_name(model._meta.db_table)} SET {ops.quote_name(field.column)} = %s"
            f" WHERE {ops.quote_name(model._meta.pk.column)} = %s",
            [field.get_db_prep_save(value, connection), row.pk],
        )


def _editable_targets():
    models_ = [model_for(kind.type) for kind in traced_kinds()]
    return [m for m in [*models_, *CHILDREN] if m._default_manager.exists()]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_single_column_edit_behind_the_platform_s_back_is_named(traced_county, data):
    editable = _editable_targets()
    assert len(editable) >= 8  # every traced model of the fixture, and the item's children
    model = data.draw(st.sampled_from(editable), label="model")
    rows = list(model._default_manager.order_by("pk")[:20])
    row = data.draw(st.sampled_from(rows), label="row")
    owner_type, link = CHILDREN.get(model, (model._meta.label_lower, "pk"))
    skipped = DERIVED.get(owner_type, set()) if model not in CHILDREN else set()
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in skipped and f.name not in skipped
    ]
    field = data.draw(st.sampled_from(fields), label="field")
    value = _changed_value(field, getattr(row, field.attname), data)
    if value is _SKIP:
        return
    owner = str(getattr(row, link))
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    _edit(model, row, field, value)
            except IntegrityError:
                raise _Undo from None  # the database itself refuses this edit
            stored = model._default_manager.filter(pk=row.pk).values_list(field.attname, flat=True)
            if list(stored) == [getattr(row, field.attname)]:
                raise _Undo  # the database stored the same value (a rounding): nothing changed
            report = verify_ledger()
            table = model_for(owner_type)._meta.db_table
            named = [m for m in report.mismatches if m.table == table and m.row == owner]
            assert named, f"{model.__name__}.{field.name} edited: {report.mismatches}"
            expected = field.attname if model not in CHILDREN else str(row.pk)
            assert any(expected in m.message or field.name in m.message for m in named), named
            raise _Undo
    except _Undo:
        pass


def test_it_names_a_row_without_a_leaf_and_a_leaf_whose_row_is_gone(traced_county):
    c = traced_county
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orgs_role SET data_scope = %s WHERE id = %s", ["all", c.role_town.pk]
        )
    role = Role.objects.get(pk=c.role_town.pk)
    report = verify_ledger()
    assert any(
        m.table == "orgs_role" and m.row == str(role.pk) and "data_scope" in m.message
        for m in report.mismatches
    )
    # A role deleted behind the platform's back; an account's role given through SQL.
    spare = Role.objects.create(key="spare", name="Spare")  # no service: no leaf
    account = Account.objects.get(pk=c.town1_officer.pk)
    account.roles.through.objects.create(account_id=account.pk, role_id=c.role_supervisor.pk)
    node = OrgNode.objects.get(pk=c.village1a.pk)
    item = WorkItem.objects.filter(parent__isnull=False).first()
    event = Event.objects.filter(item=item).first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM loop_event WHERE id = %s", [event.pk])
        cursor.execute("DELETE FROM orgs_role_listed_nodes WHERE role_id = %s", [role.pk])
    OrgNode.objects.filter(pk=node.pk).update(name="Elsewhere")
    report = verify_ledger()
    found = {(m.table, m.row): m.message for m in report.mismatches}
    assert found[("orgs_role", str(spare.pk))] == "no ledger entry records this row"
    assert "roles" in found[("orgs_account", str(account.pk))]
    assert str(event.pk) in found[("loop_workitem", str(item.pk))]
    assert "name" in found[("orgs_orgnode", str(node.pk))]
    # The row a leaf recorded, deleted.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM orgs_role_listed_nodes WHERE role_id = %s", [spare.pk])
        cursor.execute("DELETE FROM orgs_role WHERE id = %s", [spare.pk])
        cursor.execute("DELETE FROM loop_event WHERE item_id = %s", [item.pk])
        cursor.execute("DELETE FROM loop_attachment WHERE item_id = %s", [item.pk])
        cursor.execute("DELETE FROM loop_coowner WHERE item_id = %s", [item.pk])
        cursor.execute("DELETE FROM loop_extensionrequest WHERE item_id = %s", [item.pk])
        cursor.execute("DELETE FROM loop_reminder WHERE item_id = %s", [item.pk])
        cursor.execute("DELETE FROM loop_workitem WHERE id = %s", [item.pk])
    report = verify_ledger()
    found = {(m.table, m.row): m.message for m in report.mismatches}
    assert (
        found[("loop_workitem", str(item.pk))] == "the row recorded at this leaf no longer exists"
    )
