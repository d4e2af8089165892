"""Pure decisions of a media upload: whether the file read is the one the command names, and
the MediaUploaded that tells what came of it."""

import hashlib
from datetime import datetime
from uuid import UUID, uuid5

from sauda_contracts.media import MediaUploadedBody, UploadError, UploadStatus
from sauda_notifier.domain.facts import NAMESPACE


def file_problem(expected_sha256: str, data: bytes | None) -> str | None:
    """Why the file read cannot be uploaded for this command, or None."""
    if data is None:
        return "the file is no longer kept by the gateway"
    if hashlib.sha256(data).hexdigest() != expected_sha256:
        return "the file kept does not match the upload's sha256"
    return None


def uploaded_event_id(upload_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"media-uploaded:{upload_id}")


def outcome(
    upload_id: UUID, *, media_id: str | None, code: int, title: str, now: datetime
) -> MediaUploadedBody:
    """Meta's media id (uploaded), or the error (failed)."""
    if media_id is not None:
        return MediaUploadedBody(upload_id=upload_id, status=UploadStatus.UPLOADED,
                                 media_id=media_id, uploaded_at=now)  # fmt: skip
    return MediaUploadedBody(upload_id=upload_id, status=UploadStatus.FAILED,
                             error=UploadError(code=code, title=title[:500]), uploaded_at=now)  # fmt: skip
