"""Each business's COD policy: its settings API, stored as a row and sent to the notifier."""
