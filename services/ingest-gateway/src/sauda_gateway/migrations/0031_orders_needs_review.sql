-- An order held for the merchant's review (OrderHeldForReview: no COD answer before the shop's
-- expiry, its policy's `hold`), until its next status.
ALTER TABLE orders ADD COLUMN needs_review boolean NOT NULL DEFAULT false;
