"""The chat bot as the merchant drives it: its flows to trigger for a shopper, and the click
log of its (and the merchant's) reply buttons."""
