"""Order intake and commands: ingest, store upserts and status changes, sent to the ledger through
the outbox and answered through the command outcomes the view records."""
