"""Plumbing shared by every Sauda service: logs, Postgres, Kafka, the outbox relay, health."""
