"""Media uploads: the file read (read-only) from the gateway's `media_uploads` by its upload id,
and put on Meta with Graph's `POST /{phone_number_id}/media`."""

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

import asyncpg

from sauda_contracts.whatsapp import GraphError
from sauda_notifier.adapters.graph import GraphClient
from sauda_notifier.domain.facts import Account
from sauda_notifier.domain.retries import SendFailure


@dataclass(frozen=True)
class StoredFile:
    mime_type: str
    filename: str | None
    data: bytes


class MediaUploader(Protocol):
    async def fetch(self, business_id: UUID, upload_id: UUID) -> StoredFile | None: ...

    async def upload(self, account: Account, file: StoredFile) -> str | SendFailure: ...


class GraphMediaUploader:
    def __init__(self, pool: asyncpg.Pool, *, schema: str, graph: GraphClient) -> None:
        self._pool = pool
        self._graph = graph
        self._sql = (
            f'SELECT mime_type, filename, data FROM "{schema}".media_uploads '
            "WHERE business_id = $1 AND upload_id = $2"
        )

    async def fetch(self, business_id: UUID, upload_id: UUID) -> StoredFile | None:
        row = await self._pool.fetchrow(self._sql, business_id, upload_id)
        return StoredFile(row["mime_type"], row["filename"], bytes(row["data"])) if row else None

    async def upload(self, account: Account, file: StoredFile) -> str | SendFailure:
        """Meta's media id of the file, or Meta's error."""
        result = await self._graph.upload_media(
            account, data=file.data, mime_type=file.mime_type, filename=file.filename or "file"
        )
        if isinstance(result, SendFailure):
            return result
        media_id = result.get("id")
        if not isinstance(media_id, str) or not media_id:
            return SendFailure(GraphError(code=200, title="no media id in Meta's answer"), 502)
        return media_id
