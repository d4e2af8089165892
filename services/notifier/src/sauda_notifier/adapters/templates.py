"""The notifier's copy of each WABA's templates and their review state, as Meta lists them."""

from typing import Any

import asyncpg


class TemplateWrites:
    """Template rows written outside an order's transaction (a sync, a review webhook)."""

    pool: asyncpg.Pool

    async def replace_templates(self, waba_id: str, templates: list[dict[str, Any]]) -> None:
        """The WABA's templates as Meta listed them (those it no longer lists are dropped)."""
        rows = [
            (
                waba_id,
                str(t["name"]),
                str(t["language"]),
                str(t.get("status") or "UNKNOWN").upper(),
                t.get("category"),
                str(t["id"]) if t.get("id") is not None else None,
            )
            for t in templates
            if t.get("name") and t.get("language")
        ]
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM templates WHERE waba_id = $1", waba_id)
            await conn.executemany(
                "INSERT INTO templates (waba_id, name, language, status, category, template_id) "
                "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (waba_id, name, language) DO UPDATE "
                "SET status = EXCLUDED.status, category = EXCLUDED.category, "
                " template_id = EXCLUDED.template_id, synced_at = now()",
                rows,
            )

    async def set_template_status(
        self,
        waba_id: str,
        name: str,
        language: str,
        status: str,
        *,
        category: str | None = None,
        template_id: str | None = None,
    ) -> None:
        await self.pool.execute(
            "INSERT INTO templates (waba_id, name, language, status, category, template_id) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (waba_id, name, language) DO UPDATE "
            "SET status = EXCLUDED.status, "
            " category = COALESCE(EXCLUDED.category, templates.category), "
            " template_id = COALESCE(EXCLUDED.template_id, templates.template_id), "
            " synced_at = now()",
            waba_id,
            name,
            language,
            status.upper(),
            category,
            template_id,
        )
