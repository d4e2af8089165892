"""The NDR rules the gateway checks before it asks the ledger, pure: what an attempt request
means, how many attempts failed (from the view's history), whether RTO is allowed yet."""

from collections.abc import Iterable, Mapping
from typing import Any

from sauda_contracts import type_name
from sauda_contracts.deliveries import (
    DeliveryAttemptRequest,
    DeliveryOutcome,
    FailureReason,
    OrderDeliveryAttemptFailed,
)
from sauda_contracts.orders import OrderStatus
from sauda_gateway.domain import Conflict, MissingField

FAILED = type_name(OrderDeliveryAttemptFailed)


class NotShipped(Conflict, code="not_shipped", field="order_id"):
    """Attempts and RTO are for a shipped order (the courier has it)."""


class RtoTooEarly(Conflict, code="rto_not_allowed_yet", field="order_id"):
    """The business allows RTO only after its number of failed attempts."""


def failed_attempts(history: Iterable[Mapping[str, Any]] | None) -> int:
    return sum(1 for entry in history or () if entry.get("event") == FAILED)


def failure_reason(request: DeliveryAttemptRequest) -> FailureReason | None:
    """The reason of a failed attempt (required), None for a delivered one."""
    if request.outcome is DeliveryOutcome.DELIVERED:
        return None
    if request.reason is None:
        raise MissingField(
            "reason: required when the outcome is failed (customer_unavailable, "
            "address_not_found, refused or other)",
            field="reason",
        )
    return request.reason


def must_be_shipped(status: str, what: str) -> None:
    if status != OrderStatus.SHIPPED:
        raise NotShipped(f"{what} is only for a shipped order; this one is {status}",
                         details={"current_status": status})  # fmt: skip


def check_rto(status: str, failed: int, needed: int) -> None:
    must_be_shipped(status, "return to origin (RTO)")
    if failed < needed:
        raise RtoTooEarly(
            f"return to origin is allowed after {needed} failed delivery attempts; this order "
            f"has {failed}",
            details={"failed_attempts": failed, "rto_after_failed_attempts": needed},
        )
