"""The COD policy row: read it, or replace it and queue its snapshot for the notifier in the
same transaction (so the notifier never misses a change, nor sees one that was not stored)."""

import json
from datetime import datetime
from uuid import UUID

import asyncpg

from sauda_contracts import Topic
from sauda_contracts.cod_policy import CodPolicy, CodPolicyChanged, CodPolicyChangedBody
from sauda_gateway.domain import Business, envelope
from sauda_gateway.outbox import Outbox
from sauda_runtime.kit import Transaction


async def policy_of(pool: asyncpg.Pool, business_id: UUID) -> tuple[int, CodPolicy]:
    """The policy in force and its revision (0 and the defaults when none was ever set)."""
    row = await pool.fetchrow(
        "SELECT revision, policy FROM cod_policies WHERE business_id = $1", business_id
    )
    if row is None:
        return 0, CodPolicy()
    return row["revision"], CodPolicy.model_validate_json(row["policy"])


async def replace_policy(
    outbox: Outbox, business: Business, policy: CodPolicy, *, correlation_id: str,
    event_id: UUID, now_at: datetime,
) -> int:  # fmt: skip
    """Store the whole policy as the next revision and queue its snapshot; returns it."""
    async with outbox.transaction() as tx:
        revision = await _next_revision(tx, business.business_id, policy)
        event = CodPolicyChanged(
            **envelope(business, correlation_id, event_id=event_id, now=now_at),
            body=CodPolicyChangedBody(revision=revision, policy=policy),
        )
        tx.publish(Topic.WHATSAPP_OUTBOUND, str(business.business_id), event.to_bytes())
    return revision


async def _next_revision(tx: Transaction, business_id: UUID, policy: CodPolicy) -> int:
    revision: int = await tx.conn.fetchval(
        "INSERT INTO cod_policies (business_id, revision, policy) VALUES ($1, 1, $2::jsonb) "
        "ON CONFLICT (business_id) DO UPDATE SET revision = cod_policies.revision + 1, "
        " policy = EXCLUDED.policy, updated_at = now() RETURNING revision",
        business_id,
        json.dumps(policy.model_dump(mode="json")),
    )
    return revision
