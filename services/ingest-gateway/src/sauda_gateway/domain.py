"""What every gateway context shares: the tenant (a business) and the domain error use cases raise.

Pure: the standard library only. Each context's `domain.py` declares its own refusals on one of
the kinds of `DomainError` here; the API layer (`api/errors.py`) maps each kind to its HTTP status.
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
    """A request Sauda refuses: a stable `code`, a message for people, the field at fault.

    A refusal is declared in one line, `class OrderNotFound(NotFound, code=..., message=...,
    field=...): ...`: its kind (the base below) says what the API answers with, the keywords say
    what it shows when the raiser has nothing more particular to say.
    """

    code: ClassVar[str] = "refused"
    default_message: ClassVar[str] = "the request was refused"
    default_field: ClassVar[str | None] = None

    def __init_subclass__(
        cls,
        *,
        code: str | None = None,
        message: str | None = None,
        field: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = code or cls.code
        cls.default_message = message or cls.default_message
        cls.default_field = field or cls.default_field

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


# The kinds of refusal; `api/errors.py` answers each with its HTTP status.
class Invalid(DomainError):
    """The request itself is wrong."""


class Unauthenticated(DomainError):
    """The caller is not who it must be."""


class Forbidden(DomainError):
    """The caller may not do this (its plan, say)."""


class NotFound(DomainError):
    """The thing named is not there for this business."""


class Conflict(DomainError):
    """What the request asks clashes with what already is."""


class Gone(DomainError):
    """The thing named was there and is no more (a used or expired one-time link)."""


class Upstream(DomainError):
    """Someone else's system (a store) did not give what was needed."""


class UnsupportedType(Invalid):
    """A body (a file) of a type Sauda (or Meta) does not take: 415."""


class TooLarge(Invalid):
    """A body (a file) over its limit: 413."""


class InvalidPhone(Invalid, code="invalid_phone"): ...


class UnsafeAddress(Invalid, code="unsafe_url"):
    """A URL Sauda will not call (a webhook, a store to import): private, not https, …"""


class InvalidField(Invalid, code="invalid_field"): ...


class MissingField(Invalid, code="missing_field"): ...


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
