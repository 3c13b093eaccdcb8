"""What every public page shares: privacy headers, no account, a random session cookie for the
rate limits, a cap on the size of what may be posted."""

from __future__ import annotations

import secrets
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import render

from . import uploads
from .ratelimit import SESSION_COOKIE

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def privacy_headers(response):
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["Content-Security-Policy"] = CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def public_page(view):
    """Decorate a public view: it never sees who is signed in (a member of staff filing a
    complaint stays as anonymous as anyone, and the operation log does not name them), posts
    larger than the upload cap are refused before they are read, every response carries the
    privacy headers, and a visitor without a session cookie is given a random one."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.user = AnonymousUser()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if request.method == "POST" and length > uploads.request_cap():
            response = render(request, "public/message.html", {"status": "too_large"}, status=413)
        else:
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                response = render(
                    request, "public/message.html", {"status": "not_found"}, status=404
                )
        if not request.COOKIES.get(SESSION_COOKIE):
            response.set_cookie(
                SESSION_COOKIE,
                secrets.token_hex(16),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return privacy_headers(response)

    # With "Referrer-Policy: no-referrer" browsers send "Origin: null" on form posts, which
    # Django's CSRF check refuses. Nothing here acts for a signed-in person, and a cross-site
    # post carries neither the SameSite=Lax session cookie (so the rate limiter refuses it) nor
    # the SameSite=Strict tracking cookie, which is what CSRF protection would guard.
    wrapper.csrf_exempt = True
    return wrapper
