"""Adapters: the gateway's Postgres stores, the query view projection, Kafka publishing."""
