"""Media as Meta's Cloud API limits it: the MIME types and sizes per message type, the upload
rules, the media object of a send, and the download URL's signature.

Limits follow Meta's "supported media types" table (mirrored by AWS's and BSPs' docs): image
JPEG/PNG ≤ 5 MB; sticker WebP ≤ 100 KB static, ≤ 500 KB animated; audio AAC/AMR/MP3/M4A/OGG
≤ 16 MB; video MP4/3GPP ≤ 16 MB; documents (PDF, text, Office) ≤ 100 MB.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol

from sauda_sandbox.domain.graph import GraphError

KB, MB = 1024, 1024 * 1024
MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")

DOCUMENT_MIMES = (
    "text/plain",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/pdf",
)
AUDIO_MIMES = ("audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg", "audio/opus")
# message type -> (MIME types it may carry, largest file)
LIMITS: dict[str, tuple[tuple[str, ...], int]] = {
    "image": (("image/jpeg", "image/png"), 5 * MB),
    "audio": (AUDIO_MIMES, 16 * MB),
    "video": (("video/mp4", "video/3gpp", "video/3gp"), 16 * MB),
    "document": (DOCUMENT_MIMES, 100 * MB),
    "sticker": (("image/webp",), 500 * KB),
}
STATIC_STICKER_LIMIT = 100 * KB
# What the upload endpoint accepts, in the order Meta's refusal lists them.
UPLOADABLE = (
    "audio/aac", "audio/mp4", "audio/mpeg", "audio/amr", "audio/ogg", "audio/opus",
    "application/vnd.ms-powerpoint", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/pdf", "text/plain", "application/vnd.ms-excel",
    "image/jpeg", "image/png", "image/webp", "video/mp4", "video/3gpp",
)  # fmt: skip
CAPTIONED = frozenset({"image", "video", "document"})
URL_LIFETIME = 5 * 60  # Meta's media URLs expire after five minutes


def mime_of(content_type: str | None) -> str:
    """The bare MIME type of a Content-Type (`audio/ogg; codecs=opus` → `audio/ogg`)."""
    return (content_type or "").split(";")[0].strip().lower()


def upload_limit(mime: str) -> int:
    """The largest file of this MIME type that any message type can carry."""
    return max(size for mimes, size in LIMITS.values() if mime in mimes)


def check_upload(content_type: str | None, size: int) -> str:
    """An upload's MIME type if Meta accepts the file: any other type is 100, as Meta words it;
    a file over its type's limit is 131053; an empty one 100."""
    mime = mime_of(content_type)
    if mime == "video/3gp":
        mime = "video/3gpp"
    if mime not in UPLOADABLE:
        raise GraphError(
            100,
            "Param file must be a file with one of the following types: "
            f"{', '.join(UPLOADABLE)}. Received file of type '{mime or 'application/octet-stream'}'.",
        )
    if size == 0:
        raise GraphError(100, "Param file must be a non-empty file.")
    limit = upload_limit(mime)
    if size > limit:
        raise GraphError(
            131053, f"Media file of {size} bytes is over the {limit} byte limit for {mime}."
        )
    return mime


def is_animated_webp(head: bytes) -> bool:
    """A WebP whose extended header (VP8X) sets the animation flag."""
    return (
        len(head) > 20
        and head[:4] == b"RIFF"
        and head[8:12] == b"WEBP"
        and head[12:16] == b"VP8X"
        and bool(head[20] & 0x02)
    )


def unfit(message_type: str, mime: str, size: int, head: bytes) -> str | None:
    """Why a file cannot go out as this message type (Meta fails the send with 131053), or None."""
    mimes, limit = LIMITS[message_type]
    if mime not in mimes:
        return f"A {message_type} message cannot carry {mime}; it takes {', '.join(mimes)}."
    if message_type == "sticker" and not is_animated_webp(head):
        limit = STATIC_STICKER_LIMIT
    if size > limit:
        return f"The {message_type} is {size} bytes, over the {limit} byte limit."
    return None


class MediaObjectShape(Protocol):
    @property
    def id(self) -> str | None: ...
    @property
    def link(self) -> str | None: ...
    @property
    def caption(self) -> str | None: ...
    @property
    def filename(self) -> str | None: ...
    @property
    def voice(self) -> bool | None: ...


def check_media_object(message_type: str, media: MediaObjectShape) -> None:
    """A media object names its file once (`id` or `link`) and carries only what its type may."""
    if media.id is None and media.link is None:
        raise GraphError(
            131008, f"The parameter {message_type}.id or {message_type}.link is required."
        )
    if media.id is not None and media.link is not None:
        raise GraphError(100, f"Param {message_type} must have either id or link, not both.")
    if media.link is not None and not media.link.startswith(("https://", "http://")):
        raise GraphError(100, f"Param {message_type}.link must be an http(s) URL.")
    if media.caption is not None and message_type not in CAPTIONED:
        raise GraphError(100, f"Param {message_type}.caption is not allowed for {message_type}.")
    if media.filename is not None and message_type != "document":
        raise GraphError(100, f"Param {message_type}.filename is only allowed for documents.")
    if media.voice is not None and message_type != "audio":
        raise GraphError(100, f"Param {message_type}.voice is only allowed for audio.")


@dataclass(frozen=True)
class MediaFile:
    """An uploaded (or fetched) file, held for its WABA's numbers."""

    id: str
    waba_id: str
    phone_number_id: str
    mime_type: str
    sha256: str  # hex, as Graph's media endpoint gives it
    data: bytes
    filename: str | None = None

    @property
    def file_size(self) -> int:
        return len(self.data)

    def info(self, url: str) -> dict[str, str | int]:
        """`GET /{media_id}`: where to download it and what it is."""
        return {
            "messaging_product": "whatsapp",
            "url": url,
            "mime_type": self.mime_type,
            "sha256": self.sha256,
            "file_size": self.file_size,
            "id": self.id,
        }


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def webhook_sha256(hex_digest: str) -> str:
    """The file hash as inbound media webhooks carry it (base64)."""
    return base64.b64encode(bytes.fromhex(hex_digest)).decode()


def url_hash(secret: str, media_id: str, expires: int) -> str:
    digest = hmac.new(secret.encode(), f"{media_id}:{expires}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:18]).decode()


def download_query(secret: str, media_id: str, now: int) -> str:
    """The query of a media download URL (shaped like Meta's `?mid=…&ext=…&hash=…`)."""
    expires = now + URL_LIFETIME
    return f"mid={media_id}&ext={expires}&hash={url_hash(secret, media_id, expires)}"


def check_download(secret: str, media_id: str, expires: int, given: str, now: int) -> bool:
    """Is a download URL one the sandbox made, and not expired?"""
    return now < expires and hmac.compare_digest(given, url_hash(secret, media_id, expires))
