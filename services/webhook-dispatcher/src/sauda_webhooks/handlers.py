"""handlers of webhook-dispatcher: not built yet (see the project's issues)."""
