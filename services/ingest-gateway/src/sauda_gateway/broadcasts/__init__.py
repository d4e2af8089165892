"""Broadcasts: one approved template to many customers, run by the notifier as a job."""
