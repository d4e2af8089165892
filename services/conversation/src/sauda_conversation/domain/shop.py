"""A business's shop as the chat sees it: products, FAQs, and the port that matches words to them."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol
from uuid import UUID

LIST_ROWS = 10  # a WhatsApp list message holds at most 10 rows


@dataclass(frozen=True, slots=True)
class Product:
    product_id: UUID
    name: str
    price: Decimal
    currency: str
    aliases: tuple[str, ...] = ()
    in_stock: bool = True
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Faq:
    faq_id: UUID
    question: str
    answer: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Shop:
    products: tuple[Product, ...]
    faqs: tuple[Faq, ...] = ()
    asks_address: bool = False  # chat orders ask for a delivery address before the summary
    # Derived once: a shop is built when its catalog is read and serves many messages.
    in_stock: tuple[Product, ...] = field(init=False)
    _by_id: dict[UUID, Product] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "in_stock", tuple(p for p in self.products if p.in_stock))
        object.__setattr__(self, "_by_id", {p.product_id: p for p in self.products})

    def product(self, product_id: UUID | None) -> Product | None:
        return self._by_id.get(product_id) if product_id else None


class Ranker(Protocol):
    """Which products and FAQ a shopper's words point at (fuzzy matching, an adapter's job)."""

    def rank_products(
        self, query: str, products: Sequence[Product], limit: int = LIST_ROWS
    ) -> list[Product]:
        """Up to `limit` in-stock products for a list, those the query names first."""
        ...

    def named_product(self, text: str, products: Sequence[Product]) -> Product | None:
        """The one in-stock product the message clearly names, or None."""
        ...

    def answer_for(self, text: str, faqs: Sequence[Faq]) -> Faq | None:
        """The FAQ the message asks, or None."""
        ...


@dataclass(frozen=True, slots=True)
class Shelf:
    """A shop as one turn sees it: its catalog, and the ranker that matches words to it."""

    shop: Shop
    ranker: Ranker

    @property
    def in_stock(self) -> tuple[Product, ...]:
        return self.shop.in_stock

    def product(self, product_id: UUID | None) -> Product | None:
        return self.shop.product(product_id)

    def rank(self, query: str, *, limit: int) -> list[Product]:
        return self.ranker.rank_products(query, self.shop.in_stock, limit)

    def named(self, text: str) -> Product | None:
        return self.ranker.named_product(text, self.shop.in_stock)

    def answer(self, text: str) -> Faq | None:
        return self.ranker.answer_for(text, self.shop.faqs)
