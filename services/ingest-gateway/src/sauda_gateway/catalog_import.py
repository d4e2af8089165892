"""Reading a store's catalog: Shopify and WooCommerce JSON, sitemaps and schema.org JSON-LD.

Pure functions from fetched bytes and decoded JSON to products and reasons; the fetching (URL
checks, redirects, caps) is adapters/store_crawler.py's.
"""

import json
import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from pydantic import ValidationError

from sauda_contracts.catalog import ISO_4217, MAX_ALIASES, ProductIn, SkippedItem

SHOPIFY_PAGE_SIZE = 250
WOO_PAGE_SIZE = 100
MAX_NAME, MAX_DESCRIPTION, MAX_SKU, MAX_URL, MAX_WORD = 200, 2000, 100, 2000, 60
MAX_PRICE = Decimal("999999999999.99")  # numeric(14, 2)
CENT = Decimal("0.01")
NOT_IN_STOCK = frozenset({"OutOfStock", "SoldOut", "Discontinued"})


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


# --- values ---


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


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _clean(raw: Any) -> str:
    return html_to_text(str(raw)).replace("\x00", "") if raw is not None else ""


def absolute_url(raw: Any, base: str) -> str | None:
    """`raw` as an absolute http(s) URL (relative ones read against `base`), or None."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    url = urljoin(base, raw.strip())
    if urlsplit(url).scheme not in ("http", "https") or len(url) > MAX_URL or re.search(r"\s", url):
        return None
    return url


def _image(raw: Any, base: str) -> str | None:
    """The first picture's URL, from a string, a list or an ImageObject ({"url": …})."""
    if isinstance(raw, list):
        return next((url for item in raw if (url := _image(item, base))), None)
    if isinstance(raw, dict):
        return _image(raw.get("url") or raw.get("contentUrl") or raw.get("src"), base)
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
    title = _clip(_clean(name), MAX_NAME)
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
    code_sku = _clean(sku)
    words = tuple(w for w in (_clean(a) for a in aliases) if 0 < len(w) <= MAX_WORD)
    try:
        product = ProductIn(
            name=title,
            price=price,
            currency=code,
            description=_clip(_clean(description), MAX_DESCRIPTION) or None,
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


def _add(parsed: Parsed, made: ScrapedProduct | str, url: str) -> None:
    if isinstance(made, str):
        parsed.skip(url, made)
    else:
        parsed.products.append(made)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


# --- Shopify: /products.json ---


def shopify_products(data: Any, *, store_url: str, currency: str | None) -> Parsed:
    """One page of a Shopify store's public `/products.json`: each variant with its price is a
    product ("Product – Variant" when the product has more than one)."""
    parsed = Parsed()
    origin, host = origin_of(store_url), _host(store_url)
    products = data.get("products") if isinstance(data, dict) else None
    for item in products if isinstance(products, list) else ():
        if not isinstance(item, dict):
            continue
        title = item.get("title")
        page = f"{origin}/products/{item.get('handle') or item.get('id')}"
        variants = [v for v in item.get("variants") or () if isinstance(v, dict)]
        if not variants:
            parsed.skip(page, f"{_clean(title) or 'a product'}: no variants")
            continue
        several = len(variants) > 1
        image = _image(item.get("images"), origin)
        for variant in variants:
            name = f"{_clean(title)} – {_clean(variant.get('title'))}" if several else title
            made = product_of(
                f"shopify:{host}:{variant.get('id')}",
                f"{page}?variant={variant.get('id')}" if several else page,
                name=name,
                price=parse_price(variant.get("price")),
                currency=currency,
                description=item.get("body_html"),
                sku=variant.get("sku"),
                image_url=_image(variant.get("featured_image"), origin) or image,
                in_stock=variant.get("available") is not False,
            )
            _add(parsed, made, page)
    return parsed


def shopify_ids(data: Any) -> set[str]:
    """The product ids on a page (a store that ignores `page` repeats them)."""
    products = data.get("products") if isinstance(data, dict) else None
    return {str(p.get("id")) for p in products or () if isinstance(p, dict)}


# --- WooCommerce: the Store API ---


def woo_products(data: Any, *, store_url: str, currency: str | None) -> Parsed:
    """One page of `/wp-json/wc/store/v1/products`: prices are strings of minor units."""
    parsed = Parsed()
    origin, host = origin_of(store_url), _host(store_url)
    for item in data if isinstance(data, list) else ():
        if not isinstance(item, dict):
            continue
        page = absolute_url(item.get("permalink"), origin) or f"{origin}/?p={item.get('id')}"
        prices = item.get("prices")
        prices = prices if isinstance(prices, dict) else {}
        made = product_of(
            f"woo:{host}:{item.get('id')}",
            page,
            name=item.get("name"),
            price=minor_units(prices.get("price"), prices.get("currency_minor_unit", 2)),
            currency=prices.get("currency_code"),
            fallback_currency=currency,
            description=item.get("short_description") or item.get("description"),
            sku=item.get("sku"),
            image_url=_image(item.get("images"), origin),
            in_stock=item.get("is_in_stock") is not False,
        )
        _add(parsed, made, page)
    return parsed


# --- sitemaps and robots.txt ---


@dataclass(frozen=True)
class Sitemap:
    """A sitemap's page URLs, or (for a sitemap index) the sitemaps it lists."""

    pages: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()


class NotASitemap(ValueError):
    pass


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """A gzipped sitemap (sitemap.xml.gz), unpacked to at most max_bytes."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise NotASitemap(f"broken gzip: {exc}") from None
    if len(out) > max_bytes:
        raise NotASitemap(f"larger than {max_bytes} bytes unpacked")
    return out


def parse_sitemap(data: bytes, *, base_url: str) -> Sitemap:
    """<urlset> -> page URLs; <sitemapindex> -> sitemap URLs (sitemaps.org, any namespace)."""
    if b"<!ENTITY" in data[:4096].upper():
        raise NotASitemap("a sitemap may not declare entities")  # nothing to expand, ever
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise NotASitemap(f"invalid XML: {exc}") from None
    kind = root.tag.rsplit("}", 1)[-1]
    if kind not in ("urlset", "sitemapindex"):
        raise NotASitemap(f"<{kind}> is not a sitemap")
    locs = []
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == "loc" and element.text and element.text.strip():
            url = urljoin(base_url, element.text.strip())
            if urlsplit(url).scheme in ("http", "https"):
                locs.append(url)
    unique = tuple(dict.fromkeys(locs))
    return Sitemap(sitemaps=unique) if kind == "sitemapindex" else Sitemap(pages=unique)


def robots_sitemaps(text: str, *, base_url: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt."""
    found = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            found.append(urljoin(base_url, value.strip().split("#")[0].strip()))
    return list(dict.fromkeys(found))


_PRODUCTISH = re.compile(r"product|/shop/|/p/|/item", re.IGNORECASE)


def products_first(urls: list[str]) -> list[str]:
    """Product-looking URLs first (product sitemaps, /products/… pages), order kept otherwise:
    with a page cap, a site's blog should not crowd out its shop."""
    return sorted(urls, key=lambda url: _PRODUCTISH.search(url) is None)


def same_site(url: str, of: str) -> bool:
    """Whether a sitemap's page is on the sitemap's own site (www. or not)."""

    def bare(u: str) -> str:
        return _host(u).removeprefix("www.")

    return bare(url) == bare(of)


# --- schema.org JSON-LD ---


class _LinkedData(HTMLParser):
    """The JSON-LD scripts and the canonical link of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.canonical: str | None = None
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "script":
            kind = values.get("type", "").split(";")[0].strip().lower()
            self._in_ld = kind == "application/ld+json"
            if self._in_ld:
                self.scripts.append("")
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = self.canonical or values.get("href") or None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.scripts[-1] += data


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return {str(n).rsplit("/", 1)[-1].removeprefix("schema:") for n in names if n}


def _product_nodes(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every schema.org Product in a JSON-LD value: top level, lists, @graph, mainEntity,
    ItemList entries, and the variants of a ProductGroup (which inherit what they lack)."""
    if depth > 8:
        return
    if isinstance(node, list):
        for item in node:
            yield from _product_nodes(item, depth + 1)
        return
    if not isinstance(node, dict):
        return
    types = _types(node)
    if "ProductGroup" in types and isinstance(node.get("hasVariant"), list | dict):
        variants = node["hasVariant"]
        for variant in variants if isinstance(variants, list) else [variants]:
            if isinstance(variant, dict):
                inherited = {k: node[k] for k in ("description", "image", "url") if k in node}
                yield {**inherited, **variant}
        return
    if types & {"Product", "ProductGroup", "ProductModel"}:
        yield node
        return
    for key in ("@graph", "mainEntity", "itemListElement", "item"):
        if key in node:
            yield from _product_nodes(node[key], depth + 1)


def _offers(product: dict[str, Any]) -> list[dict[str, Any]]:
    raw = product.get("offers")
    offers = raw if isinstance(raw, list) else [raw]
    flat: list[dict[str, Any]] = []
    for offer in offers:
        if isinstance(offer, dict):
            flat.append(offer)
            flat.extend(_offers(offer))  # an AggregateOffer's own offers
    return flat


def _offer_price(offer: dict[str, Any]) -> tuple[Decimal | None, Any]:
    spec = offer.get("priceSpecification")
    specs = [s for s in (spec if isinstance(spec, list) else [spec]) if isinstance(s, dict)]
    for source in (offer, *specs):
        for key in ("price", "lowPrice"):
            if (price := parse_price(source.get(key))) is not None:
                return price, source.get("priceCurrency") or offer.get("priceCurrency")
    return None, offer.get("priceCurrency")


def _in_stock(offers: list[dict[str, Any]]) -> bool:
    said = [str(o["availability"]).rsplit("/", 1)[-1] for o in offers if o.get("availability")]
    return not said or any(a not in NOT_IN_STOCK for a in said)


def _text_of(raw: Any) -> Any:
    """A schema.org text that may come as a list or a {"@value": …} object."""
    if isinstance(raw, list):
        return _text_of(raw[0]) if raw else None
    if isinstance(raw, dict):
        return raw.get("@value") or raw.get("name")
    return raw


def jsonld_products(page: str, *, page_url: str, currency: str | None) -> Parsed:
    """The schema.org Products of one HTML page. A page without any is not a product page and
    gives nothing; invalid JSON-LD and Products without a name or price are reported."""
    parsed = Parsed()
    reader = _LinkedData()
    try:
        reader.feed(page)
        reader.close()
    except Exception as exc:  # html.parser is lenient; whatever it still refuses is a bad page
        parsed.skip(page_url, f"unreadable HTML: {exc}")
        return parsed
    canonical = absolute_url(reader.canonical, page_url) or page_url
    canonical = canonical.split("#", 1)[0]
    nodes: list[dict[str, Any]] = []
    errors: list[str] = []
    for script in reader.scripts:
        try:
            nodes.extend(_product_nodes(json.loads(script, strict=False)))
        except json.JSONDecodeError as exc:
            errors.append(f"invalid JSON-LD: {exc.msg} (line {exc.lineno}, column {exc.colno})")
        except RecursionError:
            errors.append("invalid JSON-LD: nested too deeply")
    if not nodes and errors:
        parsed.skip(page_url, errors[0])
        return parsed
    host = _host(canonical)
    without_sku = sum(1 for n in nodes if not _text_of(n.get("sku")))
    for node in nodes:
        offers = _offers(node)
        price, said_currency = next(
            ((p, c) for p, c in map(_offer_price, offers) if p is not None), (None, None)
        )
        sku = _clean(
            _text_of(node.get("sku")) or next((o["sku"] for o in offers if o.get("sku")), "")
        )
        url = absolute_url(_text_of(node.get("url")), page_url) or canonical
        name = _text_of(node.get("name"))
        if sku:
            external_id = f"jsonld:{host}:sku:{sku}"
        elif without_sku > 1:
            external_id = f"jsonld:{url}#{_clean(name)}"
        else:
            external_id = f"jsonld:{url}"
        made = product_of(
            external_id[:MAX_URL],
            url,
            name=name,
            price=price,
            currency=said_currency,
            fallback_currency=currency,
            description=_text_of(node.get("description")),
            sku=sku,
            image_url=_image(node.get("image"), page_url),
            in_stock=_in_stock(offers),
        )
        _add(parsed, made, page_url)
    return parsed
