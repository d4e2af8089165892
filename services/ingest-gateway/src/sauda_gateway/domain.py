"""What every gateway context shares: the tenant (a business) and the domain error use cases raise.

Pure: the standard library only. Each context's `domain.py` defines its own errors on `DomainError`;
the API layer (`api/errors.py`) maps each class to its HTTP status.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID


@dataclass(frozen=True)
class Business:
    """The business a request acts for (the caller's API key names it)."""

    business_id: UUID
    name: str
    plan: str
    default_country: str = "PK"


class DomainError(Exception):
    """A request Sauda refuses: a stable `code`, a message for people, the field at fault."""

    code: ClassVar[str] = "refused"
    # What a refusal of this kind says when the raiser has nothing more particular to say.
    default_message: ClassVar[str] = "the request was refused"
    default_field: ClassVar[str | None] = None

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)
        self.field = field or self.default_field
        self.details = details


class InvalidPhone(DomainError):
    code = "invalid_phone"


class UnsafeAddress(DomainError):
    """A URL Sauda will not call (a webhook, a store to import): private, not https, …"""

    code = "unsafe_url"


class InvalidField(DomainError):
    code = "invalid_field"


class MissingField(DomainError):
    code = "missing_field"


def order_sequence_name(business_id: UUID) -> str:
    """The Postgres sequence a business's order numbers are drawn from (one per business)."""
    return f"order_seq_{business_id.hex}"


def envelope(
    business: Business, correlation_id: str, *, event_id: UUID, now: datetime
) -> dict[str, Any]:
    """Envelope fields of a message a request starts: its id, when, the caller's business."""
    return {"event_id": event_id, "occurred_at": now, "business_id": business.business_id,
            "correlation_id": correlation_id}  # fmt: skip


def parse_id(raw: str, not_found: Callable[[], DomainError]) -> UUID:
    """A path id; one that is not a UUID names nothing, so it is that thing's not-found."""
    try:
        return UUID(raw)
    except ValueError:
        raise not_found() from None
