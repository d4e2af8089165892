"""The clock and new ids, for handlers: domain functions get both as arguments, never ask."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sauda_gateway.domain import Business, envelope


def now() -> datetime:
    return datetime.now(UTC)


def new_id() -> UUID:
    return uuid4()


def fresh_envelope(business: Business, correlation_id: str) -> dict[str, Any]:
    """Envelope fields of a message this request starts: a new id, now, the caller's business."""
    return envelope(business, correlation_id, event_id=new_id(), now=now())
