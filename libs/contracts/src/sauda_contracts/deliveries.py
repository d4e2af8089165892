"""Failed deliveries (NDR): a courier's failed attempt on a shipped order, the shopper's answer to
it on WhatsApp ("Deliver again", "Change address", "Cancel"), the API bodies, and the ids and
quick-reply payloads that make each exactly-once.

Topics:
- `orders.commands.v1` (key: the order id): `RecordDeliveryAttempt` (the merchant's API call or
  BusinessOnBot's courier status), `AnswerDeliveryAttempt` (the shopper's tap).
- `orders.events.v1` (key: the order id): `OrderDeliveryAttemptFailed` (attempt n of a shipped
  order, numbered by the ledger), `OrderDeliveryAttemptAnswered` (one answer per attempt). Neither
  moves the status: the order stays shipped until delivered or returned (RTO).
"""

from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import Field

from sauda_contracts.envelope import Contract, Envelope
from sauda_contracts.language import Language
from sauda_contracts.orders import Actor, _OrderFactBody

MAX_RTO_AFTER = 10
_NO_NUL = r"^[^\x00]*$"  # Postgres keeps no NUL in text or jsonb: refused at the edge
DEFAULT_RTO_AFTER = 2


class DeliveryOutcome(StrEnum):
    FAILED = "failed"  # the courier could not deliver: a failed attempt (NDR)
    DELIVERED = "delivered"  # the courier delivered: the order moves to delivered


class FailureReason(StrEnum):
    """Why the courier could not deliver (the usual NDR reasons)."""

    CUSTOMER_UNAVAILABLE = "customer_unavailable"
    ADDRESS_NOT_FOUND = "address_not_found"
    REFUSED = "refused"
    OTHER = "other"


class DeliveryAnswer(StrEnum):
    """The shopper's answer to a failed attempt (the three quick replies, in button order)."""

    DELIVER_AGAIN = "deliver_again"
    CHANGE_ADDRESS = "change_address"
    CANCEL = "cancel"  # the order stays shipped: the merchant decides the return (RTO)


# --- orders.commands.v1 ---


class RecordDeliveryAttemptBody(Contract):
    order_id: UUID = Field(description="The shipped order the courier tried to deliver.")
    reason: FailureReason = Field(description="Why the attempt failed.")
    note: str | None = Field(default=None, max_length=500, description="The courier's words.")
    actor: Actor = Field(description="Who reports it: the merchant (API) or the store (BoB).")
    attempted_at: datetime = Field(description="When the courier tried.")


class RecordDeliveryAttempt(Envelope):
    type: Literal["RecordDeliveryAttempt"] = "RecordDeliveryAttempt"
    body: RecordDeliveryAttemptBody


class AnswerDeliveryAttemptBody(Contract):
    order_id: UUID = Field(description="The order.")
    attempt: int = Field(ge=1, description="The failed attempt answered (1 = the first).")
    answer: DeliveryAnswer = Field(description="What the shopper wants.")
    actor: Actor = Field(default=Actor.CUSTOMER, description="Who answered.")


class AnswerDeliveryAttempt(Envelope):
    type: Literal["AnswerDeliveryAttempt"] = "AnswerDeliveryAttempt"
    body: AnswerDeliveryAttemptBody


# --- orders.events.v1 ---


class DeliveryAttemptFailedBody(_OrderFactBody):
    attempt: int = Field(ge=1, description="Which failed attempt this is (1 = the first).")
    reason: FailureReason = Field(description="Why it failed.")
    note: str | None = Field(default=None, max_length=500, description="The courier's words.")
    actor: Actor = Field(description="Who reported it.")
    attempted_at: datetime = Field(description="When the courier tried.")


class OrderDeliveryAttemptFailed(Envelope):
    type: Literal["OrderDeliveryAttemptFailed"] = "OrderDeliveryAttemptFailed"
    body: DeliveryAttemptFailedBody


class DeliveryAttemptAnsweredBody(_OrderFactBody):
    attempt: int = Field(ge=1, description="The failed attempt answered.")
    answer: DeliveryAnswer = Field(description="What the shopper wants.")
    actor: Actor = Field(description="Who answered (the customer, on WhatsApp).")


class OrderDeliveryAttemptAnswered(Envelope):
    type: Literal["OrderDeliveryAttemptAnswered"] = "OrderDeliveryAttemptAnswered"
    body: DeliveryAttemptAnsweredBody


DeliveryEvent = OrderDeliveryAttemptFailed | OrderDeliveryAttemptAnswered
DeliveryCommand = RecordDeliveryAttempt | AnswerDeliveryAttempt


def history_reason(event: DeliveryEvent) -> str:
    """How an attempt or an answer reads in the order's history."""
    b = event.body
    if isinstance(event, OrderDeliveryAttemptFailed):
        note = f": {event.body.note}" if event.body.note else ""
        return f"delivery attempt {b.attempt} failed ({event.body.reason.value}){note}"
    return f"shopper answered delivery attempt {b.attempt}: {event.body.answer.value}"


# --- HTTP bodies ---


class DeliveryAttemptRequest(Contract):
    """`POST /api/v1/orders/{id}/delivery-attempts`: what the courier reported."""

    outcome: DeliveryOutcome = Field(description="`failed` records an attempt; `delivered` "
                                     "moves the order to delivered.")  # fmt: skip
    reason: FailureReason | None = Field(default=None, description="Required when failed.")
    note: str | None = Field(default=None, max_length=500, pattern=_NO_NUL,
                             description="Free text, e.g. the courier's remark.")  # fmt: skip
    attempt_id: str | None = Field(
        default=None, min_length=1, max_length=200, pattern=_NO_NUL,
        description="The courier's id of this attempt: sending it again records nothing new.",
    )  # fmt: skip
    attempted_at: datetime | None = Field(default=None, description="When (default: now).")


class RtoRequest(Contract):
    """`POST /api/v1/orders/{id}/rto`: optional words added to the history's reason."""

    note: str | None = Field(default=None, max_length=300, pattern=_NO_NUL,
                             description="Added to the reason.")  # fmt: skip


class DeliveryPolicy(Contract):
    """A business's NDR setting: after how many failed attempts the order may be returned."""

    rto_after_failed_attempts: int = Field(
        default=DEFAULT_RTO_AFTER, strict=True, ge=1, le=MAX_RTO_AFTER,
        description="Failed attempts after which `POST /orders/{id}/rto` is allowed (1 … 10).",
    )  # fmt: skip


class DeliveryPolicyOut(DeliveryPolicy):
    revision: int = Field(ge=0, description="0: never set, the default.")


class DeliveryAttemptData(Contract):
    """The attempt a merchant's `order_delivery_attempt_*` webhook is about."""

    attempt: int = Field(ge=1, description="Which failed attempt (1 = the first).")
    reason: FailureReason | None = Field(default=None, description="Why it failed (failed).")
    note: str | None = Field(default=None, max_length=500, description="The courier's words.")
    answer: DeliveryAnswer | None = Field(default=None, description="The shopper's (answered).")


def attempt_data(event: DeliveryEvent) -> DeliveryAttemptData:
    if isinstance(event, OrderDeliveryAttemptFailed):
        b = event.body
        return DeliveryAttemptData(attempt=b.attempt, reason=b.reason, note=b.note)
    return DeliveryAttemptData(attempt=event.body.attempt, answer=event.body.answer)


def rto_reason(failed_attempts: int, note: str | None = None) -> str:
    plural = "s" if failed_attempts != 1 else ""
    tail = f" ({note})" if note else ""
    return f"returned to origin after {failed_attempts} failed attempt{plural}{tail}"


# --- ids and payloads (exactly once) ---


def attempt_command_id(order_id: UUID, source: str, attempt_key: str) -> UUID:
    """One courier attempt, one command: a retried API call or a redelivered courier status with
    the same key names the very same command, which the ledger drops."""
    return uuid5(NAMESPACE_URL, f"sauda:delivery-attempt:{order_id}:{source}:{attempt_key}")


def answer_command_id(order_id: UUID, attempt: int) -> UUID:
    """One answer per attempt: whatever the shopper taps (again, or another button) names the
    same command, so the ledger records the first answer only."""
    return uuid5(NAMESPACE_URL, f"sauda:delivery-answer:{order_id}:{attempt}")


def delivery_payload(answer: DeliveryAnswer, order_id: UUID, attempt: int,
                     language: Language) -> str:  # fmt: skip
    """The payload a failed-delivery quick reply carries back (Meta: ≤ 256 characters)."""
    return f"ndr:{answer.value}:{order_id}:{attempt}:{language.value}"


def parse_delivery_payload(
    payload: str | None,
) -> tuple[DeliveryAnswer, UUID, int, Language] | None:
    """(answer, order id, attempt, language) of a failed-delivery quick reply, or None."""
    if not payload:
        return None
    parts = payload.split(":")
    if len(parts) != 5 or parts[0] != "ndr":
        return None
    try:
        attempt = int(parts[3])
        if attempt < 1:
            return None
        return DeliveryAnswer(parts[1]), UUID(parts[2]), attempt, Language(parts[4])
    except ValueError:
        return None
