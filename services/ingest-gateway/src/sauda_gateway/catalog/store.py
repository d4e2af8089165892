"""The merchant's products and FAQs (merchant configuration the conversation service reads), and
the write of an import: update what was imported before, adopt same-SKU products, add the rest."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from sauda_contracts.catalog import SkippedItem
from sauda_gateway.catalog.domain import DuplicateSku, merged_aliases
from sauda_gateway.catalog.parsing.values import ScrapedProduct
from sauda_gateway.paging import Table

PRODUCT_FIELDS = (
    "product_id, name, price, currency, description, sku, image_url, in_stock, aliases, "
    "source_url, external_id, created_at, updated_at"
)
FAQ_FIELDS = "faq_id, question, answer, keywords, created_at, updated_at"


@dataclass(frozen=True)
class _Table(Table):
    """What reading, changing and deleting a product or an FAQ differ in."""

    key: str  # the id column
    changes: tuple[str, ...]  # the columns a PATCH may set
    words: str  # the text[] column searched alongside `text`
    text: str


PRODUCTS = _Table("products", PRODUCT_FIELDS, "lower(name), product_id", "product_id",
                  ("name", "price", "currency", "description", "sku", "image_url", "in_stock",
                   "aliases"), "aliases", "name")  # fmt: skip
FAQS = _Table("faqs", FAQ_FIELDS, "created_at, faq_id", "faq_id",
              ("question", "answer", "keywords"), "keywords", "question")  # fmt: skip
_IMPORTED = ("name", "price", "currency", "description", "sku", "image_url", "in_stock",
             "aliases", "source_url")  # fmt: skip


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[SkippedItem] = field(default_factory=list)


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _row(row: asyncpg.Record) -> dict[str, Any]:
    out = dict(row)
    if "currency" in out:
        out["currency"] = out["currency"].strip()
    for key in ("aliases", "keywords"):
        if key in out:
            out[key] = list(out[key])
    return out


class CatalogStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    # --- products ---

    async def create_product(self, business_id: UUID, fields: dict[str, Any]) -> dict[str, Any]:
        try:
            row = await self._pool.fetchrow(
                "INSERT INTO products (product_id, business_id, name, price, currency, "
                " description, sku, image_url, in_stock, aliases) "
                f"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {PRODUCT_FIELDS}",
                uuid4(), business_id, fields["name"], fields["price"], fields["currency"],
                fields.get("description"), fields.get("sku"), fields.get("image_url"),
                fields.get("in_stock", True), list(fields.get("aliases", ())),
            )  # fmt: skip
        except asyncpg.UniqueViolationError:
            raise DuplicateSku(f"another product already has SKU {fields.get('sku')}") from None
        assert row is not None
        return _row(row)

    async def products(
        self,
        business_id: UUID,
        *,
        q: str | None = None,
        in_stock: bool | None = None,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of products by name; `q` finds it in the name or an alias."""
        return await self._page(PRODUCTS, business_id, q=q, limit=limit, offset=offset,
                                also=None if in_stock is None else ("in_stock", in_stock))  # fmt: skip

    async def product(self, business_id: UUID, product_id: UUID) -> dict[str, Any] | None:
        return await self._one(PRODUCTS, business_id, product_id)

    async def update_product(
        self, business_id: UUID, product_id: UUID, changes: dict[str, Any]
    ) -> dict[str, Any] | None:
        try:
            return await self._update(PRODUCTS, business_id, product_id, changes)
        except asyncpg.UniqueViolationError:
            raise DuplicateSku(f"another product already has SKU {changes.get('sku')}") from None

    async def delete_product(self, business_id: UUID, product_id: UUID) -> bool:
        return await self._delete(PRODUCTS, business_id, product_id)

    # --- FAQs ---

    async def create_faq(self, business_id: UUID, fields: dict[str, Any]) -> dict[str, Any]:
        row = await self._pool.fetchrow(
            "INSERT INTO faqs (faq_id, business_id, question, answer, keywords) "
            f"VALUES ($1, $2, $3, $4, $5) RETURNING {FAQ_FIELDS}",
            uuid4(), business_id, fields["question"], fields["answer"],
            list(fields.get("keywords", ())),
        )  # fmt: skip
        assert row is not None
        return _row(row)

    async def faqs(
        self, business_id: UUID, *, q: str | None = None, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of FAQs, oldest first; `q` finds it in the question or a keyword."""
        return await self._page(FAQS, business_id, q=q, limit=limit, offset=offset)

    async def faq(self, business_id: UUID, faq_id: UUID) -> dict[str, Any] | None:
        return await self._one(FAQS, business_id, faq_id)

    async def update_faq(
        self, business_id: UUID, faq_id: UUID, changes: dict[str, Any]
    ) -> dict[str, Any] | None:
        return await self._update(FAQS, business_id, faq_id, changes)

    async def delete_faq(self, business_id: UUID, faq_id: UUID) -> bool:
        return await self._delete(FAQS, business_id, faq_id)

    # --- either, always within the business ---

    async def _page(
        self,
        table: _Table,
        business_id: UUID,
        *,
        q: str | None,
        limit: int,
        offset: int,
        also: tuple[str, Any] | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        where = ["business_id = $1"]
        values: list[Any] = [business_id]
        if q:
            values.append(_like(q))
            n = len(values)
            where.append(f"({table.text} ILIKE ${n} OR EXISTS (SELECT 1 FROM "
                         f"unnest({table.words}) AS w WHERE w ILIKE ${n}))")  # fmt: skip
        if also is not None:
            values.append(also[1])
            where.append(f"{also[0]} = ${len(values)}")
        rows, total = await table.page(self._pool, " AND ".join(where), *values,
                                       limit=limit, offset=offset)  # fmt: skip
        return [_row(r) for r in rows], total

    async def _one(self, table: _Table, business_id: UUID, key: UUID) -> dict[str, Any] | None:
        row = await table.one(
            self._pool, f"business_id = $1 AND {table.key} = $2", business_id, key
        )
        return _row(row) if row else None

    async def _update(
        self, table: _Table, business_id: UUID, key: UUID, changes: dict[str, Any]
    ) -> dict[str, Any] | None:
        sets = ["updated_at = now()"]
        values: list[Any] = [business_id, key]
        for column in table.changes:
            if column in changes:
                value = changes[column]
                values.append(list(value) if column == table.words else value)
                sets.append(f"{column} = ${len(values)}")
        row = await self._pool.fetchrow(
            f"UPDATE {table.name} SET {', '.join(sets)} "
            f"WHERE business_id = $1 AND {table.key} = $2 RETURNING {table.columns}",
            *values,
        )
        return _row(row) if row else None

    async def _delete(self, table: _Table, business_id: UUID, key: UUID) -> bool:
        done = await self._pool.execute(
            f"DELETE FROM {table.name} WHERE business_id = $1 AND {table.key} = $2",
            business_id,
            key,
        )
        return bool(done != "DELETE 0")

    # --- imports ---

    async def save_imported(
        self, business_id: UUID, scraped: Sequence[ScrapedProduct]
    ) -> ImportCounts:
        """Write an import in one transaction: a product imported before (same external id) is
        updated, one the merchant made with the same SKU is adopted, the rest are added. A
        product whose SKU another product holds is skipped. Merchant aliases are kept."""
        counts = ImportCounts()
        # A product listed twice (two sitemap entries for one page) counts once.
        batch = list({p.external_id: p for p in reversed(scraped)}.values())[::-1]
        async with self._pool.acquire() as conn, conn.transaction():
            # Two imports of one business write one after the other.
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext($1))", f"catalog:{business_id}"
            )
            known = await conn.fetch(
                f"SELECT {PRODUCT_FIELDS} FROM products "
                "WHERE business_id = $1 AND external_id = ANY($2::text[])",
                business_id, [p.external_id for p in batch],
            )  # fmt: skip
            same_sku = await conn.fetch(
                f"SELECT {PRODUCT_FIELDS} FROM products "
                "WHERE business_id = $1 AND lower(sku) = ANY($2::text[])",
                business_id, [p.product.sku.lower() for p in batch if p.product.sku],
            )  # fmt: skip
            by_external = {r["external_id"]: dict(r) for r in known}
            sku_rows = {r["sku"].lower(): dict(r) for r in same_sku}
            owners = {key: row["product_id"] for key, row in sku_rows.items()}
            inserts: list[tuple[Any, ...]] = []
            updates: list[tuple[Any, ...]] = []
            for item in batch:
                p = item.product
                row = by_external.get(item.external_id)
                key = p.sku.lower() if p.sku else None  # as Postgres's lower() in products_sku
                if row is None and key and key in sku_rows and sku_rows[key]["external_id"] is None:
                    row = sku_rows.pop(key)  # the merchant's own product with this SKU
                if key and owners.get(key) not in (None, row and row["product_id"]):
                    counts.skipped.append(SkippedItem(
                        url=item.source_url,
                        reason=f"{p.name}: SKU {p.sku} belongs to another product",
                    ))  # fmt: skip
                    continue
                if row is None:
                    product_id = uuid4()
                    inserts.append((product_id, business_id, p.name, p.price, p.currency,
                                    p.description, p.sku, p.image_url, p.in_stock,
                                    list(p.aliases), item.source_url, item.external_id))  # fmt: skip
                    counts.created += 1
                else:
                    product_id = row["product_id"]
                    new = {
                        "name": p.name, "price": p.price, "currency": p.currency,
                        "description": p.description, "sku": p.sku, "image_url": p.image_url,
                        "in_stock": p.in_stock, "source_url": item.source_url,
                        "aliases": merged_aliases(row["aliases"], p.aliases),
                    }  # fmt: skip
                    old = {k: row[k] for k in _IMPORTED} | {"currency": row["currency"].strip(),
                                                            "aliases": list(row["aliases"])}  # fmt: skip
                    if new == old and row["external_id"] == item.external_id:
                        counts.unchanged += 1
                    else:
                        updates.append((product_id, *(new[k] for k in _IMPORTED),
                                        item.external_id))  # fmt: skip
                        counts.updated += 1
                    if row["sku"]:
                        owners.pop(row["sku"].lower(), None)
                if key:
                    owners[key] = product_id
            if updates:
                # A SKU moving from one imported product to another must be let go first.
                await conn.executemany(
                    "UPDATE products SET sku = NULL WHERE product_id = $1 AND sku IS NOT NULL",
                    [(u[0],) for u in updates],
                )
                await conn.executemany(
                    "UPDATE products SET name = $2, price = $3, currency = $4, description = $5, "
                    " sku = $6, image_url = $7, in_stock = $8, aliases = $9, source_url = $10, "
                    " external_id = $11, updated_at = now() WHERE product_id = $1",
                    updates,
                )
            if inserts:
                await conn.executemany(
                    "INSERT INTO products (product_id, business_id, name, price, currency, "
                    " description, sku, image_url, in_stock, aliases, source_url, external_id) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    inserts,
                )
        return counts
