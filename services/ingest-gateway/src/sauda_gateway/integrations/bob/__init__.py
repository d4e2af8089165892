"""BusinessOnBot-compatible push endpoints: Shopify-shaped bodies in, BOB answers out."""
