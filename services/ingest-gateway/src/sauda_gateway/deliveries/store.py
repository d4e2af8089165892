"""The business's NDR setting row: read it, or replace it (the next revision)."""

from uuid import UUID

import asyncpg

from sauda_contracts.deliveries import DeliveryPolicy


async def delivery_policy_of(pool: asyncpg.Pool, business_id: UUID) -> tuple[int, DeliveryPolicy]:
    """The setting in force and its revision (0 and the default when never set)."""
    row = await pool.fetchrow(
        "SELECT revision, rto_after_failed_attempts FROM delivery_policies WHERE business_id = $1",
        business_id,
    )
    if row is None:
        return 0, DeliveryPolicy()
    return row["revision"], DeliveryPolicy(
        rto_after_failed_attempts=row["rto_after_failed_attempts"]
    )


async def replace_delivery_policy(pool: asyncpg.Pool, business_id: UUID,
                                  policy: DeliveryPolicy) -> int:  # fmt: skip
    revision: int = await pool.fetchval(
        "INSERT INTO delivery_policies (business_id, revision, rto_after_failed_attempts) "
        "VALUES ($1, 1, $2) ON CONFLICT (business_id) DO UPDATE SET "
        " revision = delivery_policies.revision + 1, "
        " rto_after_failed_attempts = EXCLUDED.rto_after_failed_attempts, updated_at = now() "
        "RETURNING revision",
        business_id,
        policy.rto_after_failed_attempts,
    )
    return revision
