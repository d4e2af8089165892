"""What the COD policy captured with an order does: when the order is placed (confirm it at
once below the minimum, send the COD message now, or wait) and at each due step (hold for the
quiet hours, send the message, expire). The ledger commands have deterministic ids, so a
replayed event or a step repeated after a crash asks the ledger for nothing new."""

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID, uuid5

from sauda_contracts import Actor, ChangeOrderStatus, ChangeOrderStatusBody, OrderStatus
from sauda_contracts.cod_policy import (
    BELOW_MINIMUM_REASON,
    EXPIRY_CANCEL_REASON,
    CodPolicy,
)
from sauda_contracts.order_review import HoldForReviewBody, HoldOrderForReview
from sauda_contracts.whatsapp import MessagePurpose, NoticeKind
from sauda_notifier.domain.cod_schedule import (
    Step,
    StepKind,
    below_minimum,
    due_after_first,
    first_due,
    quiet_until,
    step_after,
    steps_of,
)
from sauda_notifier.domain.facts import NAMESPACE, Notice, OrderFacts, notice_id_for
from sauda_notifier.domain.planning import OrderPlan
from sauda_notifier.domain.templates import TemplateMessage


class Start(StrEnum):
    CONFIRM = "confirm"  # below the minimum: the system confirms it, no COD message
    SEND_NOW = "send_now"  # the COD message goes with the order event, as before
    WAIT = "wait"  # the first COD message is a due step (a delay, or quiet hours)


@dataclass(frozen=True, slots=True)
class CodStart:
    start: Start
    next_step: int | None = None  # the step row to schedule, if any
    due_at: datetime | None = None
    first_sent_at: datetime | None = None
    note: str | None = None


def start_cod(policy: CodPolicy, total: Decimal, *, placed_at: datetime, now: datetime) -> CodStart:
    """What placing an order that asks for a COD answer starts under `policy`."""
    if below_minimum(policy, total):
        return CodStart(Start.CONFIRM, note="below the minimum order total")
    due = max(first_due(policy, placed_at), now)
    held = quiet_until(policy, due)
    if due <= now and held is None:
        nxt = step_after(policy, 0)
        if nxt is None:
            return CodStart(Start.SEND_NOW)
        return CodStart(Start.SEND_NOW, nxt.number, due_after_first(nxt, now), now)
    # In the quiet hours the step is due at once all the same: its sweep holds it, and records
    # the message in the merchant's log as scheduled for their end.
    note = f"quiet hours: waits until {held.isoformat()}" if held else None
    return CodStart(Start.WAIT, 0, due, None, note)


class Act(StrEnum):
    HOLD = "hold"  # quiet hours: the step waits until they end
    MESSAGE = "message"  # send the COD message or a reminder
    EXPIRE = "expire"


@dataclass(frozen=True, slots=True)
class StepPlan:
    act: Act
    step: Step
    until: datetime | None = None  # HOLD: when the quiet hours end
    first_sent_at: datetime | None = None
    next_step: Step | None = None
    next_due: datetime | None = None


def plan_step(policy: CodPolicy, number: int, first_sent_at: datetime | None,
              now: datetime) -> StepPlan:  # fmt: skip
    """What the due step `number` does now."""
    step = steps_of(policy)[number]
    if step.kind is not StepKind.EXPIRY and (held := quiet_until(policy, now)) is not None:
        return StepPlan(Act.HOLD, step, until=held)
    first = now if step.kind is StepKind.FIRST or first_sent_at is None else first_sent_at
    nxt = step_after(policy, number)
    act = Act.EXPIRE if step.kind is StepKind.EXPIRY else Act.MESSAGE
    return StepPlan(act, step, first_sent_at=first, next_step=nxt,
                    next_due=due_after_first(nxt, first) if nxt else None)  # fmt: skip


def step_purpose(step: Step) -> MessagePurpose:
    return MessagePurpose.COD_CONFIRMATION if step.kind is StepKind.FIRST else (
        MessagePurpose.COD_REMINDER)  # fmt: skip


def step_message(message: TemplateMessage, step: Step) -> TemplateMessage:
    """The step's message with its own dedupe key: the first COD message and the first reminder
    keep the seed's keys (so neither is ever sent twice alongside the old path); reminders 2
    and 3 are keyed by their number."""
    if step.kind is StepKind.REMINDER and step.number > 1:
        return replace(message, dedupe_key=f"{message.dedupe_key}:{step.number}")
    return message


def command_id(order_id: UUID, what: str) -> UUID:
    return uuid5(NAMESPACE, f"cod-policy:{what}:{order_id}")


def _command(order: OrderFacts, business_id: UUID, status: OrderStatus, reason: str, what: str,
             now: datetime) -> ChangeOrderStatus:  # fmt: skip
    return ChangeOrderStatus(
        event_id=command_id(order.order_id, what), occurred_at=now, business_id=business_id,
        correlation_id=order.correlation_id, causation_id=None,
        body=ChangeOrderStatusBody(order_id=order.order_id, status=status, actor=Actor.SYSTEM,
                                   reason=reason),
    )  # fmt: skip


def confirm_below_minimum(order: OrderFacts, business_id: UUID, now: datetime) -> ChangeOrderStatus:
    return _command(order, business_id, OrderStatus.CONFIRMED, BELOW_MINIMUM_REASON,
                    "below-minimum", now)  # fmt: skip


def cancel_expired(order: OrderFacts, business_id: UUID, now: datetime) -> ChangeOrderStatus:
    return _command(order, business_id, OrderStatus.CANCELLED, EXPIRY_CANCEL_REASON,
                    "expired", now)  # fmt: skip


def hold_expired(order: OrderFacts, business_id: UUID, hours: float,
                 now: datetime) -> HoldOrderForReview:  # fmt: skip
    """The order marked for the merchant's review (in the view and the webhooks)."""
    return HoldOrderForReview(
        event_id=command_id(order.order_id, "held"), occurred_at=now, business_id=business_id,
        correlation_id=order.correlation_id, causation_id=None,
        body=HoldForReviewBody(order_id=order.order_id, actor=Actor.SYSTEM,
                               reason=f"not confirmed on WhatsApp within {hours:g} hours"),
    )  # fmt: skip


def expired_notice(order: OrderFacts, hours: float) -> Notice:
    return Notice(
        notice_id=notice_id_for(order.order_id, NoticeKind.COD_EXPIRED),
        kind=NoticeKind.COD_EXPIRED,
        message=f"Order {order.order_number} was not confirmed on WhatsApp within "
        f"{hours:g} hours: review it.",
        order_id=order.order_id,
        order_number=order.order_number,
        customer_phone=order.customer_phone,
        customer_user_id=None if order.customer_phone else order.customer_user_id,
    )


def apply_policy(
    plan: OrderPlan, policy: CodPolicy, *, placed_at: datetime, now: datetime
) -> tuple[OrderPlan, CodStart | None]:
    """An OrderPlaced plan under a stored policy: the policy takes over the COD message's
    timing and its reminders (the seed's one reminder is not scheduled); a plan without a COD
    message (paid, no consent, too old) is left alone."""
    if plan.facts is None or not any(m.purpose is MessagePurpose.COD_CONFIRMATION
                                     for m in plan.messages):  # fmt: skip
        return plan, None
    start = start_cod(policy, plan.facts.total, placed_at=placed_at, now=now)
    messages = plan.messages
    if start.start is not Start.SEND_NOW:
        messages = tuple(m for m in messages if m.purpose is not MessagePurpose.COD_CONFIRMATION)
    return replace(plan, messages=messages, reminder=None), start
