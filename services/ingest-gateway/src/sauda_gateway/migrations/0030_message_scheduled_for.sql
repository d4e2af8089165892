-- A COD message held by the shop's quiet hours is in the merchant's log as `scheduled`, with
-- the time it goes.
ALTER TABLE wa_messages ADD COLUMN scheduled_for timestamptz;
