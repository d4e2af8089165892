"""The merchant's template requests: recording one with its command to the notifier in one
transaction (a create refused while the template exists or one is queued), reading one, and
folding the notifier's outcome (once: only a queued request moves)."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from sauda_contracts import Topic
from sauda_contracts.template_admin import TemplateRequestRecorded
from sauda_gateway.templates.definition import TemplateExists
from sauda_runtime.db import Conn
from sauda_runtime.kit import OutboxRow
from sauda_runtime.outbox import add_to_outbox

COLUMNS = "request_id, kind, status, name, language, template_id, error, created_at, updated_at"


class TemplateRequests:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def record(
        self, *, request_id: UUID, business_id: UUID, kind: str, waba_id: str,
        name: str | None, language: str | None, command: OutboxRow,
    ) -> dict[str, Any]:  # fmt: skip
        """The request and its command, or TemplateExists for a create of a template the
        WABA has (as last told) or whose create is queued."""
        async with self._pool.acquire() as conn, conn.transaction():
            if kind == "create":
                listed = await conn.fetchval(
                    "SELECT 1 FROM whatsapp_templates WHERE business_id = $1 AND waba_id = $2 "
                    "AND name = $3 AND language = $4 AND NOT removed",
                    business_id, waba_id, name, language,
                )  # fmt: skip
                if listed:
                    raise TemplateExists()
            row = await conn.fetchrow(
                "INSERT INTO whatsapp_template_requests (request_id, business_id, kind, waba_id, "
                " name, language) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING "
                f"RETURNING {COLUMNS}",
                request_id, business_id, kind, waba_id, name, language,
            )  # fmt: skip
            if row is None:
                raise TemplateExists()
            await add_to_outbox(conn, [command])
        return dict(row)

    async def get(self, business_id: UUID, request_id: UUID) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            f"SELECT {COLUMNS} FROM whatsapp_template_requests WHERE business_id = $1 "
            "AND request_id = $2",
            business_id, request_id,
        )  # fmt: skip
        return dict(row) if row else None


async def record_template_requests(conn: Conn, outcomes: Sequence[TemplateRequestRecorded]) -> int:
    """Fold the notifier's outcomes: a queued request takes its outcome; a repeat changes
    nothing. How many changed."""
    changed = 0
    for o in outcomes:
        b = o.body
        error = b.error.model_dump(mode="json") if b.error else None
        done = await conn.fetchval(
            "UPDATE whatsapp_template_requests SET status = $3, template_id = $4, error = $5, "
            " updated_at = $6 WHERE business_id = $1 AND request_id = $2 AND status = 'queued' "
            "RETURNING true",
            o.business_id, b.request_id, b.status.value, b.template_id, error, b.recorded_at,
        )  # fmt: skip
        changed += bool(done)
    return changed


def outbound_row(business_id: UUID, value: bytes) -> OutboxRow:
    return (Topic.WHATSAPP_OUTBOUND.value, str(business_id).encode(), value)
