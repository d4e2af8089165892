"""app of notifier: not built yet (see the project's issues)."""
