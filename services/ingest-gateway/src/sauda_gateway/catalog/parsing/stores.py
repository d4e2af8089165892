"""Reading Shopify's `/products.json` and WooCommerce's Store API pages into products."""

from typing import Any

from sauda_gateway.catalog.parsing.values import (
    Parsed,
    absolute_url,
    clean,
    host_of,
    image_of,
    minor_units,
    origin_of,
    parse_price,
    product_of,
)

SHOPIFY_PAGE_SIZE = 250
WOO_PAGE_SIZE = 100


# --- Shopify: /products.json ---


def shopify_products(data: Any, *, store_url: str, currency: str | None) -> Parsed:
    """One page of a Shopify store's public `/products.json`: each variant with its price is a
    product ("Product – Variant" when the product has more than one)."""
    parsed = Parsed()
    origin, host = origin_of(store_url), host_of(store_url)
    products = data.get("products") if isinstance(data, dict) else None
    for item in products if isinstance(products, list) else ():
        if not isinstance(item, dict):
            continue
        title = item.get("title")
        page = f"{origin}/products/{item.get('handle') or item.get('id')}"
        variants = [v for v in item.get("variants") or () if isinstance(v, dict)]
        if not variants:
            parsed.skip(page, f"{clean(title) or 'a product'}: no variants")
            continue
        several = len(variants) > 1
        image = image_of(item.get("images"), origin)
        for variant in variants:
            name = f"{clean(title)} – {clean(variant.get('title'))}" if several else title
            made = product_of(
                f"shopify:{host}:{variant.get('id')}",
                f"{page}?variant={variant.get('id')}" if several else page,
                name=name,
                price=parse_price(variant.get("price")),
                currency=currency,
                description=item.get("body_html"),
                sku=variant.get("sku"),
                image_url=image_of(variant.get("featured_image"), origin) or image,
                in_stock=variant.get("available") is not False,
            )
            parsed.add(made, page)
    return parsed


def shopify_ids(data: Any) -> set[str]:
    """The product ids on a page (a store that ignores `page` repeats them)."""
    products = data.get("products") if isinstance(data, dict) else None
    return {str(p.get("id")) for p in products or () if isinstance(p, dict)}


# --- WooCommerce: the Store API ---


def woo_products(data: Any, *, store_url: str, currency: str | None) -> Parsed:
    """One page of `/wp-json/wc/store/v1/products`: prices are strings of minor units."""
    parsed = Parsed()
    origin, host = origin_of(store_url), host_of(store_url)
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
            image_url=image_of(item.get("images"), origin),
            in_stock=item.get("is_in_stock") is not False,
        )
        parsed.add(made, page)
    return parsed
