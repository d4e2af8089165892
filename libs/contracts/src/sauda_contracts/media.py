"""Media uploads: a merchant's file put on Meta's servers for a `media_id`, by the notifier.

Topics:
- `whatsapp.outbound.v1` (key: the business id): `UploadMedia`, the gateway asking the notifier
  to upload a file the gateway holds (`gateway.media_uploads`, read by its upload id and
  checked against its sha256) to Meta's `POST /{phone_number_id}/media`, once.
- `notifier.events.v1` (key: the business id): `MediaUploaded`, what came of it: Meta's media
  id, or Meta's error.

The file never travels on Kafka (Meta allows 100 MB documents; a record is ~1 MB): the command
names it. The limits are Meta's, from `sends.MEDIA_RULES`: an upload is refused before anything
is stored when no message type can carry its MIME type, or it is over that type's size.
"""

from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID, uuid5

from pydantic import Field

from sauda_contracts.envelope import Contract, Envelope
from sauda_contracts.sends import MEDIA_RULES, MediaKind

UPLOAD_NAMESPACE = UUID("0d7f5b8e-4a8c-5f1e-b5a9-6c3e2f9d1a47")
SHA256 = r"^[0-9a-f]{64}$"
MIME = r"^[a-z0-9.+\-]{1,60}/[a-z0-9.+\-]{1,100}$"


def upload_id_for(business_id: UUID, idempotency_key: str) -> UUID:
    """An upload's id, from its business and the request's key: a retried upload names the
    same upload (and is never sent to Meta twice)."""
    return uuid5(UPLOAD_NAMESPACE, f"upload:{business_id}:{idempotency_key}")


def upload_command_id(upload_id: UUID) -> UUID:
    """The one UploadMedia an upload becomes: the notifier claims it by this id."""
    return uuid5(UPLOAD_NAMESPACE, f"command:{upload_id}")


def mime_of(content_type: str | None) -> str:
    """The bare MIME type of a Content-Type (`audio/ogg; codecs=opus` → `audio/ogg`)."""
    return (content_type or "").split(";")[0].strip().lower()


def uploadable_kinds(mime: str) -> tuple[MediaKind, ...]:
    """The message types that can carry a file of this MIME type (none: Meta refuses it)."""
    return tuple(kind for kind, rule in MEDIA_RULES.items() if mime in rule.mime_types)


def upload_limit(mime: str) -> int | None:
    """The largest file of this MIME type any message type can carry (None: not uploadable)."""
    sizes = [MEDIA_RULES[kind].max_bytes for kind in uploadable_kinds(mime)]
    return max(sizes) if sizes else None


UPLOADABLE: tuple[str, ...] = tuple(
    sorted({mime for rule in MEDIA_RULES.values() for mime in rule.mime_types})
)
MAX_UPLOAD_BYTES = max(rule.max_bytes for rule in MEDIA_RULES.values())


# --- whatsapp.outbound.v1 ---


class UploadMediaBody(Contract):
    upload_id: UUID = Field(description="Sauda's id of the upload (gateway.media_uploads).")
    mime_type: str = Field(pattern=MIME, description="The file's MIME type, as Meta is told.")
    size: int = Field(ge=1, le=MAX_UPLOAD_BYTES, description="The file's size in bytes.")
    sha256: str = Field(pattern=SHA256, description="Hex SHA-256 of the file: what is uploaded.")
    filename: str | None = Field(default=None, max_length=240, description="The file's name.")


class UploadMedia(Envelope):
    """Upload a file the gateway holds to Meta for the business's number, once."""

    type: Literal["UploadMedia"] = "UploadMedia"
    body: UploadMediaBody


# --- notifier.events.v1 ---


class UploadError(Contract):
    """Why Meta did not take the file (its error code and message, as `whatsapp.GraphError`)."""

    code: int = Field(description="Meta's error code (131053: the file is unfit), or HTTP's.")
    title: str = Field(default="", max_length=500, description="Meta's message.")


class UploadStatus(StrEnum):
    PENDING = "pending"  # asked of the notifier, no answer yet
    UPLOADED = "uploaded"  # Meta holds it under `media_id`
    FAILED = "failed"  # Meta (or the notifier) refused it: `error`


class MediaUploadedBody(Contract):
    upload_id: UUID
    status: Literal[UploadStatus.UPLOADED, UploadStatus.FAILED]
    media_id: str | None = Field(default=None, max_length=256, description="Meta's media id.")
    error: UploadError | None = Field(default=None, description="Why it was not uploaded.")
    uploaded_at: datetime = Field(description="When the notifier had Meta's answer.")


class MediaUploaded(Envelope):
    """What came of an UploadMedia: Meta's media id, or its error."""

    type: Literal["MediaUploaded"] = "MediaUploaded"
    body: MediaUploadedBody


# --- HTTP ---


class MediaUploadOut(Contract):
    """An upload as the API shows it."""

    upload_id: UUID
    status: UploadStatus
    media_id: str | None = Field(default=None, description="Meta's media id, once uploaded: "
                                 "send it as `media.id`.")  # fmt: skip
    mime_type: str
    size: int = Field(description="Bytes.")
    sha256: str
    filename: str | None = None
    kinds: list[MediaKind] = Field(description="The message types that can carry it.")
    error: UploadError | None = None
    created_at: datetime
    uploaded_at: datetime | None = None
