"""Headers every page of the platform carries (the public pages set stricter ones themselves)."""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class StaffPageHeaders:
    """A Content-Security-Policy on every answer that has none (scripts only from the platform
    itself: no inline script, nothing from elsewhere), and ``Cache-Control: no-store`` on every
    answer to a signed-in person, so that supervision data never stays in the cache of a shared
    computer's browser (pages, exports and downloads alike)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/orgs/login"):
            add_never_cache_headers(response)
        return response


class SecureCookiesOverHttps:
    """Mark every cookie Secure on an answer to an HTTPS request (directly, or through a proxy
    named by ``SECURE_PROXY_SSL_HEADER``): the session, CSRF, language and public-channel cookies
    then never travel over plain HTTP, without anyone having to remember ``SECURE_COOKIES``.
    First in the middleware list, so it sees the cookies every other one set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.is_secure():
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response
