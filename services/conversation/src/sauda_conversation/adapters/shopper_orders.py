"""The conversation schema's copy of each chat shopper's orders (shopper_orders), folded from
orders.events.v1 and read to answer "where is my order?" and "cancel my order"."""

from uuid import UUID

from sauda_contracts import OrderStatus
from sauda_conversation.domain.my_orders import OrderMove, ShopperOrder
from sauda_runtime.db import Conn

RECENT = 20  # orders of one chat read per question: enough to find a typed number


async def record_shopper_orders(
    conn: Conn, placed: list[ShopperOrder], moves: list[OrderMove]
) -> None:
    """Fold a batch: new orders once, then later facts forward only (by version), so a
    redelivered or replayed event changes nothing."""
    if placed:
        await conn.executemany(
            "INSERT INTO shopper_orders (order_id, business_id, customer_phone, order_number, "
            " items, total, placed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
            "ON CONFLICT DO NOTHING",
            [(o.order_id, o.business_id, o.chat_with, o.order_number,
              [list(i) for i in o.items], o.total, o.placed_at)
             for o in placed],
        )  # fmt: skip
    if moves:
        await conn.executemany(
            "UPDATE shopper_orders SET status = $2, version = $3, "
            " tracking_url = coalesce($4, tracking_url) WHERE order_id = $1 AND version < $3",
            [(m.order_id, m.status.value, m.version, m.tracking_url) for m in moves],
        )


async def orders_of_chat(conn: Conn, business_id: UUID, chat: str) -> list[ShopperOrder]:
    """This chat's own orders in this business, newest first."""
    rows = await conn.fetch(
        "SELECT order_id, business_id, customer_phone, order_number, items, "
        " total, status, placed_at, tracking_url FROM shopper_orders "
        "WHERE business_id = $1 AND customer_phone = $2 "
        "ORDER BY placed_at DESC, order_number DESC LIMIT $3",
        business_id, chat, RECENT,
    )  # fmt: skip
    return [
        ShopperOrder(
            order_id=r["order_id"],
            business_id=r["business_id"],
            chat_with=r["customer_phone"],
            order_number=r["order_number"],
            items=tuple((str(name), int(qty)) for name, qty in r["items"]),
            total=r["total"],
            status=OrderStatus(r["status"]),
            placed_at=r["placed_at"],
            tracking_url=r["tracking_url"],
        )
        for r in rows
    ]
