"""Checks for uploaded evidence (photos, scans, PDFs): type by extension and content, size limit."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ATTACHMENT_TYPES = {
    # extension: (content type, accepted leading bytes)
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "pdf": ("application/pdf", (b"%PDF-",)),
}


def validate_upload(upload) -> str:
    """The upload's content type; a ValidationError on ``file`` when type, content or size is wrong."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    limit = settings.ATTACHMENT_MAX_BYTES
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError({"file": _("Only JPEG or PNG photos and PDF files can be attached.")})
    if upload.size > limit:
        raise ValidationError({"file": _("The file is %(size).1f MB; the limit is %(limit).0f MB.")
                               % {"size": upload.size / 1048576, "limit": limit / 1048576}})
    content_type, magics = ATTACHMENT_TYPES[ext]
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise ValidationError({"file": _("The file's content does not match its type.")})
    return content_type
