"""The subscriber CRM in Postgres. Every statement names the business, so another business's
subscriber, label, field or user is simply not found."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

from sauda_gateway.subscribers.domain import MAX_FIELDS, MAX_LABELS

SUBSCRIBER = (
    "s.subscriber_id, s.chat_id, s.first_name, s.last_name, s.gender, s.email, s.source, "
    "s.assigned_user_id, s.opted_out, s.created_at, s.updated_at, "
    "coalesce((SELECT array_agg(d.name ORDER BY d.label_id) FROM subscriber_labels l "
    " JOIN subscriber_labels_def d USING (label_id) WHERE l.subscriber_id = s.subscriber_id), "
    " '{}') AS labels"
)


@dataclass(frozen=True)
class Changes:
    """What an update sets; None leaves a column as it is."""

    first_name: str | None = None
    last_name: str | None = None
    gender: str | None = None
    email: str | None = None


class SubscriberStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    # --- subscribers ---

    async def create(self, business_id: UUID, chat_id: str, *, first_name: str | None,
                     last_name: str | None, source: str) -> int | None:  # fmt: skip
        """The new subscriber's id, or None if the chat is one already."""
        found = await self._pool.fetchval(
            "INSERT INTO subscribers (business_id, chat_id, first_name, last_name, source) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (business_id, chat_id) DO NOTHING "
            "RETURNING subscriber_id",
            business_id, chat_id, first_name, last_name, source,
        )  # fmt: skip
        return int(found) if found is not None else None

    async def get(self, business_id: UUID, chat_id: str) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            f"SELECT {SUBSCRIBER} FROM subscribers s WHERE s.business_id = $1 AND s.chat_id = $2",
            business_id, chat_id,
        )  # fmt: skip
        return dict(row) if row else None

    async def fields_of(self, subscriber_id: int) -> dict[str, str]:
        rows = await self._pool.fetch(
            "SELECT d.name, v.value FROM subscriber_field_values v "
            "JOIN subscriber_fields_def d USING (field_id) WHERE v.subscriber_id = $1 "
            "ORDER BY d.field_id",
            subscriber_id,
        )
        return {r["name"]: r["value"] for r in rows}

    async def page(self, business_id: UUID, *, label_id: int | None, order: str, limit: int,
                   offset: int) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
        """`order` comes from the domain's whitelist, never from the caller's text."""
        where = "s.business_id = $1"
        args: list[Any] = [business_id]
        if label_id is not None:
            where += (" AND EXISTS (SELECT 1 FROM subscriber_labels l WHERE "
                      "l.subscriber_id = s.subscriber_id AND l.label_id = $2)")  # fmt: skip
            args.append(label_id)
        n = len(args)
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                f"SELECT {SUBSCRIBER} FROM subscribers s WHERE {where} ORDER BY {order} "
                f"LIMIT ${n + 1} OFFSET ${n + 2}",
                *args, limit, offset,
            )  # fmt: skip
            total = await conn.fetchval(f"SELECT count(*) FROM subscribers s WHERE {where}", *args)
        return [dict(r) for r in rows], int(total)

    async def update(self, subscriber_id: int, changes: Changes) -> None:
        await self._pool.execute(
            "UPDATE subscribers SET first_name = coalesce($2, first_name), "
            "last_name = coalesce($3, last_name), gender = coalesce($4, gender), "
            "email = coalesce($5, email), updated_at = now() WHERE subscriber_id = $1",
            subscriber_id, changes.first_name, changes.last_name, changes.gender, changes.email,
        )  # fmt: skip

    async def delete(self, subscriber_id: int) -> None:
        """Its labels, field values and notes go with it (ON DELETE CASCADE)."""
        await self._pool.execute("DELETE FROM subscribers WHERE subscriber_id = $1", subscriber_id)

    async def assign(self, subscriber_id: int, user_id: UUID) -> None:
        await self._pool.execute(
            "UPDATE subscribers SET assigned_user_id = $2, assigned_at = now(), updated_at = now() "
            "WHERE subscriber_id = $1",
            subscriber_id, user_id,
        )  # fmt: skip

    async def team_member(self, business_id: UUID, user_id: UUID) -> bool:
        return bool(await self._pool.fetchval(
            "SELECT 1 FROM merchant_users WHERE business_id = $1 AND user_id = $2",
            business_id, user_id,
        ))  # fmt: skip

    # --- labels ---

    async def labels(self, business_id: UUID) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT d.label_id, d.name, (SELECT count(*) FROM subscriber_labels l "
            " WHERE l.label_id = d.label_id) AS subscribers FROM subscriber_labels_def d "
            "WHERE d.business_id = $1 ORDER BY d.label_id",
            business_id,
        )
        return [dict(r) for r in rows]

    async def create_label(self, business_id: UUID, name: str) -> int | None:
        """The new label's id; None if the business has one of that name (any case); -1 when
        its cap is reached (`_capped_insert`)."""
        return await self._capped_insert(
            business_id, "subscriber_labels_def", MAX_LABELS,
            "INSERT INTO subscriber_labels_def (business_id, name) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING RETURNING label_id",
            name,
        )  # fmt: skip

    async def own_labels(self, business_id: UUID, label_ids: list[int]) -> list[int]:
        """Those of `label_ids` that are this business's."""
        rows = await self._pool.fetch(
            "SELECT label_id FROM subscriber_labels_def WHERE business_id = $1 "
            "AND label_id = ANY($2::bigint[])",
            business_id, label_ids,
        )  # fmt: skip
        return [int(r["label_id"]) for r in rows]

    async def add_labels(self, subscriber_id: int, label_ids: list[int]) -> None:
        await self._pool.execute(
            "INSERT INTO subscriber_labels (subscriber_id, label_id) "
            "SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
            subscriber_id, label_ids,
        )  # fmt: skip

    async def remove_labels(self, subscriber_id: int, label_ids: list[int]) -> None:
        await self._pool.execute(
            "DELETE FROM subscriber_labels WHERE subscriber_id = $1 "
            "AND label_id = ANY($2::bigint[])",
            subscriber_id, label_ids,
        )  # fmt: skip

    async def set_labels(self, subscriber_id: int, label_ids: list[int]) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "DELETE FROM subscriber_labels WHERE subscriber_id = $1 "
                "AND NOT label_id = ANY($2::bigint[])",
                subscriber_id, label_ids,
            )  # fmt: skip
            await conn.execute(
                "INSERT INTO subscriber_labels (subscriber_id, label_id) "
                "SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
                subscriber_id, label_ids,
            )  # fmt: skip

    async def label_chats(self, business_id: UUID, label_id: int) -> list[str]:
        rows = await self._pool.fetch(
            "SELECT s.chat_id FROM subscriber_labels l JOIN subscribers s USING (subscriber_id) "
            "JOIN subscriber_labels_def d USING (label_id) "
            "WHERE d.business_id = $1 AND s.business_id = $1 AND l.label_id = $2 "
            "ORDER BY s.subscriber_id",
            business_id, label_id,
        )  # fmt: skip
        return [r["chat_id"] for r in rows]

    # --- custom fields ---

    async def fields(self, business_id: UUID) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT field_id, name, reply_type FROM subscriber_fields_def WHERE business_id = $1 "
            "ORDER BY field_id",
            business_id,
        )
        return [dict(r) for r in rows]

    async def create_field(self, business_id: UUID, name: str, reply_type: str) -> int | None:
        """As `create_label`: the id, None for a name taken, -1 at the cap."""
        return await self._capped_insert(
            business_id, "subscriber_fields_def", MAX_FIELDS,
            "INSERT INTO subscriber_fields_def (business_id, name, reply_type) "
            "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING field_id",
            name, reply_type,
        )  # fmt: skip

    async def _capped_insert(
        self, business_id: UUID, table: str, cap: int, insert: str, *values: str
    ) -> int | None:
        """Run `insert` (business id, then `values`; it returns the new id or nothing on a
        name taken) unless the business has `cap` rows in `table` already (-1). The cap is
        checked in the same transaction, under a lock on the business row, so two creates at
        once cannot pass it together (NO KEY UPDATE: the consumers' inserts of subscribers,
        which only key-share the row, do not wait on it). `table` is one of ours, never the
        caller's text."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT 1 FROM businesses WHERE business_id = $1 FOR NO KEY UPDATE",
                               business_id)  # fmt: skip
            count = await conn.fetchval(
                f"SELECT count(*) FROM {table} WHERE business_id = $1", business_id
            )
            if count >= cap:
                return -1
            found = await conn.fetchval(insert, business_id, *values)
        return int(found) if found is not None else None

    async def set_values(self, subscriber_id: int, values: dict[int, str]) -> None:
        await self._pool.executemany(
            "INSERT INTO subscriber_field_values (subscriber_id, field_id, value) "
            "VALUES ($1, $2, $3) ON CONFLICT (subscriber_id, field_id) "
            "DO UPDATE SET value = excluded.value, updated_at = now()",
            [(subscriber_id, field_id, value) for field_id, value in values.items()],
        )

    # --- notes ---

    async def add_note(self, subscriber_id: int, text: str) -> int:
        return int(await self._pool.fetchval(
            "INSERT INTO subscriber_notes (subscriber_id, text) VALUES ($1, $2) "
            "RETURNING note_id",
            subscriber_id, text,
        ))  # fmt: skip

    async def notes(self, subscriber_id: int) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT note_id, text, created_at FROM subscriber_notes WHERE subscriber_id = $1 "
            "ORDER BY note_id",
            subscriber_id,
        )
        return [dict(r) for r in rows]
