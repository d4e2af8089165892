-- The trace context (W3C traceparent, tracestate) of the transaction that wrote an outbox row,
-- sent on as the Kafka record's headers. NULL when tracing is off (the record gets no headers).
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS headers jsonb;
