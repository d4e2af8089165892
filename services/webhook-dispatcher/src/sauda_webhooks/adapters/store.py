"""Postgres adapter: the dispatcher's own tables, and the gateway's endpoints read-only.

Every transaction is a kit `Transaction`: records it publishes go to the outbox before commit and
the relay is woken after it; a consumer's transaction is the one the kit opened for its batch.
"""

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, fields
from datetime import datetime
from uuid import UUID

import asyncpg

from sauda_contracts.identity import is_user_id
from sauda_contracts.orders import OrderSource, OrderStatus
from sauda_contracts.webhooks import WebhookDeliveryStatus
from sauda_runtime.kit import Transaction, unit_of_work
from sauda_runtime.logging import get_logger
from sauda_runtime.outbox import OutboxRelay
from sauda_runtime.secrets import InvalidToken, SecretBox
from sauda_webhooks.domain.deliveries import Delivery
from sauda_webhooks.domain.endpoints import Endpoint, EndpointHealth, signing_secrets
from sauda_webhooks.domain.orders import OrderFacts

log = get_logger(__name__)

# The deliveries table's columns are the delivery's fields, by name (and `claimed_at`).
_DELIVERY_COLUMNS = ", ".join(f.name for f in fields(Delivery))


def _delivery_values(d: Delivery) -> list[object]:
    """The delivery's columns in _DELIVERY_COLUMNS order, as Postgres takes them."""
    return list({**asdict(d), "status": d.status.value}.values())


def _delivery(row: asyncpg.Record) -> Delivery:
    # Rows read by _DELIVERY_COLUMNS: the delivery's fields, by name.
    return Delivery(
        **{**row, "body": bytes(row["body"]), "status": WebhookDeliveryStatus(row["status"])}
    )


# `customer_phone` holds the customer's chat identity (`identity.chat_identity`): the phone, or
# the user id of a username user who shares no number (a user id has a letter, a phone none).
_ORDER_COLUMNS = ", ".join(f.name for f in fields(OrderFacts) if f.name != "customer_user_id")


def _order(row: asyncpg.Record) -> OrderFacts:
    # Rows read by _ORDER_COLUMNS: the order's fields, by name.
    chat = row["customer_phone"]
    user = chat is not None and is_user_id(chat)
    return OrderFacts(
        **{**row, "source": OrderSource(row["source"]), "status": OrderStatus(row["status"]),
           "customer_phone": None if user else chat, "customer_user_id": chat if user else None}
    )  # fmt: skip


class Tx:
    """One transaction's reads and writes."""

    def __init__(self, tx: Transaction, *, gateway_schema: str, box: SecretBox) -> None:
        self.tx = tx
        self.conn = tx.conn
        self._gateway = gateway_schema
        self._box = box

    # --- orders ---

    async def orders(self, order_ids: Iterable[UUID]) -> dict[UUID, OrderFacts]:
        rows = await self.conn.fetch(
            f"SELECT {_ORDER_COLUMNS} FROM orders WHERE order_id = ANY($1) FOR UPDATE",
            list(order_ids),
        )
        return {r["order_id"]: _order(r) for r in rows}

    async def save_orders(self, orders: Iterable[OrderFacts]) -> None:
        await self.conn.executemany(
            "INSERT INTO orders (order_id, business_id, order_number, external_order_id, total, "
            " customer_phone, source, status, version) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
            "ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status, "
            " version = EXCLUDED.version, updated_at = now() "
            "WHERE orders.version < EXCLUDED.version",
            [
                (
                    o.order_id,
                    o.business_id,
                    o.order_number,
                    o.external_order_id,
                    o.total,
                    o.customer_phone or o.customer_user_id,
                    o.source.value,
                    o.status.value,
                    o.version,
                )
                for o in orders
            ],
        )

    # --- endpoints (the gateway's table, read-only) and their health (ours) ---

    def _endpoint_sql(self, where: str) -> str:
        return (
            "SELECT e.endpoint_id, e.business_id, e.kind, e.url, e.events, e.active, "
            " e.secret_enc, e.previous_secret_enc, e.previous_secret_until, e.activated_at, "
            " e.deactivated_at, h.consecutive_failures, h.deactivated_at AS our_deactivated_at "
            f'FROM "{self._gateway}".webhook_endpoints e '
            "LEFT JOIN endpoint_health h ON h.endpoint_id = e.endpoint_id "
            f"WHERE {where}"
        )

    def _endpoint(self, row: asyncpg.Record, now: datetime) -> Endpoint | None:
        try:
            secret = self._box.open(bytes(row["secret_enc"]))
            previous = (
                self._box.open(bytes(row["previous_secret_enc"]))
                if row["previous_secret_enc"] is not None
                else None
            )
        except InvalidToken:
            log.error("endpoint_secret_unreadable", endpoint_id=str(row["endpoint_id"]))
            return None
        return Endpoint(
            endpoint_id=row["endpoint_id"],
            business_id=row["business_id"],
            kind=row["kind"],
            url=row["url"],
            events=tuple(row["events"]),
            active=row["active"],
            secrets=signing_secrets(secret, previous, row["previous_secret_until"], now),
            activated_at=row["activated_at"],
            gateway_deactivated_at=row["deactivated_at"],
            health=EndpointHealth(row["consecutive_failures"] or 0, row["our_deactivated_at"]),
        )

    async def endpoints_of(
        self, business_ids: Iterable[UUID], now: datetime
    ) -> dict[UUID, list[Endpoint]]:
        rows = await self.conn.fetch(
            self._endpoint_sql("e.business_id = ANY($1) ORDER BY e.created_at"),
            list(business_ids),
        )
        found: dict[UUID, list[Endpoint]] = {}
        for row in rows:
            if (endpoint := self._endpoint(row, now)) is not None:
                found.setdefault(endpoint.business_id, []).append(endpoint)
        return found

    async def endpoint(self, endpoint_id: UUID, now: datetime) -> Endpoint | None:
        row = await self.conn.fetchrow(self._endpoint_sql("e.endpoint_id = $1"), endpoint_id)
        return None if row is None else self._endpoint(row, now)

    async def health_for_update(self, endpoint_id: UUID) -> EndpointHealth:
        await self.conn.execute(
            "INSERT INTO endpoint_health (endpoint_id) VALUES ($1) ON CONFLICT DO NOTHING",
            endpoint_id,
        )
        row = await self.conn.fetchrow(
            "SELECT consecutive_failures, deactivated_at FROM endpoint_health "
            "WHERE endpoint_id = $1 FOR UPDATE",
            endpoint_id,
        )
        assert row is not None
        return EndpointHealth(row["consecutive_failures"], row["deactivated_at"])

    async def save_health(self, endpoint_id: UUID, health: EndpointHealth) -> None:
        await self.conn.execute(
            "UPDATE endpoint_health SET consecutive_failures = $2, deactivated_at = $3, "
            "updated_at = now() WHERE endpoint_id = $1",
            endpoint_id,
            health.consecutive_failures,
            health.deactivated_at,
        )

    # --- deliveries ---

    async def insert_delivery(self, d: Delivery, *, claimed_at: datetime | None) -> bool:
        """False when this (endpoint, event) already has its delivery."""
        row = await self.conn.fetchrow(
            f"INSERT INTO deliveries ({_DELIVERY_COLUMNS}, claimed_at) VALUES ($1, $2, $3, $4, "
            "$5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) "
            "ON CONFLICT DO NOTHING RETURNING delivery_id",
            *_delivery_values(d),
            claimed_at,
        )
        return row is not None

    async def delivery(self, delivery_id: UUID, *, for_update: bool = False) -> Delivery | None:
        row = await self.conn.fetchrow(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE delivery_id = $1"
            + (" FOR UPDATE" if for_update else ""),
            delivery_id,
        )
        return None if row is None else _delivery(row)

    async def claim(
        self, delivery_id: UUID, *, attempts: int, now: datetime, stale_before: datetime
    ) -> Delivery | None:
        """Take the delivery for attempt `attempts + 1`, unless it moved on or is taken."""
        row = await self.conn.fetchrow(
            "UPDATE deliveries SET claimed_at = $3 WHERE delivery_id = $1 AND attempts = $2 "
            " AND status IN ('pending', 'retrying') "
            " AND (claimed_at IS NULL OR claimed_at < $4) "
            f"RETURNING {_DELIVERY_COLUMNS}",
            delivery_id,
            attempts,
            now,
            stale_before,
        )
        return None if row is None else _delivery(row)

    async def claim_stale(
        self, *, now: datetime, stale_before: datetime, skip: Sequence[UUID], limit: int
    ) -> list[Delivery]:
        """Deliveries whose sender vanished: pending and claimed long ago, or retrying and long
        past their due time with nobody holding them."""
        rows = await self.conn.fetch(
            "UPDATE deliveries SET claimed_at = $1 WHERE delivery_id IN ("
            " SELECT delivery_id FROM deliveries "
            " WHERE status IN ('pending', 'retrying') AND NOT (delivery_id = ANY($3)) "
            "  AND (claimed_at IS NULL OR claimed_at < $2) "
            "  AND (status = 'pending' OR next_attempt_at < $2) "
            " ORDER BY created_at LIMIT $4 FOR UPDATE SKIP LOCKED) "
            f"RETURNING {_DELIVERY_COLUMNS}",
            now,
            stale_before,
            list(skip),
            limit,
        )
        return [_delivery(r) for r in rows]

    async def save_attempt(self, d: Delivery) -> None:
        await self.conn.execute(
            "UPDATE deliveries SET status = $2, attempts = $3, response_status = $4, "
            " duration_ms = $5, response_excerpt = $6, error = $7, revision = $8, "
            " next_attempt_at = $9, updated_at = $10, claimed_at = NULL "
            "WHERE delivery_id = $1",
            d.delivery_id,
            d.status.value,
            d.attempts,
            d.response_status,
            d.duration_ms,
            d.response_excerpt,
            d.error,
            d.revision,
            d.next_attempt_at,
            d.updated_at,
        )

    def publish(self, rows: Iterable[tuple[str, bytes, bytes]]) -> None:
        for row in rows:
            self.tx.publish(*row)


class PgWebhookStore:
    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        gateway_schema: str,
        box: SecretBox,
        relay: OutboxRelay | None = None,
    ) -> None:
        self.pool = pool
        self.relay = relay
        self._gateway = gateway_schema
        self._box = box

    def bind(self, tx: Transaction) -> Tx:
        """The store's reads and writes inside a transaction someone else opened (the kit's)."""
        return Tx(tx, gateway_schema=self._gateway, box=self._box)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with unit_of_work(self.pool, self.relay) as tx:
            yield self.bind(tx)
