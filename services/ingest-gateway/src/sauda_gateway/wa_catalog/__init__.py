"""The business's WhatsApp catalog: its products as one catalog, re-imported on a sync, and the orders placed in the chat."""
