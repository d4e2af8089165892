"""What one order event means to the notifier: messages, notices, the COD reminder."""

import dataclasses
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sauda_contracts import (
    STATUS_EVENT_TYPES,
    AnyOrderEvent,
    OrderPlaced,
)
from sauda_contracts.address_changes import OrderAddressChanged
from sauda_contracts.addresses import address_text
from sauda_contracts.language import Language
from sauda_contracts.orders import asks_cod_answer, format_money
from sauda_contracts.whatsapp import (
    MessagePurpose,
    NoticeKind,
)
from sauda_notifier.domain.facts import Account, Notice, OrderFacts, notice_id_for, order_facts
from sauda_notifier.domain.templates import (
    STATUS_PURPOSE,
    TemplateMessage,
    admin_message,
    cod_message,
    items_summary,
    status_message,
)

STATUS_EVENTS = tuple(STATUS_EVENT_TYPES.values())


COD_PURPOSES = frozenset({MessagePurpose.COD_CONFIRMATION, MessagePurpose.COD_REMINDER})


class ReminderAction(StrEnum):
    SCHEDULE = "schedule"
    CANCEL = "cancel"


@dataclass(frozen=True, slots=True)
class OrderPlan:
    """Everything one order event means to the notifier."""

    facts: OrderFacts | None = None
    messages: tuple[TemplateMessage, ...] = ()
    notices: tuple[Notice, ...] = ()
    reminder: ReminderAction | None = None
    contact_language: Language | None = None


def too_old(occurred_at: datetime, now: datetime, max_age_seconds: float) -> bool:
    """An order event this old when first seen (a backlog, a new notifier on an old topic, a
    reset consumer group) is news to nobody: a COD confirmation for last week's order would
    only confuse the shopper."""
    return (now - occurred_at).total_seconds() > max_age_seconds


def quiet(plan: OrderPlan) -> OrderPlan:
    """The plan of a too-old event: the order's facts are kept (later events need them), but
    nothing is sent, no notice raised, and no reminder scheduled."""
    keep = plan.reminder if plan.reminder is ReminderAction.CANCEL else None
    return replace(plan, messages=(), notices=(), reminder=keep)


def _order_notice(order: OrderFacts, kind: NoticeKind, message: str) -> Notice:
    return Notice(
        notice_id=notice_id_for(order.order_id, kind),
        kind=kind,
        message=message,
        order_id=order.order_id,
        order_number=order.order_number,
        customer_phone=order.customer_phone,
        customer_user_id=None if order.customer_phone else order.customer_user_id,
    )


def _reach_customer(order: OrderFacts, account: Account | None) -> tuple[bool, list[Notice]]:
    """Whether the customer may and can be messaged; if not, the notice that says why."""
    number = order.order_number
    if not order.consent:
        return False, [
            _order_notice(
                order,
                NoticeKind.NO_CONSENT,
                f"No WhatsApp messages for order {number}: "
                "the customer did not consent to WhatsApp messages.",
            )
        ]
    if order.chat_with is None:
        return False, [
            _order_notice(
                order,
                NoticeKind.NO_CONSENT,
                f"No WhatsApp messages for order {number}: the order has no customer phone.",
            )
        ]
    if account is None:
        return False, [
            _order_notice(
                order,
                NoticeKind.WHATSAPP_NOT_CONNECTED,
                f"No WhatsApp message for order {number}: "
                "WhatsApp is not connected for this business.",
            )
        ]
    return True, []


def plan_order_placed(
    event: OrderPlaced, account: Account | None, known_language: Language | None = None
) -> OrderPlan:
    """COD confirmation (with its reminder) for the customer, and the new-order notice and
    admin message for the merchant. An order that names no language uses the one this
    customer's earlier orders named (`known_language`), if any."""
    order = order_facts(event)
    if order.language is None and known_language is not None:
        order = replace(order, language=known_language)
    body = event.body
    money = format_money(order.total, order.currency)
    notices = [
        _order_notice(
            order,
            NoticeKind.NEW_ORDER,
            f"New order {order.order_number} from {order.customer_name or 'a customer'}, "
            f"total {money}.",
        )
    ]
    messages: list[TemplateMessage] = []
    reminder = None
    reachable, why_not = _reach_customer(order, account)
    notices += why_not
    # A paid order needs no COD confirmation: the ledger confirms it at once, and that
    # confirmation is what the customer hears about.
    if reachable and account is not None and asks_cod_answer(body):
        items = items_summary(body.items)
        messages.append(cod_message(order, account, MessagePurpose.COD_CONFIRMATION, items))
        reminder = ReminderAction.SCHEDULE
    if account is not None and (admin := admin_message(order, account)):
        messages.append(admin)
    return OrderPlan(
        facts=order,
        messages=tuple(messages),
        notices=tuple(notices),
        reminder=reminder,
        contact_language=order.language,
    )


def plan_status_event(
    event: AnyOrderEvent, order: OrderFacts | None, account: Account | None
) -> OrderPlan:
    """A status notification (utility template) if the customer consented; any status change
    also cancels the COD reminder."""
    if isinstance(event, OrderPlaced):
        raise ValueError("use plan_order_placed for OrderPlaced")
    status = event.body.status
    if order is None:
        return OrderPlan()  # placed before the notifier knew it: no phone, nothing to send
    facts = dataclasses.replace(
        order, status=status, version=max(order.version, event.body.version)
    )
    if isinstance(event, OrderAddressChanged):  # a later COD message shows the new one
        facts = dataclasses.replace(
            facts, delivery_address=address_text(event.body.delivery_address)
        )
    purpose = STATUS_PURPOSE.get(status)
    moved = isinstance(event, STATUS_EVENTS) and status is not order.status
    if purpose is None or not moved:
        return OrderPlan(facts=facts)
    reachable, _ = _reach_customer(order, account)
    messages: tuple[TemplateMessage, ...] = ()
    if reachable and account is not None:
        reason = getattr(event.body, "reason", None)
        fulfillment = getattr(event.body, "fulfillment", None)
        messages = (status_message(order, account, status, reason=reason, fulfillment=fulfillment),)
    return OrderPlan(facts=facts, messages=messages, reminder=ReminderAction.CANCEL)
