"""A business's products, FAQs, default language and chat-ordering settings, read-only from the
gateway's schema.

Cached for a moment per business: a chat sends several messages a minute and the catalog
rarely changes; a product the merchant just added shows up within the cache time. A business
whose plan lacks `whatsapp_orders` (the Business plan has it) sells nothing in chat: its shop has
no products, so the bot only answers FAQs and STOP / START.
"""

import time
from uuid import UUID

import asyncpg

from sauda_contracts.language import Language
from sauda_conversation.domain.shop import Faq, Product, Shop

WHATSAPP_ORDERS = "whatsapp_orders"  # the plan feature (gateway `plans.apis`)


class Catalogs:
    def __init__(self, pool: asyncpg.Pool, *, schema: str, cache_seconds: float = 2.0) -> None:
        self._pool = pool
        self._ttl = cache_seconds
        self._cache: dict[UUID, tuple[float, Shop, Language]] = {}
        self._products = (
            "SELECT product_id, name, price, currency, aliases, in_stock, description "
            f'FROM "{schema}".products WHERE business_id = $1 ORDER BY created_at, name'
        )
        self._faqs = (
            "SELECT faq_id, question, answer, keywords "
            f'FROM "{schema}".faqs WHERE business_id = $1 ORDER BY created_at'
        )
        self._language = f'SELECT language FROM "{schema}".whatsapp_accounts WHERE business_id = $1'
        self._asks_address = (
            f'SELECT ask_delivery_address FROM "{schema}".chat_ordering_settings '
            "WHERE business_id = $1"
        )
        self._sells = (
            f"SELECT '{WHATSAPP_ORDERS}' = ANY (p.apis) FROM \"{schema}\".businesses b "
            f'JOIN "{schema}".plans p ON p.name = b.plan WHERE b.business_id = $1'
        )

    async def shop(self, business_id: UUID) -> tuple[Shop, Language]:
        """The business's shop and the language to greet its shoppers in."""
        now = time.monotonic()
        cached = self._cache.get(business_id)
        if cached and now - cached[0] < self._ttl:
            return cached[1], cached[2]
        async with self._pool.acquire() as conn:
            sells = bool(await conn.fetchval(self._sells, business_id))
            products = await conn.fetch(self._products, business_id) if sells else []
            faqs = await conn.fetch(self._faqs, business_id)
            language = await conn.fetchval(self._language, business_id)
            asks_address = bool(await conn.fetchval(self._asks_address, business_id))
        shop = Shop(
            products=tuple(
                Product(
                    product_id=p["product_id"],
                    name=p["name"],
                    price=p["price"],
                    currency=p["currency"].strip(),
                    aliases=tuple(p["aliases"] or ()),
                    in_stock=p["in_stock"],
                    description=p["description"],
                )
                for p in products
            ),
            faqs=tuple(
                Faq(
                    faq_id=f["faq_id"],
                    question=f["question"],
                    answer=f["answer"],
                    keywords=tuple(f["keywords"] or ()),
                )
                for f in faqs
            ),
            asks_address=asks_address,
        )
        default = Language(language) if language in set(Language) else Language.EN
        self._cache[business_id] = (now, shop, default)
        return shop, default
