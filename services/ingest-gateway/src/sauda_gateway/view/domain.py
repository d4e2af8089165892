"""The orders page's rules, pure: what a search means, the date range, the keyset cursor, and the
statuses an order may move to next (the FSM's, read from the contracts)."""

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from sauda_contracts.orders import ALLOWED_TRANSITIONS, OrderStatus
from sauda_gateway.domain import Forbidden, Invalid, InvalidField, Upstream
from sauda_gateway.orders.domain import format_order_number


class InvalidCursor(
    Invalid,
    code="invalid_cursor",
    message="cursor: not a cursor this API gave; start again without one",
    field="cursor",
): ...


class SignedInOnly(
    Forbidden,
    code="session_required",
    message="notices are marked read per dashboard user: sign in (an API key is no user)",
): ...


class LiveUnavailable(
    Upstream, code="live_unavailable", message="live updates are not served by this gateway"
): ...


def next_statuses(status: OrderStatus) -> list[OrderStatus]:
    """The legal next states, in the FSM's own order."""
    allowed = ALLOWED_TRANSITIONS[status]
    return [s for s in ALLOWED_TRANSITIONS if s in allowed]


# An order number as people write it: ORD-000042, #ORD-000042, #42, 42.
_NUMBER = re.compile(r"^#?\s*([A-Za-z]{1,10}-)?(\d{1,12})$")


@dataclass(frozen=True)
class Search:
    """What one search box text matches: order numbers, one customer phone, a part of a name."""

    numbers: tuple[str, ...] = ()
    phone: str | None = None
    name: str | None = None  # lower case, matched anywhere in the customer's name


def search_of(q: str, *, phone: str | None) -> Search:
    """`q` read as an order number (Sauda's or the store's own), a phone (`phone`: `q` already
    read as one, or None) and, when it has letters and is no order number, part of a name."""
    text = q.strip()
    numbers: list[str] = []
    if match := _NUMBER.match(text):
        prefix, digits = match.groups()
        numbers += [text.lstrip("#").strip(), f"{(prefix or '').upper()}{digits}"]
        if len(digits) <= 9:
            numbers.append(format_order_number(int(digits)))
    named = any(ch.isalpha() for ch in text) and not numbers
    return Search(tuple(dict.fromkeys(numbers)), phone, text.lower() if named else None)


def moment(raw: str | None, field: str, *, end: bool = False) -> datetime | None:
    """An ISO date or datetime; a date is a whole UTC day (`end`: up to its last instant), a
    datetime without an offset is UTC."""
    if raw is None:
        return None
    text = raw.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(), UTC)
            return start + timedelta(days=1) if end else start
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise InvalidField(
            f"{field}: {raw!r} is not an ISO date (2026-06-18) or datetime "
            "(2026-06-18T09:30:00+05:00)",
            field=field,
        ) from None


def date_range(created_from: str | None, created_to: str | None) -> tuple[datetime | None, ...]:
    """[from, to) of the two bounds; a `to` date includes that whole day."""
    start, stop = moment(created_from, "created_from"), moment(created_to, "created_to", end=True)
    if start is not None and stop is not None and stop <= start:
        raise InvalidField("created_to: must be after created_from", field="created_to")
    return start, stop


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the last order's (created_at, order_id), newest first."""

    created_at: datetime
    order_id: UUID

    def encode(self) -> str:
        raw = f"{self.created_at.isoformat()}|{self.order_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            at, _, order_id = raw.partition("|")
            created_at = datetime.fromisoformat(at)
            if created_at.tzinfo is None:
                raise ValueError("no offset")
            return cls(created_at.astimezone(UTC), UUID(order_id))
        except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
            raise InvalidCursor() from None


@dataclass(frozen=True)
class OrderFilter:
    """Which of a business's orders a list or the counts cover."""

    status: str | None = None
    source: str | None = None
    search: Search | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
