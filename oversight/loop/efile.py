"""The electronic file (电子档案, C4): a work item with all its descendants as one ZIP.

summary.docx            a readable summary: each item, its units, deadlines, timeline
events.json             the full event history of every item, machine-readable
evidence/<item>/<name>  every attachment as uploaded
documents/<name>        every formal document issued for these items
manifest.json           SHA-256 and size of every other file in the package

Several files at once (``build_many``) are one ZIP with each item's file in its own folder.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document as WordDocument

from .models import Attachment, Event, WorkItem
from .selectors import descendants


def _item_record(item: WorkItem, names: dict | None = None) -> dict:
    """One item of the file. ``names`` are the names the file was fixed with (see
    ``fixed_content``); without them, names are read as they are now."""
    names = names or {}
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "state": item.state,
        "parent": item.parent_id,
        "responsible_node_id": item.responsible_node_id,
        "responsible_unit": names.get(("node", item.responsible_node_id))
        or item.responsible_node.name,
        "supervising_node_id": item.supervising_node_id,
        "supervising_node": names.get(("node", item.supervising_node_id))
        or item.supervising_node.name,
        "assignee_id": item.assignee_id,
        "assignee": (names.get(("account", item.assignee_id)) or item.assignee.username)
        if item.assignee
        else None,
        "opened_at": item.opened_at.isoformat(),
        "closed_at": item.closed_at.isoformat() if item.closed_at else None,
        "final_deadline": str(item.final_deadline) if item.final_deadline else None,
        "progress": item.progress,
        "light": item.light,
    }


def _event_record(event: Event) -> dict:
    return {
        "id": event.pk,
        "item": event.item_id,
        "at": event.at.isoformat(),
        "type": event.type,
        "actor": event.actor_name,
        "transition": event.transition,
        "from": event.from_state,
        "to": event.to_state,
        "comment": event.comment,
        "data": event.data,
        "attachments": [a.pk for a in event.attachments.all()],
    }


def _summary(items: list[WorkItem], events: dict[int, list[Event]]) -> bytes:
    doc = WordDocument()
    doc.add_heading(_("Electronic file: %(title)s") % {"title": items[0].title}, level=0)
    doc.add_paragraph(
        _("Exported on %(time)s") % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    )
    for item in items:
        depth = item.tree_path.count("/") - items[0].tree_path.count("/")
        doc.add_heading(f"{item.kind_label}: {item.title}", level=min(1 + depth, 4))
        facts = doc.add_table(rows=0, cols=2)
        for label, value in [
            (_("state"), item.state_label),
            (_("responsible unit"), item.responsible_node.name),
            (_("supervising node"), item.supervising_node.name),
            (_("final deadline"), str(item.final_deadline or "—")),
            (_("progress (%)"), str(item.progress)),
            (_("opened"), timezone.localtime(item.opened_at).strftime("%Y-%m-%d %H:%M")),
            (
                _("closed"),
                timezone.localtime(item.closed_at).strftime("%Y-%m-%d %H:%M")
                if item.closed_at
                else "—",
            ),
        ]:
            cells = facts.add_row().cells
            cells[0].text, cells[1].text = str(label), value
        if item.description:
            doc.add_paragraph(item.description)
        for event in events.get(item.pk, []):
            when = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")
            who = event.actor_display or _("system")
            line = f"{when}  {who}  {event.describe(item.workflow)}"
            if event.comment:
                line += f"：{event.comment}"
            doc.add_paragraph(line, style="List Bullet")
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def build(*, item: WorkItem, viewer) -> tempfile.SpooledTemporaryFile:
    """The ZIP of ``item`` (already fetched through a scoped selector) and those of its
    descendants ``viewer`` may see: a child outside the viewer's scope is left out with its
    events, evidence and documents, as its own page would answer 404."""
    package = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    with zipfile.ZipFile(package, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write(archive, item=item, viewer=viewer, prefix="")
    package.seek(0)
    return package


BATCH_LIMIT = 50


def build_many(*, items: list[WorkItem], viewer) -> tempfile.SpooledTemporaryFile:
    """Several electronic files as one ZIP (批量导出): each chosen item's file in its own folder
    ``work-item-<id>/``, exactly as its single export would hold it (the same scope rule for
    its descendants, its own manifest). ``items`` come from the viewer's scoped selector."""
    package = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)
    with zipfile.ZipFile(package, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in sorted(items, key=lambda i: i.pk):
            _write(archive, item=item, viewer=viewer, prefix=f"work-item-{item.pk}/")
    package.seek(0)
    return package


def _write(archive: zipfile.ZipFile, *, item: WorkItem, viewer, prefix: str) -> None:
    from .selectors import item_scope

    items = list(
        descendants(item)
        .filter(item_scope(viewer))
        .select_related("responsible_node", "supervising_node", "assignee")
    )
    ids = [i.pk for i in items]
    events: dict[int, list[Event]] = {}
    for event in (
        Event.objects.filter(item_id__in=ids)
        .select_related("actor__person")
        .prefetch_related("attachments")
        .order_by("at", "id")
    ):
        events.setdefault(event.item_id, []).append(event)
    manifest: dict[str, dict] = {}

    def put(name: str, data: bytes) -> None:
        archive.writestr(prefix + name, data)
        manifest[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    put("summary.docx", _summary(items, events))
    history = {
        "items": [_item_record(i) for i in items],
        "events": [_event_record(e) for i in items for e in events.get(i.pk, [])],
    }
    put("events.json", json.dumps(history, ensure_ascii=False, indent=2).encode("utf-8"))
    for attachment in Attachment.objects.filter(item_id__in=ids).order_by("id"):
        with attachment.file.open("rb") as handle:
            put(
                f"evidence/{attachment.item_id}/{attachment.pk}-{attachment.name}",
                handle.read(),
            )
    for name, data in _documents(ids, viewer):
        put(f"documents/{name}", data)
    archive.writestr(
        prefix + "manifest.json",
        json.dumps(
            {"root_item": item.pk, "files": manifest},
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        ),
    )


def _documents(item_ids: list[int], viewer):
    """Formal documents issued for these items."""
    from oversight.documents.models import Document

    for document in Document.objects.filter(
        target_type="loop.workitem", target_id__in=[str(i) for i in item_ids]
    ):
        with document.file.open("rb") as handle:
            yield f"{document.pk}-{document.file.name.rsplit('/', 1)[-1]}", handle.read()


FILE_RECORD = "loop.efile"  # the ledger's record type of a closed item's electronic file


def _frozen_names(fixed: dict | None) -> dict:
    """The names a fixed file recorded, by (node|account, id): a unit renamed or an account
    renamed later, through the platform, does not change what was fixed."""
    names: dict = {}
    for record in (fixed or {}).get("items", []):
        if not isinstance(record, dict) or "responsible_node_id" not in record:
            continue  # a file fixed before the ids were recorded: names are read live
        names[("node", record["responsible_node_id"])] = record.get("responsible_unit")
        names[("node", record.get("supervising_node_id"))] = record.get("supervising_node")
        if record.get("assignee_id") is not None:
            names[("account", record["assignee_id"])] = record.get("assignee")
    return names


def fixed_content(item_id: str | int, fixed: dict | None = None) -> dict | None:
    """What a closed item's electronic file fixes in the ledger: the whole tree's items and
    every event, as they are now, with the names of units and accounts as they were when the
    file was fixed (``fixed``, the content the ledger holds; none when fixing). ``verify_ledger``
    compares it with the fixed leaf, so a closed file edited behind the platform's back is
    named, while renaming a unit or an account through the platform is not a change of it."""
    item = (
        WorkItem.objects.filter(pk=int(item_id))
        .select_related("responsible_node", "supervising_node", "assignee")
        .first()
    )
    if item is None:
        return None
    items = list(
        descendants(item).select_related("responsible_node", "supervising_node", "assignee")
    )
    events = (
        Event.objects.filter(item_id__in=[i.pk for i in items])
        .prefetch_related("attachments")
        .order_by("at", "id")
    )
    attachments = Attachment.objects.filter(item_id__in=[i.pk for i in items]).order_by("id")
    names = _frozen_names(fixed)
    return {
        "items": [_item_record(i, names) for i in items],
        "events": [_event_record(e) for e in events],
        "evidence": [
            {"id": a.pk, "item": a.item_id, "name": a.name, "sha256": a.sha256, "size": a.size}
            for a in attachments
        ],
    }
