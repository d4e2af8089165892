"""A failed delivery attempt, to the shopper: one `sauda_delivery_failed` template per attempt
with the three quick replies (Deliver again, Change address, Cancel), pure."""

from dataclasses import replace

from sauda_contracts.deliveries import DeliveryAnswer, OrderDeliveryAttemptFailed, delivery_payload
from sauda_contracts.whatsapp import MessagePurpose
from sauda_notifier.domain.facts import Account, OrderFacts, choose_language
from sauda_notifier.domain.planning import OrderPlan, plan_status_event
from sauda_notifier.domain.templates import DEFAULT_NAME, TemplateMessage, clean_param

PURPOSE = MessagePurpose.DELIVERY_FAILED


def delivery_dedupe_key(event: OrderDeliveryAttemptFailed) -> str:
    """One message per attempt: a replayed or redelivered event names the same message."""
    return f"{PURPOSE.value}:{event.body.order_id}:{event.body.attempt}"


def plan_delivery_failed(
    event: OrderDeliveryAttemptFailed, order: OrderFacts | None, account: Account | None
) -> OrderPlan:
    """The order's facts move on as for any event; a consenting, reachable shopper of a
    connected business also gets the template, in their language."""
    plan = plan_status_event(event, order, account)
    if order is None or account is None or not order.consent or order.chat_with is None:
        return plan
    lang = choose_language(order.language, account.language)
    attempt = event.body.attempt
    message = TemplateMessage(
        purpose=PURPOSE,
        dedupe_key=delivery_dedupe_key(event),
        to=order.chat_with,
        language=lang,
        params=(
            clean_param(order.customer_name or DEFAULT_NAME[lang]),
            clean_param(order.order_number),
            clean_param(account.business_name),
        ),
        payloads=tuple(delivery_payload(a, order.order_id, attempt, lang) for a in DeliveryAnswer),
        order_id=order.order_id,
        order_number=order.order_number,
    )
    return replace(plan, messages=(*plan.messages, message))
