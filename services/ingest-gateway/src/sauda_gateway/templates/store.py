"""Reading a business's templates: those of the WABA it is connected to now, never another
business's; one template as the live stream announces it."""

from typing import Any
from uuid import UUID

import asyncpg

from sauda_gateway.paging import Table
from sauda_gateway.templates.domain import TemplateFilter

COLUMNS = (
    "t.waba_id, t.name, t.language, t.status, t.category, t.template_id, t.rejected_reason, "
    "t.removed, t.revision, t.updated_at"
)
# Only the connected WABA's: a business that moved to another WABA lists that one's.
_LISTED = Table(
    "whatsapp_templates t JOIN whatsapp_accounts a USING (business_id, waba_id)",
    COLUMNS,
    "t.name, t.language",
)


class TemplateStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def page(
        self, business_id: UUID, f: TemplateFilter, *, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        statuses = [s.value for s in f.statuses] if f.statuses is not None else None
        rows, total = await _LISTED.page(
            self._pool,
            "t.business_id = $1 AND NOT t.removed AND ($2::text[] IS NULL OR t.status = ANY($2)) "
            "AND ($3::text IS NULL OR t.language = $3)",
            business_id, statuses, f.language, limit=limit, offset=offset,
        )  # fmt: skip
        return [dict(r) for r in rows], total

    async def get(
        self, business_id: UUID, waba_id: str, name: str, language: str
    ) -> dict[str, Any] | None:
        """One template as stored (removed ones too: the stream says they went)."""
        row = await self._pool.fetchrow(
            f"SELECT {COLUMNS} FROM whatsapp_templates t WHERE t.business_id = $1 "
            "AND t.waba_id = $2 AND t.name = $3 AND t.language = $4",
            business_id, waba_id, name, language,
        )  # fmt: skip
        return dict(row) if row else None
