"""What the notifier sends and when: pure decisions, one module per concept.

No I/O, no clock, no random ids: time arrives as `now`, ids are UUIDv5 of their cause.
- `facts`: accounts, the notifier's copy of an order, notices, derived ids;
- `templates`: template messages and their parameters; `graph_requests`: Graph API bodies;
- `planning`: what an order event means (messages, notices, the reminder);
- `message_log`: a message's row and its lifecycle (the FSM table, `evolve`);
- `retries`: send outcomes, classification, the retry schedule; `receipts`: Meta's receipts;
- `reminders`: the COD reminder;
- `template_records`: what each business is told of its WABA's templates, and the notice of
  one Meta stopped delivering.
"""
