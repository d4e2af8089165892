"""The merchant's media use cases, shared by Sauda's REST and the Wabotick-compatible routes:
upload a file (kept here, put on Meta by the notifier, once per idempotency key) and wait a
moment for Meta's media id; look an upload up."""

import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sauda_contracts import Topic
from sauda_contracts.media import (
    UploadMedia,
    UploadMediaBody,
    UploadStatus,
    upload_command_id,
    upload_id_for,
)
from sauda_gateway import clock
from sauda_gateway.domain import Business, envelope
from sauda_gateway.media.domain import Upload, UploadKeyReused, UploadNotFound
from sauda_gateway.media.store import MediaUploads, shown
from sauda_gateway.merchant.accounts import WhatsAppAccounts
from sauda_gateway.merchant.domain import WhatsAppNotConnected
from sauda_gateway.messaging.domain import idempotency_key
from sauda_gateway.messaging.waiting import SendWaiter
from sauda_runtime.logging import bound_contextvars, get_logger

log = get_logger(__name__)

POLL_SECONDS = 0.5  # the upload's row is read this often too, should a notification be lost


@dataclass(frozen=True)
class Uploaded:
    answer: dict[str, Any]  # a MediaUploadOut
    replayed: bool  # the key was used before with this very file: nothing uploaded again

    @property
    def settled(self) -> bool:
        return self.answer["status"] != UploadStatus.PENDING.value


async def upload_media(
    upload: Upload,
    *,
    business: Business,
    raw_key: str | None,
    correlation_id: str,
    accounts: WhatsAppAccounts,
    uploads: MediaUploads,
    waiter: SendWaiter | None,
    wake_relay: Callable[[], None],
    wait_seconds: float,
) -> Uploaded:
    """Keep the file and its UploadMedia in one statement, wake the relay, and wait a moment
    for the notifier's MediaUploaded (the view folds it and tells the waiter)."""
    if await accounts.of_business(business.business_id) is None:
        raise WhatsAppNotConnected("no WhatsApp number is connected: nothing can be uploaded")
    key = idempotency_key(raw_key, clock.new_id())
    upload_id = upload_id_for(business.business_id, key)
    with bound_contextvars(upload_id=str(upload_id), mime_type=upload.mime_type):
        body = UploadMediaBody(upload_id=upload_id, mime_type=upload.mime_type, size=upload.size,
                               sha256=upload.sha256, filename=upload.filename)  # fmt: skip
        command = UploadMedia(**envelope(business, correlation_id,
                                         event_id=upload_command_id(upload_id), now=clock.now()),
                              body=body)  # fmt: skip
        row = (Topic.WHATSAPP_OUTBOUND.value, str(business.business_id).encode(),
               command.to_bytes())  # fmt: skip
        with waiter.expect(upload_id) if waiter is not None else nullcontext() as expectation:
            new, found = await uploads.record(business_id=business.business_id, key=key,
                                              upload_id=upload_id, upload=upload, command=row)  # fmt: skip
            if found["sha256"] != upload.sha256:
                raise UploadKeyReused(details={"upload_id": str(upload_id)})
            if not new:
                log.info("media_upload_replayed")
                return Uploaded(shown(found), replayed=True)
            wake_relay()
            log.info("media_upload_accepted", size=upload.size)
            if expectation is not None:
                found = await _settled(business.business_id, upload_id, expectation,
                                       uploads, wait_seconds) or found  # fmt: skip
        return Uploaded(shown(found), replayed=False)


async def _settled(
    business_id: UUID, upload_id: UUID, expectation: Any, uploads: MediaUploads, seconds: float
) -> Any:
    """The upload's row once the notifier settled it (its note, or the row read), or None."""
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        note = await expectation.wait(min(remaining, POLL_SECONDS))
        row = await uploads.find(business_id, upload_id)
        if note is not None or (row is not None and row["status"] != UploadStatus.PENDING):
            return row
    return None


async def find_upload(business: Business, raw: str, *, uploads: MediaUploads) -> dict[str, Any]:
    """An upload by Sauda's upload id (or by Meta's media id); another business's is 404."""
    try:
        found = await uploads.find(business.business_id, UUID(raw))
    except ValueError:
        found = await uploads.by_media_id(business.business_id, raw)
    if found is None:
        raise UploadNotFound()
    return shown(found)
