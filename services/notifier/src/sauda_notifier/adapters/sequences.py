"""Sequence enrolments in the notifier's Postgres: the enrolment once, the due ones a round takes
(row locks, SKIP LOCKED: a claim that dies with its transaction), a chat's active ones, and the
snapshot (SequenceEnrolmentRecorded) queued in the outbox with every change."""

from datetime import datetime
from uuid import UUID, uuid5

import asyncpg

from sauda_contracts import Topic
from sauda_contracts.identity import identity_fields
from sauda_contracts.sequences import (
    EnrolmentState,
    SequenceEnrolmentRecorded,
    SequenceEnrolmentRecordedBody,
    SequenceStep,
    StopReason,
)
from sauda_contracts.whatsapp import chat_key
from sauda_notifier.adapters.rows import Cause
from sauda_notifier.domain.facts import NAMESPACE
from sauda_notifier.domain.sequences import Enrolment
from sauda_runtime.db import Conn
from sauda_runtime.outbox import add_to_outbox

_COLUMNS = (
    "enrolment_id, business_id, sequence_id, chat, steps, next_step, due_at, state, "
    "stop_reason, assigned_at, correlation_id, revision, finished_at"
)


def _enrolment(row: asyncpg.Record) -> Enrolment:
    return Enrolment(
        **{
            **row,
            "steps": tuple(SequenceStep.model_validate(s) for s in row["steps"]),
            "state": EnrolmentState(row["state"]),
            "stop_reason": StopReason(row["stop_reason"]) if row["stop_reason"] else None,
        }
    )


async def add(conn: Conn, e: Enrolment) -> bool:
    """The enrolment, once: False if it exists (a second command of one id)."""
    inserted = await conn.fetchval(
        f"INSERT INTO sequence_enrolments ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        "$9, $10, $11, $12, $13) ON CONFLICT DO NOTHING RETURNING true",
        *_values(e),
    )
    return bool(inserted)


def _values(e: Enrolment) -> tuple[object, ...]:
    return (
        e.enrolment_id, e.business_id, e.sequence_id, e.chat,
        [s.model_dump(mode="json") for s in e.steps], e.next_step, e.due_at, e.state.value,
        e.stop_reason.value if e.stop_reason else None, e.assigned_at, e.correlation_id,
        e.revision, e.finished_at,
    )  # fmt: skip


async def save(conn: Conn, e: Enrolment) -> None:
    await conn.execute(
        "UPDATE sequence_enrolments SET next_step = $2, due_at = $3, state = $4, "
        " stop_reason = $5, revision = $6, finished_at = $7, updated_at = now() "
        "WHERE enrolment_id = $1",
        e.enrolment_id, e.next_step, e.due_at, e.state.value,
        e.stop_reason.value if e.stop_reason else None, e.revision, e.finished_at,
    )  # fmt: skip


async def get(conn: Conn, enrolment_id: UUID) -> Enrolment | None:
    """One enrolment, locked until the transaction ends."""
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM sequence_enrolments WHERE enrolment_id = $1 FOR UPDATE",
        enrolment_id,
    )
    return _enrolment(row) if row else None


async def take_due(conn: Conn, now: datetime, limit: int) -> list[Enrolment]:
    """Active enrolments whose next step is due, oldest due first, locked (skipping those
    another notifier's round holds)."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM sequence_enrolments WHERE state = 'active' AND due_at <= $1 "
        "ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        now,
        limit,
    )
    return [_enrolment(r) for r in rows]


async def active_of_chat(conn: Conn, business_id: UUID, chat: str) -> list[Enrolment]:
    """The chat's active enrolments, locked (waiting for a round that holds one)."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM sequence_enrolments WHERE business_id = $1 AND chat = $2 "
        "AND state = 'active' ORDER BY enrolment_id FOR UPDATE",
        business_id,
        chat,
    )
    return [_enrolment(r) for r in rows]


async def publish(conn: Conn, e: Enrolment, now: datetime) -> None:
    """Queue the enrolment's snapshot (one per revision: its event id says which)."""
    cause = Cause(e.business_id, e.correlation_id, None)
    event = SequenceEnrolmentRecorded(
        **cause.envelope(uuid5(NAMESPACE, f"enrolment:{e.enrolment_id}:{e.revision}"), now),
        body=SequenceEnrolmentRecordedBody(
            enrolment_id=e.enrolment_id, sequence_id=e.sequence_id, **identity_fields(e.chat),
            state=e.state, stop_reason=e.stop_reason, steps_sent=e.next_step,
            total_steps=len(e.steps), next_step_due_at=e.due_at, assigned_at=e.assigned_at,
            finished_at=e.finished_at, revision=e.revision, recorded_at=now,
        ),
    )  # fmt: skip
    key = chat_key(e.business_id, e.chat)
    await add_to_outbox(conn, [(Topic.NOTIFIER_EVENTS, key, event.to_bytes())])
