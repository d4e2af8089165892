"""Folding TemplateRecorded into `whatsapp_templates`, idempotent and order-safe: a snapshot
replaces the stored one only if its revision is higher, so a redelivered or older one changes
nothing (a replay from offset 0 leaves the same rows). Each row that changed is told to the
live stream in the same statement, heard once the transaction commits."""

from collections.abc import Sequence

from sauda_contracts.message_templates import TemplateRecorded
from sauda_runtime.db import Conn

_UPSERT = (
    "WITH changed AS ("
    " INSERT INTO whatsapp_templates (business_id, waba_id, name, language, status, category, "
    "  template_id, rejected_reason, removed, revision, updated_at) "
    " SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], "
    "  $7::text[], $8::text[], $9::text[], $10::bool[], $11::int[], $12::timestamptz[]) "
    " ON CONFLICT (business_id, waba_id, name, language) DO UPDATE SET status = EXCLUDED.status, "
    "  category = EXCLUDED.category, template_id = EXCLUDED.template_id, "
    "  rejected_reason = EXCLUDED.rejected_reason, removed = EXCLUDED.removed, "
    "  revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at "
    " WHERE whatsapp_templates.revision < EXCLUDED.revision "
    " RETURNING business_id, waba_id, name, language) "
    "SELECT pg_notify($1, json_build_object('business_id', business_id, 'kind', 'template', "
    " 'waba_id', waba_id, 'name', name, 'language', language)::text) FROM changed"
)


def newest(snapshots: Sequence[TemplateRecorded]) -> list[TemplateRecorded]:
    """One batch may hold several revisions of one template: the highest of each."""
    latest: dict[tuple[object, ...], TemplateRecorded] = {}
    for s in snapshots:
        key = (s.business_id, s.body.waba_id, s.body.name, s.body.language)
        kept = latest.get(key)
        if kept is None or kept.body.revision < s.body.revision:
            latest[key] = s
    return list(latest.values())


async def record_templates(conn: Conn, snapshots: Sequence[TemplateRecorded], live: str) -> int:
    """Fold the batch; how many rows it changed (each NOTIFYd on `live`)."""
    kept = newest(snapshots)
    if not kept:
        return 0
    columns = list(zip(*[
        (s.business_id, b.waba_id, b.name, b.language, b.status.value, b.category, b.template_id,
         b.rejected_reason, b.removed, b.revision, b.recorded_at)
        for s in kept for b in (s.body,)
    ], strict=True))  # fmt: skip
    changed = await conn.fetch(_UPSERT, live, *map(list, columns))
    return len(changed)
