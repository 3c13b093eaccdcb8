"""The frame's own page: health. (The workbench is the loop's, the dictionaries' pages are
orgs'.)"""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import selectors


@never_cache
@require_GET
def healthz(request):
    healthy, report = selectors.health()
    return JsonResponse(report, status=200 if healthy else 503)
