"""The operation log: every state-changing request by a signed-in person, with its outcome."""

from __future__ import annotations

import time

from django.urls import Resolver404, resolve

from .models import OperationLog

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# The public channel never records who sends what (its views also drop the session's user).
PUBLIC_PREFIXES = ("/p/", "/open311/")
SKIPPED_VIEWS = {"set_language", "orgs:login"}


class OperationLogMiddleware:
    """Writes one ``OperationLog`` row per POST/PUT/PATCH/DELETE of an authenticated account.

    Views name their target by setting ``request.operation_target`` to the saved object; the
    action is the view's URL name, shown translated through the log page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in STATE_CHANGING or request.path_info.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        started = time.monotonic()
        error = ""
        try:
            response = self.get_response(request)
        except Exception as exc:
            error = f"{exc.__class__.__name__}: {exc}"[:500]
            self._write(request, 500, started, error)
            raise
        self._write(request, response.status_code, started, error)
        return response

    def _write(self, request, status: int, started: float, error: str) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            view_name = ""
        if view_name in SKIPPED_VIEWS:
            return
        target = getattr(request, "operation_target", None)
        OperationLog.objects.create(
            actor=user,
            actor_name=user.username,
            actor_node_id=user.org_node_id,
            action=view_name or request.path_info[:120],
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            method=request.method,
            url=request.get_full_path()[:500],
            result=OperationLog.Result.SUCCESS
            if status < 400 and not error
            else OperationLog.Result.FAILURE,
            status_code=status,
            elapsed_ms=int((time.monotonic() - started) * 1000),
            message=error,
        )
