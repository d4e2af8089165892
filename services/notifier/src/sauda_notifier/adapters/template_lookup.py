"""Finding a template a merchant names in the notifier's book: by Meta's id, or by name and language."""

import asyncpg

from sauda_contracts.sends import TemplateToSend
from sauda_notifier.domain.merchant import TemplateFacts


async def find_template(
    pool: asyncpg.Pool, waba_id: str, call: TemplateToSend
) -> TemplateFacts | None:
    """The WABA's template the call names (by id if it gives one), as last synced from Meta."""
    row = await pool.fetchrow(
        "SELECT name, language, status, category, template_id FROM templates "
        "WHERE waba_id = $1 AND ((($2::text IS NOT NULL) AND template_id = $2) "
        " OR ($2::text IS NULL AND name = $3 AND language = $4)) "
        "ORDER BY language LIMIT 1",
        waba_id,
        call.template_id,
        call.name,
        call.language,
    )
    return TemplateFacts(**dict(row)) if row else None
