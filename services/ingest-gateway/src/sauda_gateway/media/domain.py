"""Pure decisions of a media upload: the file's type and size against Meta's limits, the
request's fingerprint, and the refusals."""

import hashlib
from dataclasses import dataclass

from sauda_contracts.media import UPLOADABLE, mime_of, upload_limit
from sauda_contracts.sends import MEDIA_RULES, MediaKind
from sauda_gateway.domain import Conflict, MissingField, NotFound, TooLarge, UnsupportedType

GENERIC = frozenset({"", "application/octet-stream", "binary/octet-stream"})
ALIASES = {"image/jpg": "image/jpeg", "video/3gp": "video/3gpp", "audio/mp3": "audio/mpeg"}


class UnsupportedMediaType(UnsupportedType, code="unsupported_media_type", field="file"): ...


class MediaTooLarge(TooLarge, code="media_too_large", field="file"): ...


class MediaStillUploading(Conflict, code="media_upload_pending", field="media_file"):
    """The file is not on WhatsApp yet: retry with the same Idempotency-Key to send it."""


def unfit_for(kind: MediaKind, mime: str) -> str | None:
    """Why a file of this MIME type cannot go as a `kind` message, or None."""
    rule = MEDIA_RULES[kind]
    if mime in rule.mime_types:
        return None
    return f"a {kind.value} message carries {', '.join(rule.mime_types)}, not {mime}"


class UploadNotFound(NotFound, code="upload_not_found", message="no such upload"): ...


class UploadKeyReused(
    Conflict,
    code="idempotency_key_reused",
    message="this Idempotency-Key was already used to upload another file",
    field="Idempotency-Key",
): ...


@dataclass(frozen=True)
class Upload:
    """A file as received, checked: what the notifier will hand Meta."""

    mime_type: str
    filename: str | None
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


# The MIME type a file name's extension stands for (for a part sent as a bare octet stream).
_OFFICE = "application/vnd.openxmlformats-officedocument."
BY_EXTENSION = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp",
    "mp4": "video/mp4", "3gp": "video/3gpp", "3gpp": "video/3gpp", "aac": "audio/aac",
    "amr": "audio/amr", "mp3": "audio/mpeg", "m4a": "audio/mp4", "ogg": "audio/ogg",
    "opus": "audio/ogg", "pdf": "application/pdf", "txt": "text/plain",
    "doc": "application/msword", "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint", "docx": _OFFICE + "wordprocessingml.document",
    "xlsx": _OFFICE + "spreadsheetml.sheet", "pptx": _OFFICE + "presentationml.presentation",
}  # fmt: skip


def _by_extension(filename: str | None) -> str | None:
    name = (filename or "").strip()
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return BY_EXTENSION.get(extension)


def file_type(content_type: str | None, filename: str | None) -> str:
    """The file's MIME type: the part's Content-Type, or (sent as a bare octet stream) the one
    its file name's extension names."""
    mime = ALIASES.get(mime_of(content_type), mime_of(content_type))
    if mime in GENERIC:
        mime = _by_extension(filename) or mime
    return mime


def checked_upload(
    content_type: str | None, filename: str | None, data: bytes | None, *, field: str = "file"
) -> Upload:
    """The file if Meta would take it: a type no message can carry is 415
    `unsupported_media_type`, one over its type's limit 413 `media_too_large` (naming `field`)."""
    if data is None:
        raise MissingField(f"{field} is required: the file, as a multipart/form-data part",
                           field=field)  # fmt: skip
    mime = file_type(content_type, filename)
    limit = upload_limit(mime)
    if limit is None:
        raise UnsupportedMediaType(
            f"WhatsApp cannot send a file of type {mime or 'unknown'}; it takes "
            f"{', '.join(UPLOADABLE)}",
            field=field,
            details={"mime_type": mime or None, "supported": list(UPLOADABLE)},
        )
    if not data:
        raise MissingField(f"{field} is empty", field=field)
    if len(data) > limit:
        raise MediaTooLarge(
            f"the file is {len(data)} bytes; WhatsApp takes a {mime} file of at most {limit} bytes",
            field=field,
            details={"size": len(data), "max_bytes": limit, "mime_type": mime},
        )
    # A name is kept as text: no NUL (Postgres stores none), at most 240 characters.
    cleaned = (filename or "").replace("\x00", "").strip()[:240]
    name = cleaned or None
    return Upload(mime, name, data, hashlib.sha256(data).hexdigest())
