"""Reads of platform-wide data: dictionaries and health."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from .models import DictItem, DictType, Heartbeat


def dict_choices(type_code: str) -> list[tuple[str, str]]:
    """The active items of a dictionary as form choices, labelled in the current language."""
    items = DictItem.objects.filter(
        dict_type__code=type_code, dict_type__is_active=True, is_active=True
    ).order_by("sort", "id")
    return [(item.value, item.display_label) for item in items]


def dict_label(type_code: str, value: str) -> str:
    """The label of one dictionary value, or the value itself when it is not listed."""
    item = DictItem.objects.filter(dict_type__code=type_code, value=value).first()
    return item.display_label if item else value


def dict_labels(type_code: str) -> dict[str, str]:
    """Every value of a dictionary with its label in the current language (one query)."""
    return {
        item.value: item.display_label
        for item in DictItem.objects.filter(dict_type__code=type_code)
    }


def dict_type_list(*, search: str = "") -> QuerySet[DictType]:
    """Dictionary types; they are platform-wide, so no data scope applies."""
    qs = DictType.objects.all()
    if search:
        qs = qs.filter(code__icontains=search) | qs.filter(name__icontains=search)
    return qs.order_by("code")


def health() -> tuple[bool, dict]:
    """The state of the database and of the background worker, and the version."""
    report: dict = {"version": settings.VERSION}
    database_ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        report["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any failure of the database is what health must report
        database_ok = False
        report["database"] = {"ok": False, "error": exc.__class__.__name__}
    worker_ok = False
    if database_ok:
        beat = Heartbeat.objects.filter(name="worker").first()
        if beat is None:
            report["worker"] = {"ok": False, "last_heartbeat": None}
        else:
            age = (timezone.now() - beat.at).total_seconds()
            worker_ok = age <= settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS
            report["worker"] = {
                "ok": worker_ok,
                "last_heartbeat": beat.at.isoformat(),
                "age_seconds": round(age),
            }
    else:
        report["worker"] = {"ok": False, "last_heartbeat": None}
    if database_ok:
        # The supervisor of `manage.py serve` records each child's state, restarts and last exit
        # status; a worker it saw end, or started again, after the last beat is not up (yet),
        # however fresh that beat: a worker is up once it has beaten since it was started.
        processes = {}
        for row in Heartbeat.objects.filter(name__startswith="serve."):
            try:
                state = json.loads(row.detail)
            except ValueError:
                continue
            processes[row.name.removeprefix("serve.")] = {**state, "since": row.at.isoformat()}
            if row.name == "serve.worker" and beat is not None and row.at >= beat.at:
                worker_ok = False
                report["worker"]["ok"] = False
        if processes:
            report["processes"] = processes
    healthy = database_ok and worker_ok
    report["status"] = "ok" if healthy else "unhealthy"
    return healthy, report
