"""QR posters of windows and units, as pages and files."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from oversight.orgs.access import require_perm
from oversight.orgs.selectors import node_get

from .. import posters, selectors
from ..forms import (
    PosterForm,
)


@require_perm("public:poster:print")
def poster_page(request):
    form = PosterForm(request.GET or None, viewer=request.user)
    nodes = []
    if not posters.public_address_configured():
        context = {"form": form, "nodes": [], "unconfigured": settings.PUBLIC_SITE_URL}
        return render(request, "public/staff/posters.html", context)
    if form.is_bound and form.is_valid():
        nodes = list(
            selectors.poster_nodes(viewer=request.user, under=form.cleaned_data["under"])[:500]
        )
        if request.GET.get("download") == "zip":
            content = posters.bulk_zip(
                nodes, fmt=form.cleaned_data["format"], size=form.cleaned_data["size"]
            )
            response = HttpResponse(content, content_type="application/zip")
            response["Content-Disposition"] = 'attachment; filename="qr-posters.zip"'
            return response
    return render(request, "public/staff/posters.html", {"form": form, "nodes": nodes})


@require_perm("public:poster:print")
def poster_file(request, pk: int, size: str, fmt: str):
    node = node_get(viewer=request.user, pk=pk)
    if size not in posters.SIZES or fmt not in ("svg", "png"):
        raise Http404
    if not posters.public_address_configured():
        return HttpResponse(
            _("The public address (PUBLIC_SITE_URL) is not configured; no poster is made."),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    content, content_type = posters.render(node, fmt=fmt, size=size)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{node.code}-{size}.{fmt}"'
    return response
