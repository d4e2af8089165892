"""Pure catalog rules: what a PATCH may change, how imported aliases merge, and the refusals."""

from collections.abc import Mapping, Sequence
from typing import Any

from sauda_contracts.catalog import MAX_ALIASES, distinct_words
from sauda_gateway.domain import DomainError, InvalidField

# Columns a product or FAQ always has: a PATCH may change them but not empty them.
NOT_NULL = frozenset({"name", "price", "currency", "in_stock", "aliases", "question", "answer",
                      "keywords"})  # fmt: skip


def checked_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a PATCH sent, refused when it would empty a column that is never empty."""
    for name, value in changes.items():
        if value is None and name in NOT_NULL:
            raise InvalidField(f"{name}: may be changed but not null", field=name)
    return dict(changes)


def merged_aliases(kept: Sequence[str], new: Sequence[str]) -> list[str]:
    """The merchant's aliases first, then the store's that are not there yet, at most 20."""
    return list(distinct_words([*kept, *new]))[:MAX_ALIASES]


class ProductNotFound(DomainError):
    code = "product_not_found"
    default_message = "no such product"
    default_field = "product_id"


class FaqNotFound(DomainError):
    code = "faq_not_found"
    default_message = "no such faq"
    default_field = "faq_id"


class DuplicateSku(DomainError):
    """Another product of the business has this SKU (compared without case)."""

    code = "duplicate_sku"
    default_field = "sku"


class CurrencyRequired(DomainError):
    """A Shopify store that does not say its currency, and no `currency` was given."""

    code = "currency_required"


class StoreUnreachable(DomainError):
    """Nothing at the store's address answered."""

    code = "store_unreachable"


class CatalogNotFound(DomainError):
    """The store answered but has no Shopify or WooCommerce catalog and no JSON-LD products."""

    code = "catalog_not_found"
