"""Models of the catalog API: products, FAQs and store imports (the gateway's `products` and
`faqs` tables, which the conversation service reads)."""

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, Field, StringConstraints

from sauda_contracts.api import NO_NUL
from sauda_contracts.envelope import Contract
from sauda_contracts.orders import Money
from sauda_contracts.patterns import HTTP_URL

MAX_ALIASES = 20
MAX_KEYWORDS = 20

# ISO 4217 codes of money in circulation (funds, metals and test codes left out).
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
    GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS
    KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR
    MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD
    TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
    """.split()
)


def _iso_4217(code: str) -> str:
    if code not in ISO_4217:
        raise ValueError(f"{code} is not an ISO 4217 currency code")
    return code


def distinct_words(words: Sequence[str]) -> tuple[str, ...]:
    """Each word once, first spelling kept: "Chai" and "chai" are one alias."""
    seen: set[str] = set()
    kept = []
    for word in words:
        if word.casefold() not in seen:
            seen.add(word.casefold())
            kept.append(word)
    return tuple(kept)


Currency = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{3}$"),
    AfterValidator(_iso_4217),
    Field(description="ISO 4217 currency code, e.g. PKR.", examples=["PKR"]),
]


def _text(max_length: int, min_length: int = 1) -> StringConstraints:
    return StringConstraints(
        strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=NO_NUL
    )


Word = Annotated[str, _text(60)]
ProductName = Annotated[str, _text(200), Field(description="What shoppers call the product.")]
Description = Annotated[str, _text(2000, 0), Field(description="Shown to shoppers who ask.")]
Sku = Annotated[str, _text(100), Field(description="The merchant's SKU, unique per business.")]
ImageUrl = Annotated[
    str,
    StringConstraints(max_length=2000, pattern=HTTP_URL),
    Field(description="An http(s) picture of the product."),
]
Aliases = Annotated[
    tuple[Word, ...],
    Field(max_length=MAX_ALIASES, description="Other names shoppers use, e.g. `chai` for "
          "Tapal Danedar Tea (at most 20, up to 60 characters each)."),
    AfterValidator(distinct_words),
]  # fmt: skip
Keywords = Annotated[
    tuple[Word, ...],
    Field(max_length=MAX_KEYWORDS, description="Words that point a shopper's question to this "
          "answer (at most 20, up to 60 characters each)."),
    AfterValidator(distinct_words),
]  # fmt: skip
Question = Annotated[str, _text(300), Field(description="The question as shoppers ask it.")]
Answer = Annotated[str, _text(1000), Field(description="Sauda's reply.")]


# --- products ---


class ProductIn(Contract):
    """Body of `POST /api/v1/products`."""

    name: ProductName
    price: Money = Field(description="Unit price in `currency` (not negative).")
    currency: Currency
    description: Description | None = None
    sku: Sku | None = None
    image_url: ImageUrl | None = None
    in_stock: bool = Field(default=True, description="Whether shoppers can order it now.")
    aliases: Aliases = ()


class ProductPatch(Contract):
    """Body of `PATCH /api/v1/products/{product_id}`: only the fields sent change; `null`
    clears description, sku and image_url."""

    name: ProductName | None = None
    price: Money | None = None
    currency: Currency | None = None
    description: Description | None = None
    sku: Sku | None = None
    image_url: ImageUrl | None = None
    in_stock: bool | None = None
    aliases: Aliases | None = None


class ProductOut(Contract):
    product_id: UUID
    name: str
    price: Money
    currency: str
    description: str | None
    sku: str | None
    image_url: str | None
    in_stock: bool
    aliases: tuple[str, ...]
    source_url: str | None = Field(description="The store page it was imported from, if any.")
    external_id: str | None = Field(
        description="The store's id of an imported product (`shopify:<host>:<variant id>`, "
        "`woo:<host>:<id>`, `jsonld:…`); null for one made in Sauda."
    )
    created_at: datetime
    updated_at: datetime


class ProductList(Contract):
    products: tuple[ProductOut, ...]
    total: int = Field(description="Products matching the filters, across all pages.")
    limit: int
    offset: int
    page: int | None = Field(default=None, description="The `page` asked for, when one was.")


# --- FAQs ---


class FaqIn(Contract):
    """Body of `POST /api/v1/faqs`."""

    question: Question
    answer: Answer
    keywords: Keywords = ()


class FaqPatch(Contract):
    question: Question | None = None
    answer: Answer | None = None
    keywords: Keywords | None = None


class FaqOut(Contract):
    faq_id: UUID
    question: str
    answer: str
    keywords: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


class FaqList(Contract):
    faqs: tuple[FaqOut, ...]
    total: int
    limit: int
    offset: int


# --- store import ---


class ImportSource(StrEnum):
    SHOPIFY = "shopify"  # /products.json
    WOOCOMMERCE = "woocommerce"  # /wp-json/wc/store/v1/products
    JSONLD = "jsonld"  # sitemap pages' schema.org Product JSON-LD


class ImportRequest(Contract):
    """Body of `POST /api/v1/products/import` and of `POST /api/v1/products/imports`."""

    url: str = Field(min_length=8, max_length=2000, pattern=NO_NUL,
                     description="The store's address, e.g. https://store.example.")  # fmt: skip
    currency: Currency | None = Field(
        default=None,
        description="Currency of prices the store does not label (Shopify stores that hide "
        "their currency, JSON-LD without priceCurrency); the store's own wins.",
    )


class SkippedItem(Contract):
    url: str = Field(description="The page or product that was not imported.")
    reason: str = Field(description="Why, for a human.")


class ImportReport(Contract):
    source: ImportSource = Field(description="How the catalog was read.")
    created: int = Field(description="Products new to the catalog.")
    updated: int = Field(description="Products already imported (or with the same SKU) that "
                         "changed.")  # fmt: skip
    unchanged: int = Field(description="Products already imported exactly so.")
    skipped: tuple[SkippedItem, ...] = Field(
        description="Pages and products left out (HTTP errors, timeouts, invalid JSON-LD, a "
        "Product without a name or price, a SKU another product has), with the reason."
    )
    products: int = Field(description="Products of the store now in the catalog "
                          "(created + updated + unchanged).")  # fmt: skip
    pages: int = Field(description="HTTP requests the import made.")


# --- import jobs: an import in the background, its progress readable and streamed ---


class ImportStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # refused by the store or by its content: see `error`
    INTERRUPTED = "interrupted"  # the gateway stopped or died mid-import: start it again


class ImportProblem(Contract):
    code: str = Field(description="The refusal's stable code, as the synchronous import would "
                      "answer it (`store_unreachable`, `catalog_not_found`, `currency_required`, "
                      "`import_interrupted`, …).")  # fmt: skip
    message: str = Field(description="What went wrong, for a human.")


class ImportJob(Contract):
    """An import started with `POST /api/v1/products/imports`; also the data of an
    `event: import` on GET /api/v1/stream whenever it changes."""

    import_id: UUID
    status: ImportStatus = Field(description="running, done, failed or interrupted.")
    url: str = Field(description="The store's address, as given.")
    source: ImportSource | None = Field(description="How the catalog was read, once done.")
    pages_total: int | None = Field(
        description="HTTP requests the import expects to make, once the sitemap or the paging "
        "says (null until then; a Shopify store's paging is known only at its end)."
    )
    pages_done: int = Field(description="HTTP requests finished so far, failed ones included.")
    created: int = Field(description="Products new to the catalog (0 until done).")
    updated: int = Field(description="Products already imported that changed (0 until done).")
    unchanged: int = Field(description="Products already imported exactly so (0 until done).")
    skipped: tuple[SkippedItem, ...] = Field(
        description="Pages and products left out, with the reason (filled in when done)."
    )
    error: ImportProblem | None = Field(description="Why it failed or stopped; null otherwise.")
    started_at: datetime
    finished_at: datetime | None = Field(description="When it ended; null while it runs.")


class ImportJobList(Contract):
    imports: tuple[ImportJob, ...] = Field(description="The latest imports, newest first.")
