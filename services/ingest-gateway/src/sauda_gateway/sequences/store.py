"""Sequences in the gateway's Postgres: definitions (soft-deleted), enrolments with their
commands in the outbox in one transaction (the sequence row locked, so an assignment, a removal
and a deletion of one sequence never interleave), the notifier's snapshots folded by revision,
and the steps' statuses read from the message log. Every statement names the business."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from sauda_contracts.sequences import SequenceEnrolmentRecorded
from sauda_gateway.sequences.domain import MAX_SEQUENCES, OPEN_STATES
from sauda_runtime.db import Conn

_SEQUENCE = "sequence_id, name, steps, created_at"
_ENROLMENT = (
    "e.enrolment_id, e.sequence_id, s.name AS sequence_name, s.steps AS definition, e.chat_id, "
    "e.generation, e.state, e.stop_reason, e.removed, e.steps_sent, e.total_steps, "
    "e.next_step_due_at, e.assigned_at, e.finished_at"
)
_OPEN = f"e.state IN ({', '.join(repr(s) for s in sorted(OPEN_STATES))}) AND NOT e.removed"


class SequenceStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def known_templates(self, business_id: UUID) -> set[tuple[str, str]]:
        """(name, language) of the connected WABA's templates, as the notifier last synced."""
        rows = await self._pool.fetch(
            "SELECT t.name, t.language FROM whatsapp_templates t JOIN whatsapp_accounts a "
            "USING (business_id, waba_id) WHERE t.business_id = $1 AND NOT t.removed",
            business_id,
        )
        return {(r["name"], r["language"]) for r in rows}

    async def create(
        self, business_id: UUID, name: str, steps: list[dict[str, Any]]
    ) -> dict[str, Any] | None:
        """The new sequence; None if the business has its most already (the business row is
        locked, so two creates cannot both pass the count)."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT 1 FROM businesses WHERE business_id = $1 FOR NO KEY UPDATE",
                               business_id)  # fmt: skip
            count = await conn.fetchval(
                "SELECT count(*) FROM whatsapp_sequences WHERE business_id = $1 "
                "AND deleted_at IS NULL",
                business_id,
            )
            if count >= MAX_SEQUENCES:
                return None
            row = await conn.fetchrow(
                f"INSERT INTO whatsapp_sequences (business_id, name, steps) VALUES ($1, $2, $3) "
                f"RETURNING {_SEQUENCE}",
                business_id, name, steps,
            )  # fmt: skip
        return dict(row) if row else None

    async def all(self, business_id: UUID) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            f"SELECT {_SEQUENCE} FROM whatsapp_sequences WHERE business_id = $1 "
            "AND deleted_at IS NULL ORDER BY sequence_id",
            business_id,
        )
        return [dict(r) for r in rows]

    async def get(self, business_id: UUID, sequence_id: int) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            f"SELECT {_SEQUENCE} FROM whatsapp_sequences WHERE business_id = $1 "
            "AND sequence_id = $2 AND deleted_at IS NULL",
            business_id, sequence_id,
        )  # fmt: skip
        return dict(row) if row else None

    async def enrolments(self, business_id: UUID, chat_id: str) -> list[dict[str, Any]]:
        """A chat's enrolments, oldest first, each with its sequence's name and steps."""
        rows = await self._pool.fetch(
            f"SELECT {_ENROLMENT} FROM whatsapp_sequence_enrolments e "
            "JOIN whatsapp_sequences s USING (sequence_id) "
            "WHERE e.business_id = $1 AND e.chat_id = $2 ORDER BY e.assigned_at, e.generation",
            business_id, chat_id,
        )  # fmt: skip
        return [dict(r) for r in rows]

    async def statuses(self, business_id: UUID, message_ids: Sequence[UUID]) -> dict[UUID, str]:
        rows = await self._pool.fetch(
            "SELECT message_id, status FROM wa_messages WHERE business_id = $1 "
            "AND message_id = ANY($2::uuid[])",
            business_id, list(message_ids),
        )  # fmt: skip
        return {r["message_id"]: r["status"] for r in rows}


# --- in the caller's transaction (with its outbox rows) ---


async def lock_sequence(conn: Conn, business_id: UUID, sequence_id: int) -> dict[str, Any] | None:
    """The business's live sequence, locked until the transaction ends; None if there is none."""
    row = await conn.fetchrow(
        f"SELECT {_SEQUENCE} FROM whatsapp_sequences WHERE business_id = $1 AND sequence_id = $2 "
        "AND deleted_at IS NULL FOR UPDATE",
        business_id, sequence_id,
    )  # fmt: skip
    return dict(row) if row else None


async def latest(
    conn: Conn, business_id: UUID, sequence_id: int, chat_id: str
) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT generation, state, removed FROM whatsapp_sequence_enrolments "
        "WHERE business_id = $1 AND sequence_id = $2 AND chat_id = $3 "
        "ORDER BY generation DESC LIMIT 1",
        business_id, sequence_id, chat_id,
    )  # fmt: skip
    return dict(row) if row else None


async def add_enrolment(conn: Conn, *, enrolment_id: UUID, business_id: UUID, sequence_id: int,
                        chat_id: str, generation: int, total_steps: int, assigned_at: Any) -> None:  # fmt: skip
    await conn.execute(
        "INSERT INTO whatsapp_sequence_enrolments (enrolment_id, business_id, sequence_id, "
        " chat_id, generation, total_steps, assigned_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        enrolment_id, business_id, sequence_id, chat_id, generation, total_steps, assigned_at,
    )  # fmt: skip


async def mark_removed(conn: Conn, business_id: UUID, sequence_id: int,
                       chat_id: str | None) -> list[tuple[UUID, str]]:  # fmt: skip
    """Mark the open enrolments of the sequence (of one chat, or of all) removed; their
    (enrolment id, chat)."""
    rows = await conn.fetch(
        "UPDATE whatsapp_sequence_enrolments e SET removed = true, updated_at = now() "
        f"WHERE e.business_id = $1 AND e.sequence_id = $2 AND ($3::text IS NULL OR "
        f"e.chat_id = $3) AND {_OPEN} RETURNING e.enrolment_id, e.chat_id",
        business_id, sequence_id, chat_id,
    )  # fmt: skip
    return [(r["enrolment_id"], r["chat_id"]) for r in rows]


async def delete_sequence(conn: Conn, business_id: UUID, sequence_id: int) -> None:
    await conn.execute(
        "UPDATE whatsapp_sequences SET deleted_at = now() WHERE business_id = $1 "
        "AND sequence_id = $2",
        business_id, sequence_id,
    )  # fmt: skip


async def record_enrolments(conn: Conn, snapshots: Sequence[SequenceEnrolmentRecorded]) -> int:
    """Fold the notifier's snapshots: one replaces the stored state only if its revision is
    higher (a redelivered or older one changes nothing); how many rows changed."""
    changed = 0
    for s in snapshots:
        b = s.body
        done = await conn.fetchval(
            "UPDATE whatsapp_sequence_enrolments SET state = $3, stop_reason = $4, "
            " steps_sent = $5, next_step_due_at = $6, finished_at = $7, revision = $8, "
            " updated_at = now() WHERE enrolment_id = $1 AND business_id = $2 AND revision < $8 "
            "RETURNING true",
            b.enrolment_id, s.business_id, b.state.value,
            b.stop_reason.value if b.stop_reason else None, b.steps_sent, b.next_step_due_at,
            b.finished_at, b.revision,
        )  # fmt: skip
        changed += bool(done)
    return changed
