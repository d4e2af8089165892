"""Reading the business's catalog as one: how many products, in what currency, and the store
address (and currency) its latest import read, which a sync reads again."""

from dataclasses import dataclass
from uuid import UUID

import asyncpg


@dataclass(frozen=True)
class CatalogFacts:
    products: int
    currency: str | None  # the most common currency of its products
    url: str | None  # the store's site the latest import read
    import_currency: str | None  # the currency that import was given, if any


class CatalogFactsStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def facts(self, business_id: UUID) -> CatalogFacts:
        row = await self._pool.fetchrow(
            "SELECT (SELECT count(*) FROM products WHERE business_id = $1) AS products, "
            " (SELECT currency FROM products WHERE business_id = $1 GROUP BY currency "
            "  ORDER BY count(*) DESC, currency LIMIT 1) AS currency, "
            " i.url, i.currency AS import_currency "
            "FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT url, currency FROM catalog_imports "
            " WHERE business_id = $1 ORDER BY started_at DESC, import_id DESC LIMIT 1) i ON true",
            business_id,
        )  # fmt: skip
        assert row is not None
        currency = row["currency"].strip() if row["currency"] else None
        return CatalogFacts(int(row["products"]), currency, row["url"], row["import_currency"])
