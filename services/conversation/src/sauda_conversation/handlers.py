"""handlers of conversation: not built yet (see the project's issues)."""
