"""Reading a store's catalog: Shopify and WooCommerce JSON, sitemaps and schema.org JSON-LD.
Pure: bytes and decoded JSON in, products and the reasons for what was left out."""
