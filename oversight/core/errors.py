"""The project's error answers (``handler400``/``403``/``404``/``500``): translated pages for
people, and JSON for the API so its clients always get the content type its schema documents."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults


def _for_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _for_api(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    if isinstance(exception, TooManyFilesSent):
        message = _("At most %(count)d files can be sent at once. Send fewer files.") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    elif isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        message = _("The form sent too much data. Shorten the text or send fewer items.")
    else:
        message = _("The request could not be understood. Check what was entered and try again.")
    return render(request, "400.html", {"message": message}, status=400)


def permission_denied(request, exception=None):
    if _for_api(request):
        return JsonResponse(
            {"detail": _("You do not have permission to perform this action.")}, status=403
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _for_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _for_api(request):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    # Rendered without the request: the frame's menu reads the database, which may be the fault.
    return HttpResponse(render_to_string("500.html"), status=500)
