"""Reading the schema.org Products of an HTML page's JSON-LD (Product, ProductGroup variants,
@graph, ItemList, offers and AggregateOffers)."""

import json
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from sauda_gateway.catalog.parsing.values import (
    MAX_URL,
    Parsed,
    absolute_url,
    clean,
    host_of,
    image_of,
    parse_price,
    product_of,
)

NOT_IN_STOCK = frozenset({"OutOfStock", "SoldOut", "Discontinued"})


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
    host = host_of(canonical)
    without_sku = sum(1 for n in nodes if not _text_of(n.get("sku")))
    for node in nodes:
        offers = _offers(node)
        price, said_currency = next(
            ((p, c) for p, c in map(_offer_price, offers) if p is not None), (None, None)
        )
        sku = clean(
            _text_of(node.get("sku")) or next((o["sku"] for o in offers if o.get("sku")), "")
        )
        url = absolute_url(_text_of(node.get("url")), page_url) or canonical
        name = _text_of(node.get("name"))
        if sku:
            external_id = f"jsonld:{host}:sku:{sku}"
        elif without_sku > 1:
            external_id = f"jsonld:{url}#{clean(name)}"
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
            image_url=image_of(node.get("image"), page_url),
            in_stock=_in_stock(offers),
        )
        parsed.add(made, page_url)
    return parsed
