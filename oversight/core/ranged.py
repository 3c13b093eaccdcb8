"""A stored file answered with HTTP range requests (RFC 9110 §14): a video's player asks for
the bytes around the point it seeks to (``Range: bytes=1000-``) and gets ``206 Partial
Content`` with just those bytes; a range past the end gets ``416``; no range (or several,
which players do not ask for) gets the whole file, with ``Accept-Ranges: bytes`` saying that
ranges may be asked for. Django's ``FileResponse`` answers every request with the whole file."""

from __future__ import annotations

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _chunks(handle, start: int, length: int):
    try:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def span(header: str, size: int) -> tuple[int, int] | None | bool:
    """The inclusive byte span ``(first, last)`` a ``Range`` header asks of a file of ``size``
    bytes; ``None`` for no usable single range (answer the whole file); ``False`` for a
    range that cannot be satisfied (416)."""
    found = _RANGE.match((header or "").strip())
    if not found:
        return None
    first, last = found.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        n = int(last)
        if n == 0:
            return False
        return max(0, size - n), size - 1
    first_n = int(first)
    last_n = min(int(last), size - 1) if last else size - 1
    if first_n >= size or last_n < first_n:
        return False
    return first_n, last_n


def ranged_file_response(request, fieldfile, *, content_type: str) -> HttpResponse:
    """``fieldfile`` (a stored file) answered whole or by the range the request asks for."""
    size = fieldfile.size
    wanted = span(request.META.get("HTTP_RANGE", ""), size)
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None:
        response = FileResponse(fieldfile.open("rb"), content_type=content_type)
    else:
        first, last = wanted
        response = StreamingHttpResponse(
            _chunks(fieldfile.open("rb"), first, last - first + 1),
            status=206,
            content_type=content_type,
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    return response
