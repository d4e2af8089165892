"""Sauda conversation: chat ordering sessions, carts, intents and reminders. Skeleton: built in a later issue."""
