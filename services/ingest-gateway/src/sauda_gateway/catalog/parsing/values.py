"""Reading a store's values: prices, HTML text, URLs and pictures, and the product they make.

Pure functions from decoded JSON and text to products and reasons; the fetching (URL checks,
redirects, caps) is catalog/fetching.py's.
"""

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from pydantic import ValidationError

from sauda_contracts.catalog import ISO_4217, MAX_ALIASES, ProductIn, SkippedItem

MAX_NAME, MAX_DESCRIPTION, MAX_SKU, MAX_URL, MAX_WORD = 200, 2000, 100, 2000, 60
MAX_PRICE = Decimal("999999999999.99")  # numeric(14, 2)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ScrapedProduct:
    """A product as a store shows it, in the catalog's terms, with the store's id for it."""

    external_id: str
    source_url: str
    product: ProductIn


@dataclass
class Parsed:
    """What one fetched document gave: products, and what was left out and why."""

    products: list[ScrapedProduct] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)

    def extend(self, other: "Parsed") -> None:
        self.products.extend(other.products)
        self.skipped.extend(other.skipped)

    def skip(self, url: str, reason: str) -> None:
        self.skipped.append(SkippedItem(url=url, reason=reason))

    def add(self, made: ScrapedProduct | str, url: str) -> None:
        """What `product_of` made of the item at `url`: a product, or why it is left out."""
        if isinstance(made, str):
            self.skip(url, made)
        else:
            self.products.append(made)


def parse_price(raw: Any) -> Decimal | None:
    """A price as stores write it (450, "450.00", "1,299.50", "1.299,50", "Rs. 1,299"), in
    cents; None when it is not one."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float | Decimal):
        text = str(raw)
    elif isinstance(raw, str):
        text = re.sub(r"[^0-9.,\-]", "", raw).strip(".,")  # "Rs. 1,299" -> "1,299"
        if "," in text and "." in text:
            # The later separator is the decimal one: 1,299.50 or 1.299,50.
            thousands = "," if text.rfind(",") < text.rfind(".") else "."
            text = text.replace(thousands, "").replace(",", ".")
        elif "," in text:
            whole, _, cents = text.rpartition(",")
            text = f"{whole}.{cents}" if text.count(",") == 1 and len(cents) <= 2 else (
                text.replace(",", "")
            )  # fmt: skip
    else:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def minor_units(raw: Any, exponent: Any) -> Decimal | None:
    """WooCommerce's "129900" with currency_minor_unit 2 -> 1299.00."""
    try:
        amount, places = int(str(raw)), int(exponent)
    except (TypeError, ValueError):
        return None
    if not 0 <= places <= 6:
        return None
    return (Decimal(amount).scaleb(-places)).quantize(CENT, rounding=ROUND_HALF_UP)


class _Text(HTMLParser):
    _SKIP = frozenset({"script", "style", "template", "noscript"})
    # Tags that break a line; the others (b, span, a, …) run on inside a word's sentence.
    _BREAK = frozenset({"address", "article", "aside", "blockquote", "br", "dd", "div", "dl",
                        "dt", "figcaption", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
                        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
                        "table", "td", "th", "tr", "ul"})  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        if tag in self._BREAK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        if tag in self._BREAK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(raw: str) -> str:
    """The words of an HTML fragment, on one line."""
    if "<" not in raw and "&" not in raw:
        return " ".join(raw.split())
    parser = _Text()
    parser.feed(raw)
    parser.close()
    return " ".join("".join(parser.parts).split())


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clean(raw: Any) -> str:
    return html_to_text(str(raw)).replace("\x00", "") if raw is not None else ""


def absolute_url(raw: Any, base: str) -> str | None:
    """`raw` as an absolute http(s) URL (relative ones read against `base`), or None."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    url = urljoin(base, raw.strip())
    if urlsplit(url).scheme not in ("http", "https") or len(url) > MAX_URL or re.search(r"\s", url):
        return None
    return url


def image_of(raw: Any, base: str) -> str | None:
    """The first picture's URL, from a string, a list or an ImageObject ({"url": …})."""
    if isinstance(raw, list):
        return next((url for item in raw if (url := image_of(item, base))), None)
    if isinstance(raw, dict):
        return image_of(raw.get("url") or raw.get("contentUrl") or raw.get("src"), base)
    return absolute_url(raw, base)


def product_of(
    external_id: str,
    source_url: str,
    *,
    name: Any,
    price: Decimal | None,
    currency: Any,
    fallback_currency: str | None = None,
    description: Any = None,
    sku: Any = None,
    image_url: str | None = None,
    in_stock: bool = True,
    aliases: tuple[str, ...] = (),
) -> ScrapedProduct | str:
    """The product in the catalog's terms, or why it cannot be one."""
    title = clip(clean(name), MAX_NAME)
    if not title:
        return "a product without a name"
    if price is None:
        return f"{title}: no price"
    if not Decimal(0) <= price <= MAX_PRICE:
        return f"{title}: price {price} is out of range"
    code = str(currency).strip().upper() if currency else ""
    if code not in ISO_4217:
        if not fallback_currency:
            said = f"currency {str(currency)[:20]!r} is not an ISO 4217 code" if currency else (
                "no currency"
            )  # fmt: skip
            return f"{title}: {said}; send `currency` with the import to use one"
        code = fallback_currency
    code_sku = clean(sku)
    words = tuple(w for w in (clean(a) for a in aliases) if 0 < len(w) <= MAX_WORD)
    try:
        product = ProductIn(
            name=title,
            price=price,
            currency=code,
            description=clip(clean(description), MAX_DESCRIPTION) or None,
            sku=code_sku if 0 < len(code_sku) <= MAX_SKU else None,
            image_url=image_url,
            in_stock=in_stock,
            aliases=words[:MAX_ALIASES],
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        return f"{title}: {where}: {error['msg']}"
    return ScrapedProduct(external_id, source_url[:MAX_URL], product)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
