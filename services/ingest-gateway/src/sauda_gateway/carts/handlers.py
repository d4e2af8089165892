"""Cart use cases: a cart the store reports abandoned is recorded and published on carts.v1."""

from sauda_contracts.carts import CartAbandoned
from sauda_gateway.carts.store import CartStore
from sauda_gateway.outbox import Outbox


async def abandon_cart(cart: CartAbandoned, *, carts: CartStore, outbox: Outbox) -> bool:
    """Record the cart and queue its event in one transaction; False if it was recovered."""
    async with outbox.transaction() as tx:
        return await carts.record(tx, cart)
