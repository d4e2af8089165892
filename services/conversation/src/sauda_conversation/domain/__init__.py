"""Conversation decisions, pure: what a shopper's message asks for, and what to answer.

`cod` (COD taps and typed answers), `orders` (a confirmed chat cart as a PlaceOrder), `flow`
(the chat-ordering steps), `shop` (the catalog and the `Ranker` port), `intents`, `language`
and `replies`. Time and ids come in as arguments; fuzzy matching comes in as a `Ranker`.
"""
