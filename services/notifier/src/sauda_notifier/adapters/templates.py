"""The notifier's copy of each WABA's templates and their review state, as Meta lists them, and
what each business was last told of them: every change to a template row and the snapshots
(TemplateRecorded) and notices it makes are written in one transaction."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from sauda_contracts import Topic
from sauda_contracts.message_templates import TemplateRecorded, TemplateStatus, template_key
from sauda_notifier.adapters.notices import raise_notices
from sauda_notifier.adapters.rows import Cause
from sauda_notifier.domain.template_records import (
    Key,
    TemplateRow,
    Told,
    changes,
    listed_rows,
    not_approved_notice,
    record_id,
    reviewed_row,
)
from sauda_runtime.db import Conn
from sauda_runtime.outbox import add_to_outbox

_ROW = "waba_id, name, language, status, category, template_id, rejected_reason"
_UPSERT = (
    f"INSERT INTO templates ({_ROW}) VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "ON CONFLICT (waba_id, name, language) DO UPDATE SET status = EXCLUDED.status, "
    " category = EXCLUDED.category, template_id = EXCLUDED.template_id, "
    " rejected_reason = EXCLUDED.rejected_reason, synced_at = now()"
)
_TOLD = (
    "SELECT waba_id, name, language, status, category, template_id, rejected_reason, removed, "
    "revision FROM template_records WHERE business_id = $1"
)
_RECORD = (
    "INSERT INTO template_records (business_id, waba_id, name, language, status, category, "
    " template_id, rejected_reason, removed, revision, recorded_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
    "ON CONFLICT (business_id, waba_id, name, language) DO UPDATE SET status = EXCLUDED.status, "
    " category = EXCLUDED.category, template_id = EXCLUDED.template_id, "
    " rejected_reason = EXCLUDED.rejected_reason, removed = EXCLUDED.removed, "
    " revision = EXCLUDED.revision, recorded_at = EXCLUDED.recorded_at"
)


def _row(r: asyncpg.Record) -> TemplateRow:
    return TemplateRow(**dict(r))


def _told(r: asyncpg.Record) -> Told:
    return Told(**{**dict(r), "status": TemplateStatus(r["status"])})


def _values(row: TemplateRow) -> tuple[Any, ...]:
    return (row.waba_id, row.name, row.language, row.status, row.category, row.template_id,
            row.rejected_reason)  # fmt: skip


async def _lock(conn: Conn, waba_id: str, business_id: UUID) -> None:
    """One writer at a time per WABA, then per business (always in that order): the rows and
    the comparison with what was told are read and written by one transaction at a time."""
    for name in (f"waba:{waba_id}", f"business:{business_id}"):
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"notifier-templates:{name}"
        )


class TemplateWrites:
    """Template rows written outside an order's transaction (a sync, a review webhook)."""

    pool: asyncpg.Pool

    async def replace_templates(
        self,
        waba_id: str,
        templates: Sequence[dict[str, Any]],
        *,
        cause: Cause,
        now: datetime,
    ) -> int:
        """The WABA's templates as Meta listed them (those it no longer lists are dropped); the
        business (the cause's) is told of each change since it was last told. How many
        snapshots it got."""
        business_id = cause.business_id
        async with self.pool.acquire() as conn, conn.transaction():
            await _lock(conn, waba_id, business_id)
            found = await conn.fetch(f"SELECT {_ROW} FROM templates WHERE waba_id = $1", waba_id)
            rows = listed_rows(waba_id, templates, {r.key: r for r in map(_row, found)})
            await conn.execute("DELETE FROM templates WHERE waba_id = $1", waba_id)
            await conn.executemany(_UPSERT, [_values(r) for r in rows])
            told = {t.key: t for t in map(_told, await conn.fetch(_TOLD, business_id))}
            return await _tell(conn, told, changes(told, rows, whole=True), cause, now)

    async def set_template_status(
        self,
        key: Key,
        status: str,
        *,
        reason: str | None = None,
        category: str | None = None,
        template_id: str | None = None,
        cause: Cause,
        now: datetime,
    ) -> int:
        """One template's new review state (Meta's webhook, or Sauda having created it); the
        business (the cause's) is told if that changes what it was told. How many snapshots it
        got (0 or 1)."""
        business_id, (waba_id, name, language) = cause.business_id, key
        async with self.pool.acquire() as conn, conn.transaction():
            await _lock(conn, waba_id, business_id)
            found = await conn.fetchrow(
                f"SELECT {_ROW} FROM templates WHERE waba_id = $1 AND name = $2 AND language = $3",
                waba_id, name, language,
            )  # fmt: skip
            row = reviewed_row(_row(found) if found else None, key, status, reason=reason,
                               category=category, template_id=template_id)  # fmt: skip
            await conn.execute(_UPSERT, *_values(row))
            before = await conn.fetchrow(
                f"{_TOLD} AND waba_id = $2 AND name = $3 AND language = $4", business_id, *key
            )
            told = {key: _told(before)} if before else {}
            return await _tell(conn, told, changes(told, [row], whole=False), cause, now)


async def _tell(
    conn: Conn, told: dict[Key, Told], news: list[Told], cause: Cause, now: datetime
) -> int:
    """Record and publish each snapshot, and the notice of a template Meta stopped delivering."""
    business_id = cause.business_id
    await conn.executemany(_RECORD, [
        (business_id, t.waba_id, t.name, t.language, t.status.value, t.category, t.template_id,
         t.rejected_reason, t.removed, t.revision, now) for t in news
    ])  # fmt: skip
    await add_to_outbox(conn, [
        (Topic.NOTIFIER_EVENTS, template_key(business_id), TemplateRecorded(
            **cause.envelope(record_id(business_id, t), now), body=t.body(now)).to_bytes())
        for t in news
    ])  # fmt: skip
    notices = [n for t in news if (n := not_approved_notice(business_id, t, told.get(t.key)))]
    await raise_notices(conn, notices, cause, now)
    return len(news)
