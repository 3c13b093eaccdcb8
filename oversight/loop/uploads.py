"""Evidence uploads: only images, PDF and Office files, within a size limit, checked by their
first bytes and not only by their name."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# extension -> (content type, accepted leading bytes)
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
ALLOWED = {
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)),
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".doc": ("application/msword", _OLE),
    ".xls": ("application/vnd.ms-excel", _OLE),
    ".ppt": ("application/vnd.ms-powerpoint", _OLE),
}


def check_upload(upload) -> tuple[str, str]:
    """Validate one uploaded file; return its content type and SHA-256, or raise ValidationError."""
    name = PurePath(upload.name).name
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED:
        raise ValidationError(
            _("%(name)s: only images (JPG, PNG, GIF, WebP), PDF and Office files are accepted.")
            % {"name": name},
            code="type",
        )
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is larger than %(limit)d MB.")
            % {"name": name, "limit": limit // (1024 * 1024)},
            code="size",
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    content_type, signatures = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(16)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            _("%(name)s does not look like a %(ext)s file.")
            % {"name": name, "ext": extension[1:].upper()},
            code="content",
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()


def check_uploads(files) -> list[tuple[object, str, str]]:
    """Validate every file, reporting all problems at once; nothing is stored if one is bad."""
    if len(files) > settings.EVIDENCE_MAX_FILES:
        raise ValidationError(
            _("At most %(count)d files at a time.") % {"count": settings.EVIDENCE_MAX_FILES},
            code="count",
        )
    checked, errors = [], []
    for upload in files:
        try:
            checked.append((upload, *check_upload(upload)))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return checked
