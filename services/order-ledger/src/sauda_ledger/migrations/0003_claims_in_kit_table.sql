-- Commands are claimed in the kit's processed_events (consumer 'ledger'), like every consumer's
-- records. A schema made before the kit keeps its claims: they move across, then the old table goes.
DO $$
BEGIN
    IF to_regclass('processed_commands') IS NOT NULL THEN
        INSERT INTO processed_events (consumer, event_id, processed_at)
        SELECT 'ledger', command_id, processed_at FROM processed_commands
        ON CONFLICT DO NOTHING;
        DROP TABLE processed_commands;
    END IF;
END
$$;
