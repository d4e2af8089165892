"""Notifier use cases: decide → record in one transaction → claim → call Meta → record.

What an event means (message rows, notices, reminders, outbox records) is written in one
transaction; what was queued is then sent: claim and commit first, call Meta, record the answer.
Every use case takes its collaborators as keyword-only parameters (bootstrap binds them).
- `orders`: order events; `outbound`: the conversation's requests; `receipts`: Meta's receipts;
- `sending`: claim, send, record an attempt, the retry topics' claim;
- `reminders`: due COD reminders and the sweep; `templates`: the WABA's templates;
- `common`: settings, metrics, log context.
"""
