"""The merchant's catalog: products, FAQs, and importing a store's products from its address."""
