"""Media uploads: a merchant's file kept by the gateway and put on Meta by the notifier."""
