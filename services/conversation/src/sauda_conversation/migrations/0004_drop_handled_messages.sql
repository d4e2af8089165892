-- Taps acted on are claimed in the kit's processed_events (consumer "conversation-inbound", by
-- the command id derived from the wamid) since the consumer kit; this older table is unused.
DROP TABLE IF EXISTS handled_messages;
