"""The COD reminder: when it is due and whether an order still wants it."""

from datetime import datetime, timedelta

from sauda_contracts import OrderStatus
from sauda_notifier.domain.facts import OrderFacts


def reminder_due_at(placed_at: datetime, after_seconds: float) -> datetime:
    return placed_at + timedelta(seconds=after_seconds)


def wants_reminder(order: OrderFacts | None) -> bool:
    """One reminder, only while the order still waits for the customer's COD answer."""
    return (
        order is not None
        and order.status is OrderStatus.PENDING
        and order.consent
        and order.chat_with is not None
    )
