"""COD policies and each order's COD steps in the notifier's Postgres: the snapshot kept (a
higher revision wins), the policy in force for a batch's businesses, the step rows (inserted
once per order, the due ones locked SKIP LOCKED), and the ledger commands a step sends."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sauda_contracts import ChangeOrderStatus, Topic
from sauda_contracts.cod_policy import CodPolicy, CodPolicyChanged
from sauda_contracts.order_review import HoldOrderForReview
from sauda_runtime.db import Conn
from sauda_runtime.outbox import add_to_outbox


@dataclass(frozen=True, slots=True)
class StepRow:
    order_id: UUID
    business_id: UUID
    policy: CodPolicy
    items: str | None
    step: int
    due_at: datetime
    first_sent_at: datetime | None


async def keep_policy(conn: Conn, changed: CodPolicyChanged) -> bool:
    """Keep the snapshot unless a later one is already kept; True if it was kept."""
    kept = await conn.fetchval(
        "INSERT INTO cod_policies (business_id, revision, policy) VALUES ($1, $2, $3::jsonb) "
        "ON CONFLICT (business_id) DO UPDATE SET revision = EXCLUDED.revision, "
        " policy = EXCLUDED.policy, updated_at = now() "
        "WHERE cod_policies.revision < EXCLUDED.revision RETURNING revision",
        changed.business_id,
        changed.body.revision,
        json.dumps(changed.body.policy.model_dump(mode="json")),
    )
    return kept is not None


async def policies_of(conn: Conn, business_ids: Iterable[UUID]) -> dict[UUID, CodPolicy]:
    ids = list(set(business_ids))
    if not ids:
        return {}
    rows = await conn.fetch(
        "SELECT business_id, policy FROM cod_policies WHERE business_id = ANY($1::uuid[])", ids
    )
    return {r["business_id"]: CodPolicy.model_validate_json(r["policy"]) for r in rows}


async def schedule_steps(conn: Conn, row: StepRow) -> None:
    """The order's steps from `row.step` on; once per order (a replay adds nothing)."""
    await conn.execute(
        "INSERT INTO cod_steps (order_id, business_id, policy, items, step, due_at, "
        " first_sent_at, state) VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, 'scheduled') "
        "ON CONFLICT (order_id) DO NOTHING",
        row.order_id, row.business_id, json.dumps(row.policy.model_dump(mode="json")),
        row.items, row.step, row.due_at, row.first_sent_at,
    )  # fmt: skip


async def due_steps(conn: Conn, now: datetime, limit: int) -> list[StepRow]:
    """Steps due; locked, skipping those another notifier is taking."""
    rows = await conn.fetch(
        "SELECT order_id, business_id, policy, items, step, due_at, first_sent_at "
        "FROM cod_steps WHERE state = 'scheduled' AND due_at <= $1 "
        "ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        now,
        limit,
    )
    return [StepRow(**{**r, "policy": CodPolicy.model_validate_json(r["policy"])}) for r in rows]


async def move_step(
    conn: Conn, order_id: UUID, *, step: int, due_at: datetime, first_sent_at: datetime | None,
    note: str | None,
) -> None:  # fmt: skip
    await conn.execute(
        "UPDATE cod_steps SET step = $2, due_at = $3, first_sent_at = $4, note = $5, "
        " updated_at = now() WHERE order_id = $1",
        order_id, step, due_at, first_sent_at, note,
    )  # fmt: skip


async def finish_steps(conn: Conn, order_id: UUID, note: str) -> None:
    await conn.execute(
        "UPDATE cod_steps SET state = 'done', note = $2, updated_at = now() "
        "WHERE order_id = $1 AND state = 'scheduled'",
        order_id,
        note,
    )


async def send_to_ledger(conn: Conn, command: ChangeOrderStatus | HoldOrderForReview) -> None:
    """A command for the ledger (keyed by the order), in this transaction's outbox."""
    key = str(command.body.order_id).encode()
    await add_to_outbox(conn, [(Topic.ORDERS_COMMANDS.value, key, command.to_bytes())])
