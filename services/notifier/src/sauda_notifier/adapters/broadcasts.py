"""Broadcasts in the notifier's Postgres: the job and its recipients, the pending recipients a
round takes (row locks, SKIP LOCKED: a claim that dies with its transaction), the recipients'
message statuses, and the progress snapshot (BroadcastRecorded) queued in the outbox."""

from datetime import datetime
from uuid import UUID, uuid5

import asyncpg

from sauda_contracts import Topic
from sauda_contracts.broadcasts import (
    BroadcastCounts,
    BroadcastRecorded,
    BroadcastRecordedBody,
    BroadcastStatus,
    StartBroadcast,
    broadcast_message_id,
)
from sauda_contracts.sends import TemplateToSend
from sauda_notifier.adapters.rows import Cause
from sauda_notifier.domain.broadcasts import Running, status_of, template_label
from sauda_notifier.domain.facts import NAMESPACE
from sauda_runtime.db import Conn
from sauda_runtime.outbox import add_to_outbox

_RUNNING = (
    "SELECT broadcast_id, business_id, template, total, correlation_id, started_at, revision, "
    "counts FROM broadcasts"
)


def _running(row: asyncpg.Record) -> Running:
    counts = row["counts"]
    return Running(
        broadcast_id=row["broadcast_id"],
        business_id=row["business_id"],
        template=TemplateToSend.model_validate(row["template"]),
        total=row["total"],
        correlation_id=row["correlation_id"],
        started_at=row["started_at"],
        revision=row["revision"],
        counts=BroadcastCounts.model_validate(counts) if counts else None,
    )


async def add_broadcast(conn: Conn, command: StartBroadcast, now: datetime) -> Running | None:
    """The job and its recipients, once (None if it exists: a second command of one id)."""
    body = command.body
    inserted = await conn.fetchval(
        "INSERT INTO broadcasts (broadcast_id, business_id, template, template_label, label_id, "
        " total, correlation_id, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT DO NOTHING RETURNING true",
        body.broadcast_id, command.business_id, body.template.model_dump(mode="json"),
        template_label(body.template), body.label_id, len(body.chats),
        command.correlation_id, now,
    )  # fmt: skip
    if not inserted:
        return None
    chats = list(body.chats)  # the phone column holds each one's chat identity
    await conn.execute(
        "INSERT INTO broadcast_recipients (broadcast_id, position, phone, message_id) "
        "SELECT $1, p.i, p.phone, p.message_id "
        "FROM unnest($2::text[], $3::uuid[]) WITH ORDINALITY AS p(phone, message_id, i)",
        body.broadcast_id,
        chats,
        [broadcast_message_id(command.business_id, body.broadcast_id, c) for c in chats],
    )
    row = await conn.fetchrow(f"{_RUNNING} WHERE broadcast_id = $1", body.broadcast_id)
    assert row is not None
    return _running(row)


async def to_record(conn: Conn) -> list[Running]:
    """Per business, its oldest running broadcast with recipients still to record."""
    rows = await conn.fetch(
        f"SELECT DISTINCT ON (b.business_id) {_RUNNING.removeprefix('SELECT ')} b "
        "WHERE b.status = 'running' AND EXISTS (SELECT 1 FROM broadcast_recipients r "
        " WHERE r.broadcast_id = b.broadcast_id AND NOT r.recorded) "
        "ORDER BY b.business_id, b.started_at"
    )
    return [_running(r) for r in rows]


async def to_settle(conn: Conn) -> list[Running]:
    """Running broadcasts whose every recipient is recorded: waiting for their sends."""
    rows = await conn.fetch(
        f"{_RUNNING} b WHERE b.status = 'running' AND NOT EXISTS (SELECT 1 FROM "
        "broadcast_recipients r WHERE r.broadcast_id = b.broadcast_id AND NOT r.recorded) "
        "ORDER BY b.started_at"
    )
    return [_running(r) for r in rows]


async def take_pending(conn: Conn, broadcast_id: UUID, limit: int) -> list[tuple[int, str]]:
    """Up to `limit` recipients not recorded yet, locked (skipping those another round holds):
    (position, phone)."""
    rows = await conn.fetch(
        "SELECT position, phone FROM broadcast_recipients WHERE broadcast_id = $1 "
        "AND NOT recorded ORDER BY position LIMIT $2 FOR UPDATE SKIP LOCKED",
        broadcast_id,
        limit,
    )
    return [(r["position"], r["phone"]) for r in rows]


async def mark_recorded(conn: Conn, broadcast_id: UUID, positions: list[int]) -> None:
    await conn.execute(
        "UPDATE broadcast_recipients SET recorded = true "
        "WHERE broadcast_id = $1 AND position = ANY($2::int[])",
        broadcast_id,
        positions,
    )


async def opted_out(conn: Conn, business_id: UUID, phones: list[str]) -> set[str]:
    rows = await conn.fetch(
        "SELECT phone FROM contacts WHERE business_id = $1 AND phone = ANY($2::text[]) "
        "AND opted_out",
        business_id,
        phones,
    )
    return {r["phone"] for r in rows}


async def statuses(conn: Conn, broadcast_id: UUID) -> dict[str, int]:
    """How many of the broadcast's recipients' messages are in each status."""
    rows = await conn.fetch(
        "SELECT m.status, count(*) AS n FROM broadcast_recipients r "
        "JOIN messages m ON m.message_id = r.message_id "
        "WHERE r.broadcast_id = $1 AND r.recorded GROUP BY m.status",
        broadcast_id,
    )
    return {r["status"]: r["n"] for r in rows}


async def publish_progress(
    conn: Conn, job: Running, counts: BroadcastCounts, now: datetime
) -> bool:
    """Record and publish the broadcast's counts if they changed since the last snapshot (the
    row locked, so two notifiers publish one revision each); whether a snapshot went out."""
    row = await conn.fetchrow(
        "SELECT template_label, revision, counts, status, started_at FROM broadcasts "
        "WHERE broadcast_id = $1 FOR UPDATE",
        job.broadcast_id,
    )
    assert row is not None
    if row["status"] != "running":
        return False
    if row["counts"] == counts.model_dump(mode="json"):
        return False
    status = status_of(counts)
    finished = now if status is BroadcastStatus.COMPLETED else None
    revision = row["revision"] + 1
    await conn.execute(
        "UPDATE broadcasts SET counts = $2, revision = $3, status = $4, finished_at = $5, "
        " updated_at = now() WHERE broadcast_id = $1",
        job.broadcast_id, counts.model_dump(mode="json"), revision, status.value, finished,
    )  # fmt: skip
    cause = Cause(job.business_id, job.correlation_id, None)
    event = BroadcastRecorded(
        **cause.envelope(uuid5(NAMESPACE, f"broadcast:{job.broadcast_id}:{revision}"), now),
        body=BroadcastRecordedBody(
            broadcast_id=job.broadcast_id, status=status, template=row["template_label"],
            total=job.total, counts=counts, started_at=row["started_at"], finished_at=finished,
            revision=revision, recorded_at=now,
        ),
    )  # fmt: skip
    key = str(job.business_id).encode()
    await add_to_outbox(conn, [(Topic.NOTIFIER_EVENTS, key, event.to_bytes())])
    return True
