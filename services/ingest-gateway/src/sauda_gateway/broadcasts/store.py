"""Broadcasts in the gateway's Postgres: the request with its recipients and its StartBroadcast
outbox row in one transaction (the key decides whether it is new), the notifier's progress
folded by revision, and the recipients' results read from the message log by message id.
Every read is filtered by business, so tenants never see each other's broadcasts."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

from sauda_contracts.broadcasts import BroadcastRecorded
from sauda_runtime.db import Conn
from sauda_runtime.kit import OutboxRow
from sauda_runtime.tracing import current_headers

_FIELDS = (
    "broadcast_id, status, template_label AS template, total, counts, label_id, created_at, "
    "started_at, finished_at"
)


@dataclass(frozen=True)
class BroadcastRecord:
    broadcast_id: UUID
    body_hash: str
    total: int
    status: str


class BroadcastStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def find(self, business_id: UUID, key: str) -> BroadcastRecord | None:
        row = await self._pool.fetchrow(
            "SELECT broadcast_id, body_hash, total, status FROM whatsapp_broadcasts "
            "WHERE business_id = $1 AND idempotency_key = $2",
            business_id,
            key,
        )
        return BroadcastRecord(**dict(row)) if row else None

    async def record(
        self,
        *,
        business_id: UUID,
        broadcast_id: UUID,
        key: str,
        body_hash: str,
        template_label: str,
        label_id: str | None,
        chats: Sequence[str],
        message_ids: Sequence[UUID],
        command: OutboxRow,
    ) -> bool:
        """The broadcast, its recipients and its command, once: False if the key was taken
        meanwhile (nothing written)."""
        topic, key_bytes, value = command
        async with self._pool.acquire() as conn, conn.transaction():
            inserted = await conn.fetchval(
                "INSERT INTO whatsapp_broadcasts (broadcast_id, business_id, idempotency_key, "
                " body_hash, template_label, label_id, total) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                "ON CONFLICT DO NOTHING RETURNING true",
                broadcast_id, business_id, key, body_hash, template_label, label_id, len(chats),
            )  # fmt: skip
            if not inserted:
                return False
            await conn.execute(
                "INSERT INTO whatsapp_broadcast_recipients (broadcast_id, position, phone, "
                " message_id) SELECT $1, p.i, p.phone, p.message_id "
                "FROM unnest($2::text[], $3::uuid[]) WITH ORDINALITY AS p(phone, message_id, i)",
                broadcast_id,
                list(chats),  # the phone, or the user id of a username subscriber
                list(message_ids),
            )
            await conn.execute(
                "INSERT INTO outbox (topic, key, value, headers) VALUES ($1, $2, $3, $4)", topic,
                key_bytes, value, current_headers(),
            )  # fmt: skip
        return True

    async def get(self, business_id: UUID, broadcast_id: UUID) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            f"SELECT {_FIELDS} FROM whatsapp_broadcasts WHERE business_id = $1 "
            "AND broadcast_id = $2",
            business_id,
            broadcast_id,
        )
        if row is None:
            return None
        return dict(row) | {"counts": row["counts"] or {"pending": row["total"]}}

    async def recipients(
        self, business_id: UUID, broadcast_id: UUID, *, status: str | None, limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
        """A page of the broadcast's recipients in request order, each with its message's
        status (`pending` while the notifier has not recorded it), and how many match."""
        where = "" if status is None else "AND COALESCE(m.status, 'pending') = $3"
        args: list[Any] = [business_id, broadcast_id] + ([status] if status else [])
        base = (
            "FROM whatsapp_broadcast_recipients r JOIN whatsapp_broadcasts b "
            " ON b.broadcast_id = r.broadcast_id AND b.business_id = $1 "
            "LEFT JOIN wa_messages m ON m.message_id = r.message_id AND m.business_id = $1 "
            f"WHERE r.broadcast_id = $2 {where}"
        )
        n = len(args)
        rows = await self._pool.fetch(
            "SELECT r.phone, r.message_id, COALESCE(m.status, 'pending') AS status, m.wamid, "
            f"m.error, m.updated_at {base} ORDER BY r.position LIMIT ${n + 1} OFFSET ${n + 2}",
            *args,
            limit,
            offset,
        )
        total = await self._pool.fetchval(f"SELECT count(*) {base}", *args)
        return [dict(r) for r in rows], int(total or 0)


async def record_broadcasts(conn: Conn, snapshots: Sequence[BroadcastRecorded]) -> int:
    """Fold the notifier's progress: a snapshot replaces the stored one only if its revision is
    higher (a redelivered or older one changes nothing); how many rows changed."""
    changed = 0
    for s in snapshots:
        b = s.body
        done = await conn.fetchval(
            "UPDATE whatsapp_broadcasts SET status = $3, counts = $4, revision = $5, "
            " started_at = $6, finished_at = $7, updated_at = now() "
            "WHERE broadcast_id = $1 AND business_id = $2 AND revision < $5 RETURNING true",
            b.broadcast_id, s.business_id, b.status.value, b.counts.model_dump(mode="json"),
            b.revision, b.started_at, b.finished_at,
        )  # fmt: skip
        changed += bool(done)
    return changed
