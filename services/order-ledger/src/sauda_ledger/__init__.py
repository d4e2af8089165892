"""Sauda order ledger: the order aggregate, its FSM and the event log."""
