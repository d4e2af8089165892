-- The merchant's catalog and FAQs (merchant configuration: the conversation service reads these
-- tables directly, so their names and columns are a contract).
CREATE TABLE products (
    product_id uuid PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    name text NOT NULL,
    price numeric(14, 2) NOT NULL CHECK (price >= 0),
    currency char(3) NOT NULL,
    description text,
    sku text,
    image_url text,
    in_stock boolean NOT NULL DEFAULT true,
    aliases text[] NOT NULL DEFAULT '{}',
    source_url text,                            -- the store page an import read it from
    external_id text,                           -- shopify:<host>:<variant id>, woo:<host>:<id>,
                                                -- jsonld:<host>:sku:<sku>, jsonld:<page url>
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_business ON products (business_id, lower(name), product_id);
-- A re-import finds the product it made before and updates it instead of adding another.
CREATE UNIQUE INDEX products_external_id ON products (business_id, external_id)
    WHERE external_id IS NOT NULL;
-- One product per SKU in a business, whoever made it (an import adopts a product the merchant
-- made with the same SKU, so the two never both exist).
CREATE UNIQUE INDEX products_sku ON products (business_id, lower(sku)) WHERE sku IS NOT NULL;

CREATE TABLE faqs (
    faq_id uuid PRIMARY KEY,
    business_id uuid NOT NULL REFERENCES businesses (business_id) ON DELETE CASCADE,
    question text NOT NULL,
    answer text NOT NULL,
    keywords text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX faqs_business ON faqs (business_id, created_at, faq_id);
