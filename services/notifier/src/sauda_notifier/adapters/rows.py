"""The notifier's rows as domain values: the message log's columns, its SQL, and who caused a write."""

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from sauda_contracts import OrderStatus
from sauda_contracts.language import Language
from sauda_contracts.whatsapp import DeliveryStatus, GraphError, MessagePurpose, StatusChange
from sauda_notifier.domain.facts import OrderFacts, parse_language
from sauda_notifier.domain.message_log import Message, SendState


@dataclass(frozen=True, slots=True)
class Cause:
    """Who the records written now answer to: the tenant and the message that caused them."""

    business_id: UUID
    correlation_id: str
    causation_id: str | None

    def envelope(self, event_id: UUID, now: datetime) -> dict[str, Any]:
        return {
            "event_id": event_id,
            "occurred_at": now,
            "business_id": self.business_id,
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
        }


MESSAGE_COLUMNS = (
    "message_id, business_id, dedupe_key, phone_number_id, customer_phone, order_id, purpose, "
    "template, language, kind, text, request, wamid, state, status, attempts, history, error, "
    "revision, claimed_at, next_attempt_at, correlation_id, created_at"
)
_FIELDS = ", ".join(f"m.{c.strip()}" for c in MESSAGE_COLUMNS.split(","))
MESSAGE_SELECT = (
    f"SELECT {_FIELDS}, o.order_number "
    "FROM messages m LEFT JOIN orders o ON o.order_id = m.order_id"
)
# queued → sending, counting the attempt; the claimed rows come back whole.
CLAIM_MESSAGES = (
    "WITH m AS (UPDATE messages SET state = 'sending', claimed_at = $2, attempts = attempts + 1, "
    " updated_at = now() WHERE message_id = ANY($1::uuid[]) AND state = 'queued' "
    " AND ($3::int IS NULL OR attempts = $3::int) RETURNING *) "
    f"SELECT {_FIELDS}, o.order_number FROM m LEFT JOIN orders o ON o.order_id = m.order_id"
)
ORDER_SELECT = f"SELECT {', '.join(f.name for f in fields(OrderFacts))} FROM orders"
SAVE_MESSAGE = (
    "UPDATE messages SET wamid = $2, state = $3, status = $4, attempts = $5, "
    " history = $6, error = $7, revision = $8, claimed_at = $9, next_attempt_at = $10, "
    " updated_at = now() WHERE message_id = $1"
)


def language_of(value: str | None) -> Language | None:
    try:
        return Language(value) if value else None
    except ValueError:
        return None


def message_from_row(row: asyncpg.Record) -> Message:
    # MESSAGE_SELECT and CLAIM_MESSAGES read exactly the message's fields, by name.
    return Message(
        **{
            **row,
            "purpose": MessagePurpose(row["purpose"]),
            "state": SendState(row["state"]),
            "status": DeliveryStatus(row["status"]),
            "history": tuple(StatusChange.model_validate(h) for h in row["history"]),
            "error": GraphError.model_validate(row["error"]) if row["error"] else None,
        }
    )


def order_from_row(row: asyncpg.Record) -> OrderFacts:
    # ORDER_SELECT reads exactly the facts' fields, by name.
    return OrderFacts(
        **{
            **row,
            "language": parse_language(row["language"]) if row["language"] else None,
            "status": OrderStatus(row["status"]),
        }
    )
