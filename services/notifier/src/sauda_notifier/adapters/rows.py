"""The notifier's rows as domain values: the message log's columns, its SQL, and who caused a write."""

from dataclasses import dataclass
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
    return Message(
        message_id=row["message_id"],
        business_id=row["business_id"],
        dedupe_key=row["dedupe_key"],
        phone_number_id=row["phone_number_id"],
        customer_phone=row["customer_phone"],
        order_id=row["order_id"],
        purpose=MessagePurpose(row["purpose"]),
        template=row["template"],
        language=row["language"],
        kind=row["kind"],
        text=row["text"],
        request=row["request"],
        wamid=row["wamid"],
        state=SendState(row["state"]),
        status=DeliveryStatus(row["status"]),
        attempts=row["attempts"],
        history=tuple(StatusChange.model_validate(h) for h in row["history"]),
        error=GraphError.model_validate(row["error"]) if row["error"] else None,
        revision=row["revision"],
        claimed_at=row["claimed_at"],
        next_attempt_at=row["next_attempt_at"],
        correlation_id=row["correlation_id"],
        created_at=row["created_at"],
        order_number=row["order_number"],
    )


def order_from_row(row: asyncpg.Record) -> OrderFacts:
    return OrderFacts(
        order_id=row["order_id"],
        business_id=row["business_id"],
        order_number=row["order_number"],
        customer_phone=row["customer_phone"],
        customer_name=row["customer_name"],
        language=parse_language(row["language"]) if row["language"] else None,
        consent=row["consent"],
        total=row["total"],
        currency=row["currency"],
        status=OrderStatus(row["status"]),
        version=row["version"],
        correlation_id=row["correlation_id"],
    )
