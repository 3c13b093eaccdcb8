"""Citizens' attachments: photos, short videos and PDF, judged by their first bytes (a renamed
program is refused), capped in size and count; photos lose their metadata (EXIF may carry the
place and the phone that took them) before they are stored."""

from __future__ import annotations

import hashlib
import struct
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

IMAGE, VIDEO, PDF = "image", "video", "pdf"
KINDS = {
    ".jpg": (IMAGE, "image/jpeg"),
    ".jpeg": (IMAGE, "image/jpeg"),
    ".png": (IMAGE, "image/png"),
    ".webp": (IMAGE, "image/webp"),
    ".gif": (IMAGE, "image/gif"),
    ".mp4": (VIDEO, "video/mp4"),
    ".mov": (VIDEO, "video/quicktime"),
    ".pdf": (PDF, "application/pdf"),
}


def _looks_like(extension: str, head: bytes) -> bool:
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension == ".gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if extension == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if extension in (".mp4", ".mov"):
        return head[4:8] == b"ftyp"
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    return False


def max_bytes(kind: str) -> int:
    return (
        (settings.PUBLIC_VIDEO_MAX_MB if kind == VIDEO else settings.PUBLIC_UPLOAD_MAX_MB)
        * 1024
        * 1024
    )


def request_cap() -> int:
    """The largest request body a public form may send (all files plus the text)."""
    return settings.PUBLIC_UPLOAD_MAX_FILES * max(max_bytes(VIDEO), max_bytes(IMAGE)) + 1024 * 1024


def _strip_jpeg(data: bytes) -> bytes:
    """Drop APP1–APP15 and comment segments (EXIF, XMP, maker notes); keep the image."""
    out, i = [data[:2]], 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            out.append(data[i:])
            return b"".join(out)
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        segment = data[i : i + 2 + length]
        if not (0xE1 <= marker <= 0xEF or marker == 0xFE):
            out.append(segment)
        i += 2 + length
    out.append(data[i:])
    return b"".join(out)


def _strip_png(data: bytes) -> bytes:
    """Drop text and EXIF chunks of a PNG."""
    out, i = [data[:8]], 8
    while i + 8 <= len(data):
        length = struct.unpack(">I", data[i : i + 4])[0]
        kind = data[i + 4 : i + 8]
        chunk = data[i : i + 12 + length]
        if kind not in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"tIME"):
            out.append(chunk)
        i += 12 + length
    return b"".join(out)


def check(files) -> list[tuple[SimpleUploadedFile, str, str]]:
    """Validate every file (all problems at once) and return (file, content type, sha256) with
    photos cleaned of their metadata; raise ValidationError when any is refused."""
    files = list(files or [])
    if len(files) > settings.PUBLIC_UPLOAD_MAX_FILES:
        raise ValidationError(
            _("At most %(count)d files.") % {"count": settings.PUBLIC_UPLOAD_MAX_FILES},
            code="count",
        )
    checked, errors = [], []
    for upload in files:
        name = PurePath(upload.name or "file").name[-100:]
        extension = PurePath(name).suffix.lower()
        if extension not in KINDS:
            errors.append(
                ValidationError(
                    _(
                        "%(name)s: only photos (JPG, PNG, WebP, GIF), short videos (MP4, MOV) and PDF are accepted."
                    )
                    % {"name": name},
                    code="type",
                )
            )
            continue
        kind, content_type = KINDS[extension]
        if upload.size > max_bytes(kind):
            errors.append(
                ValidationError(
                    _("%(name)s is larger than %(limit)d MB.")
                    % {"name": name, "limit": max_bytes(kind) // (1024 * 1024)},
                    code="size",
                )
            )
            continue
        upload.seek(0)
        data = upload.read()
        if not data:
            errors.append(ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty"))
            continue
        if not _looks_like(extension, data[:16]):
            errors.append(
                ValidationError(
                    _("%(name)s is not really a %(ext)s file.")
                    % {"name": name, "ext": extension[1:].upper()},
                    code="content",
                )
            )
            continue
        if extension in (".jpg", ".jpeg"):
            data = _strip_jpeg(data)
        elif extension == ".png":
            data = _strip_png(data)
        checked.append(
            (
                SimpleUploadedFile(name, data, content_type),
                content_type,
                hashlib.sha256(data).hexdigest(),
            )
        )
    if errors:
        raise ValidationError(errors)
    return checked
