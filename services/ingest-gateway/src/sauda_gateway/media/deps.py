"""What the media routes (Sauda's and the Wabotick-compatible ones) ask of FastAPI."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends

from sauda_contracts.sends import MediaKind
from sauda_gateway.api.deps import (
    CorrelationDep,
    OutboxDep,
    PoolDep,
    SendWaiterDep,
    SettingsDep,
    WhatsAppDep,
)
from sauda_gateway.domain import Business
from sauda_gateway.media import handlers
from sauda_gateway.media.domain import UnsupportedMediaType, checked_upload, unfit_for
from sauda_gateway.media.multipart import FilePart
from sauda_gateway.media.store import MediaUploads


@dataclass(frozen=True)
class _Media:
    accounts: WhatsAppDep
    pool: PoolDep
    outbox: OutboxDep
    waiter: SendWaiterDep
    settings: SettingsDep
    correlation_id: CorrelationDep

    @property
    def uploads(self) -> MediaUploads:
        return MediaUploads(self.pool)

    async def upload(
        self,
        part: FilePart | None,
        business: Business,
        raw_key: str | None,
        *,
        field: str = "file",
        kind: MediaKind | None = None,
    ) -> handlers.Uploaded:
        """Upload the file part (named `field` in the form); with `kind`, it must fit that
        message type (415 otherwise)."""
        upload = checked_upload(part.content_type if part else None,
                                part.filename if part else None, part.data if part else None,
                                field=field)  # fmt: skip
        if kind is not None and (why := unfit_for(kind, upload.mime_type)) is not None:
            raise UnsupportedMediaType(f"{field}: {why}", field=field)
        return await handlers.upload_media(
            upload, business=business, raw_key=raw_key, correlation_id=self.correlation_id,
            accounts=self.accounts, uploads=self.uploads, waiter=self.waiter,
            wake_relay=self.outbox.wake, wait_seconds=self.settings.whatsapp_send_wait_ms / 1000,
        )  # fmt: skip

    async def find(self, business: Business, raw: str) -> dict[str, Any]:
        return await handlers.find_upload(business, raw, uploads=self.uploads)


MediaDep = Annotated[_Media, Depends()]
