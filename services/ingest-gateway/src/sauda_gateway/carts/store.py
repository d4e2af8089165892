"""Abandoned carts in the gateway schema; each change is published on carts.v1 in the same
transaction (the caller's outbox transaction)."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID, uuid5

import orjson

from sauda_contracts import OrderPlaced, Topic
from sauda_contracts.carts import CartAbandoned, CartRecovered, CartRecoveredBody
from sauda_runtime.kit import Transaction


def cart_key(business_id: UUID, cart_id: str) -> bytes:
    return f"{business_id}:{cart_id}".encode()


class CartStore:
    async def record(self, tx: Transaction, cart: CartAbandoned) -> bool:
        """Record (or refresh) a cart and queue its event; False if it was already recovered."""
        b = cart.body
        row = await tx.conn.fetchrow(
            "INSERT INTO abandoned_carts (business_id, cart_id, customer_phone, customer_email, "
            "customer, items, total, currency, checkout_url) "
            "VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9) "
            "ON CONFLICT (business_id, cart_id) DO UPDATE SET customer = EXCLUDED.customer, "
            "customer_phone = EXCLUDED.customer_phone, customer_email = EXCLUDED.customer_email, "
            "items = EXCLUDED.items, total = EXCLUDED.total, currency = EXCLUDED.currency, "
            "checkout_url = EXCLUDED.checkout_url WHERE abandoned_carts.recovered_order_id IS NULL "
            "RETURNING 1",
            cart.business_id,
            b.cart_id,
            b.customer.phone,
            b.customer.email,
            orjson.loads(b.customer.model_dump_json()),
            [orjson.loads(i.model_dump_json()) for i in b.items],
            b.total,
            b.currency,
            b.checkout_url,
        )
        if row is None:
            return False
        tx.publish(Topic.CARTS, cart_key(cart.business_id, b.cart_id), cart.to_bytes())
        return True


async def recover_carts(tx: Transaction, placed: Sequence[OrderPlaced], now: datetime) -> None:
    """Mark the open carts of customers who just placed an order as recovered (same transaction)."""
    for event in placed:
        customer = event.body.customer
        if customer.phone is None and customer.email is None:
            continue
        rows = await tx.conn.fetch(
            "UPDATE abandoned_carts SET recovered_order_id = $2, recovered_at = $5 "
            "WHERE business_id = $1 AND recovered_order_id IS NULL AND abandoned_at <= $5 "
            "AND (customer_phone = $3 OR lower(customer_email) = lower($4)) RETURNING cart_id",
            event.business_id,
            event.body.order_id,
            customer.phone,
            customer.email,
            event.occurred_at,
        )
        for r in rows:
            recovered = CartRecovered(
                event_id=uuid5(event.event_id, f"recovered:{r['cart_id']}"),
                occurred_at=now,
                business_id=event.business_id,
                correlation_id=event.correlation_id,
                causation_id=str(event.event_id),
                body=CartRecoveredBody(cart_id=r["cart_id"], order_id=event.body.order_id),
            )
            tx.publish(Topic.CARTS, cart_key(event.business_id, r["cart_id"]), recovered.to_bytes())
