"""The WhatsApp templates of each business's WABA and their review state, folded from notifier.events.v1."""
