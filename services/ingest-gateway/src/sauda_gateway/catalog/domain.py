"""Pure catalog rules: what a PATCH may change, how imported aliases merge, what an import job
records when it ends, and the refusals."""

from collections.abc import Mapping, Sequence
from typing import Any

from sauda_contracts.catalog import MAX_ALIASES, ImportProblem, distinct_words
from sauda_gateway.domain import Conflict, DomainError, Invalid, InvalidField, NotFound, Upstream

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


class ProductNotFound(
    NotFound, code="product_not_found", message="no such product", field="product_id"
): ...


class FaqNotFound(NotFound, code="faq_not_found", message="no such faq", field="faq_id"): ...


class DuplicateSku(Conflict, code="duplicate_sku", field="sku"):
    """Another product of the business has this SKU (compared without case)."""


class CurrencyRequired(Invalid, code="currency_required"):
    """A Shopify store that does not say its currency, and no `currency` was given."""


class StoreUnreachable(Upstream, code="store_unreachable"):
    """Nothing at the store's address answered."""


class CatalogNotFound(Upstream, code="catalog_not_found"):
    """The store answered but has no Shopify or WooCommerce catalog and no JSON-LD products."""


class ImportNotFound(
    NotFound, code="import_not_found", message="no such import", field="import_id"
): ...


class ImportRunning(Conflict, code="import_running"):
    """The business has an import running; `details.import_id` names it."""


# What an import job that did not end by itself records (the gateway stopped, or died and its
# heartbeat went stale), and one that failed on something no refusal describes.
INTERRUPTED = ImportProblem(
    code="import_interrupted",
    message="The import stopped before it finished (the server restarted). Start it again: "
    "nothing is added twice.",
)
UNEXPECTED = ImportProblem(
    code="import_failed", message="The import failed unexpectedly; try again in a while."
)


def problem_of(refusal: DomainError) -> ImportProblem:
    """A refusal met mid-import, as the job shows it: the code the synchronous import answers."""
    return ImportProblem(code=refusal.code, message=refusal.message)
