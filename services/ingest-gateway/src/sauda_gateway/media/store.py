"""Media uploads in Postgres: the file and its UploadMedia command in one statement (the
idempotency key decides whether it is new), an upload as the API shows it, and the fold of
the notifier's MediaUploaded. Every read is filtered by business."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from sauda_contracts.media import MediaUploaded, UploadStatus, uploadable_kinds
from sauda_gateway.media.domain import Upload
from sauda_runtime.db import Conn
from sauda_runtime.kit import OutboxRow
from sauda_runtime.tracing import current_headers

FIELDS = (
    "upload_id, business_id, status, media_id, mime_type, size, sha256, filename, error, "
    "created_at, uploaded_at"
)


def shown(row: asyncpg.Record) -> dict[str, Any]:
    """A MediaUploadOut."""
    found = dict(row)
    found.pop("business_id", None)
    return found | {"kinds": list(uploadable_kinds(row["mime_type"]))}


class MediaUploads:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def record(
        self, *, business_id: UUID, key: str, upload_id: UUID, upload: Upload, command: OutboxRow
    ) -> tuple[bool, asyncpg.Record]:
        """Keep the file and queue its command in one statement: (True, it); a key used before
        (or meanwhile): (False, the earlier upload)."""
        topic, key_bytes, value = command
        inserted = await self._pool.fetchval(
            "WITH upload AS ("
            " INSERT INTO media_uploads (upload_id, business_id, idempotency_key, mime_type, size, "
            "  sha256, filename, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            " ON CONFLICT DO NOTHING RETURNING 1"
            "), queued AS ("
            " INSERT INTO outbox (topic, key, value, headers) SELECT $9, $10, $11, $12 FROM upload "
            " RETURNING 1"
            ") SELECT count(*) FROM queued",
            upload_id, business_id, key, upload.mime_type, upload.size, upload.sha256,
            upload.filename, upload.data, topic, key_bytes, value, current_headers(),
        )  # fmt: skip
        row = await self.find(business_id, upload_id)
        assert row is not None  # ours, or the one whose key stopped our insert
        return bool(inserted), row

    async def find(self, business_id: UUID, upload_id: UUID) -> asyncpg.Record | None:
        return await self._pool.fetchrow(
            f"SELECT {FIELDS} FROM media_uploads WHERE business_id = $1 AND upload_id = $2",
            business_id,
            upload_id,
        )

    async def by_media_id(self, business_id: UUID, media_id: str) -> asyncpg.Record | None:
        return await self._pool.fetchrow(
            f"SELECT {FIELDS} FROM media_uploads WHERE business_id = $1 AND media_id = $2",
            business_id,
            media_id,
        )


def upload_notes(uploads: Sequence[MediaUploaded]) -> list[dict[str, Any]]:
    """What a request waiting on an upload is told (on the sends channel, by upload id)."""
    return [{"message_id": str(u.body.upload_id), "status": u.body.status.value,
             "media_id": u.body.media_id} for u in uploads]  # fmt: skip


async def record_uploads(conn: Conn, uploads: Sequence[MediaUploaded]) -> None:
    """An upload's outcome, once: a replayed MediaUploaded finds it settled and changes nothing."""
    if not uploads:
        return
    await conn.executemany(
        "UPDATE media_uploads SET status = $3, media_id = $4, error = $5::jsonb, "
        " uploaded_at = $6 WHERE business_id = $1 AND upload_id = $2 AND status = $7",
        [
            (u.business_id, b.upload_id, b.status.value, b.media_id,
             b.error.model_dump(mode="json") if b.error else None, b.uploaded_at,
             UploadStatus.PENDING.value)
            for u in uploads for b in (u.body,)
        ],
    )  # fmt: skip
