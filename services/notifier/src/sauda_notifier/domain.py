"""What the notifier sends and when: pure decisions over orders, templates, retries, receipts.

No I/O, no clock, no random ids: time arrives as `now`, ids are UUIDv5 of their cause.
"""

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID, uuid5

from sauda_contracts import (
    STATUS_EVENT_TYPES,
    AnyOrderEvent,
    Fulfillment,
    LineItem,
    OrderPlaced,
    OrderStatus,
    Topic,
)
from sauda_contracts.language import Language
from sauda_contracts.orders import asks_cod_answer, format_money
from sauda_contracts.templates import TEMPLATES, CodAction, cod_payload
from sauda_contracts.whatsapp import (
    DeliveryStatus,
    GraphError,
    MessagePurpose,
    MessageRecordedBody,
    NoticeKind,
    OutboundKind,
    SendMessageBody,
    StatusChange,
)

# Fixed namespace of every id the notifier derives (messages, notices, records it publishes).
NAMESPACE = UUID("6f0b3c0e-8d5e-5d8a-9a53-1c7f0e6a2b41")
D = DeliveryStatus


# --- what the notifier knows -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Account:
    """A business's connected WhatsApp number (merchant configuration, read from the gateway)."""

    business_id: UUID
    business_name: str
    phone_number_id: str
    waba_id: str
    graph_url: str
    api_version: str
    access_token: str = field(repr=False)
    admin_phone: str | None
    language: Language
    sandbox: bool = False


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """The notifier's copy of an order: enough to message its customer about it."""

    order_id: UUID
    business_id: UUID
    order_number: str
    customer_phone: str | None
    customer_name: str | None
    language: Language | None
    consent: bool
    total: Decimal
    currency: str
    status: OrderStatus
    version: int
    correlation_id: str


def order_facts(event: OrderPlaced) -> OrderFacts:
    body = event.body
    return OrderFacts(
        order_id=body.order_id,
        business_id=event.business_id,
        order_number=body.order_number,
        customer_phone=body.customer.phone,
        customer_name=body.customer.name,
        language=body.customer.language,
        consent=body.customer.consent,
        total=body.total,
        currency=body.currency,
        status=body.status,
        version=body.version,
        correlation_id=event.correlation_id,
    )


def order_after_save(current: OrderFacts | None, new: OrderFacts) -> OrderFacts:
    """The notifier's copy of an order once `new` is saved over `current`: a new order is taken
    as it is; a known one only moves forward (status and version, by version)."""
    if current is None:
        return new
    if current.version < new.version:
        return replace(current, status=new.status, version=new.version)
    return current


def parse_language(value: str | None, default: Language = Language.EN) -> Language:
    try:
        return Language(value) if value else default
    except ValueError:
        return default


def choose_language(customer: Language | None, account_default: Language) -> Language:
    """The customer's language if the order named one, else the business's default."""
    return customer or account_default


def normalize_phone(value: str | None) -> str | None:
    """Digits only, as WhatsApp ids are; None if it cannot be a WhatsApp number."""
    if not value:
        return None
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits if 8 <= len(digits) <= 15 and digits[0] != "0" else None


# --- formatting template parameters ------------------------------------------------------

ITEMS_MAX_CHARS = 200
PARAM_MAX_CHARS = 200
NO_TRACKING = "—"
DEFAULT_NAME = {Language.EN: "there", Language.UR: "صارف", Language.UR_LATN: "customer"}
DEFAULT_CANCEL_REASON = {
    Language.EN: "not given",
    Language.UR: "نہیں بتائی گئی",
    Language.UR_LATN: "nahi batayi gayi",
}


def clean_param(value: str, limit: int = PARAM_MAX_CHARS) -> str:
    """Meta refuses parameters with newlines, tabs or runs of spaces, and empty ones."""
    text = " ".join(value.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text or "-"


def items_summary(items: Iterable[LineItem], limit: int = ITEMS_MAX_CHARS) -> str:
    """`2 x Widget Pro, 1 x Cable`; items that do not fit become `+N more`."""
    parts = [f"{i.qty} x {' '.join(i.name.split())}" for i in items]
    shown: list[str] = []
    for index, part in enumerate(parts):
        rest = len(parts) - index - 1
        tail = f", +{rest} more" if rest else ""
        if len(", ".join([*shown, part])) + len(tail) <= limit:
            shown.append(part)
            continue
        if not shown:  # one very long name: cut it rather than show nothing
            return part[: limit - len(tail) - 1].rstrip() + "…" + tail
        # The previous round checked that the shown items plus this tail fit.
        return ", ".join(shown) + f", +{len(parts) - len(shown)} more"
    return ", ".join(shown) or "-"


def tracking_text(fulfillment: Fulfillment | None) -> str:
    if fulfillment and fulfillment.tracking_url:
        return fulfillment.tracking_url
    if fulfillment and fulfillment.tracking_code:
        return fulfillment.tracking_code
    return NO_TRACKING


# --- what to send for an order event -----------------------------------------------------

STATUS_PURPOSE: dict[OrderStatus, MessagePurpose] = {
    OrderStatus.CONFIRMED: MessagePurpose.ORDER_CONFIRMED,
    OrderStatus.SHIPPED: MessagePurpose.ORDER_SHIPPED,
    OrderStatus.DELIVERED: MessagePurpose.ORDER_DELIVERED,
    OrderStatus.CANCELLED: MessagePurpose.ORDER_CANCELLED,
    OrderStatus.RETURNED: MessagePurpose.ORDER_RETURNED,
}
STATUS_EVENTS = tuple(STATUS_EVENT_TYPES.values())
COD_PURPOSES = frozenset({MessagePurpose.COD_CONFIRMATION, MessagePurpose.COD_REMINDER})


@dataclass(frozen=True, slots=True)
class Notice:
    notice_id: UUID
    kind: NoticeKind
    message: str
    order_id: UUID | None = None
    order_number: str | None = None
    customer_phone: str | None = None
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TemplateMessage:
    """A template the notifier wants to send, before it knows whether Meta approved it."""

    purpose: MessagePurpose
    dedupe_key: str
    to: str
    language: Language
    params: tuple[str, ...]
    payloads: tuple[str, ...] = ()  # quick-reply payloads, in button order
    order_id: UUID | None = None
    order_number: str | None = None

    @property
    def meta_ref(self) -> tuple[str, str]:
        return TEMPLATES[self.purpose].meta_ref(self.language)


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


def dedupe_key(purpose: MessagePurpose, order_id: UUID) -> str:
    if purpose is MessagePurpose.ADMIN_NEW_ORDER:
        return f"admin:{order_id}"
    return f"{purpose.value}:{order_id}"


def message_id_for(business_id: UUID, key: str) -> UUID:
    """Derived from the dedupe key: a redelivered cause names the very same message."""
    return uuid5(NAMESPACE, f"message:{business_id}:{key}")


def notice_id_for(cause: UUID, kind: NoticeKind) -> UUID:
    return uuid5(NAMESPACE, f"notice:{cause}:{kind.value}")


def cod_message(
    order: OrderFacts, account: Account, purpose: MessagePurpose, items: str | None = None
) -> TemplateMessage:
    assert order.customer_phone is not None
    lang = choose_language(order.language, account.language)
    name = clean_param(order.customer_name or DEFAULT_NAME[lang])
    money = format_money(order.total, order.currency)
    params: tuple[str, ...]
    if purpose is MessagePurpose.COD_CONFIRMATION:
        params = (
            name,
            clean_param(order.order_number),
            clean_param(account.business_name),
            clean_param(items or "-", ITEMS_MAX_CHARS + 20),
            money,
        )
    else:
        params = (name, clean_param(order.order_number), money)
    payloads = tuple(
        cod_payload(action, order.order_id, order.order_number)
        for action in (CodAction.CONFIRM, CodAction.CANCEL)
    )
    return TemplateMessage(
        purpose=purpose,
        dedupe_key=dedupe_key(purpose, order.order_id),
        to=order.customer_phone,
        language=lang,
        params=params,
        payloads=payloads,
        order_id=order.order_id,
        order_number=order.order_number,
    )


def status_message(
    order: OrderFacts,
    account: Account,
    status: OrderStatus,
    *,
    reason: str | None = None,
    fulfillment: Fulfillment | None = None,
) -> TemplateMessage:
    assert order.customer_phone is not None
    purpose = STATUS_PURPOSE[status]
    lang = choose_language(order.language, account.language)
    name = clean_param(order.customer_name or DEFAULT_NAME[lang])
    number = clean_param(order.order_number)
    extra: tuple[str, ...] = ()
    if purpose is MessagePurpose.ORDER_CONFIRMED:
        extra = (clean_param(account.business_name),)
    elif purpose is MessagePurpose.ORDER_SHIPPED:
        extra = (clean_param(tracking_text(fulfillment), 500),)
    elif purpose is MessagePurpose.ORDER_CANCELLED:
        extra = (clean_param(reason or DEFAULT_CANCEL_REASON[lang]),)
    return TemplateMessage(
        purpose=purpose,
        dedupe_key=dedupe_key(purpose, order.order_id),
        to=order.customer_phone,
        language=lang,
        params=(name, number, *extra),
        order_id=order.order_id,
        order_number=order.order_number,
    )


def admin_message(order: OrderFacts, account: Account) -> TemplateMessage | None:
    to = normalize_phone(account.admin_phone)
    if to is None:
        return None
    purpose = MessagePurpose.ADMIN_NEW_ORDER
    return TemplateMessage(
        purpose=purpose,
        dedupe_key=dedupe_key(purpose, order.order_id),
        to=to,
        language=account.language,
        params=(
            clean_param(order.order_number),
            clean_param(order.customer_name or "customer"),
            format_money(order.total, order.currency),
        ),
        order_id=order.order_id,
        order_number=order.order_number,
    )


def _order_notice(order: OrderFacts, kind: NoticeKind, message: str) -> Notice:
    return Notice(
        notice_id=notice_id_for(order.order_id, kind),
        kind=kind,
        message=message,
        order_id=order.order_id,
        order_number=order.order_number,
        customer_phone=order.customer_phone,
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
    if not order.customer_phone:
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


# --- building Graph API requests ---------------------------------------------------------


def template_request(msg: TemplateMessage, message_id: UUID) -> dict[str, Any]:
    name, code = msg.meta_ref
    components: list[dict[str, Any]] = [
        {"type": "body", "parameters": [{"type": "text", "text": p} for p in msg.params]}
    ]
    components += [
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": str(index),
            "parameters": [{"type": "payload", "payload": payload}],
        }
        for index, payload in enumerate(msg.payloads)
    ]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": msg.to,
        "type": "template",
        "template": {"name": name, "language": {"code": code}, "components": components},
        "biz_opaque_callback_data": str(message_id),
    }


def chat_request(body: SendMessageBody, message_id: UUID) -> dict[str, Any]:
    request: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": body.customer_phone,
        "biz_opaque_callback_data": str(message_id),
    }
    if body.reply_to:
        request["context"] = {"message_id": body.reply_to}
    if body.kind is OutboundKind.TEXT:
        request |= {"type": "text", "text": {"body": body.text, "preview_url": False}}
        return request
    interactive: dict[str, Any] = {"body": {"text": body.text}}
    if body.header:
        interactive["header"] = {"type": "text", "text": body.header}
    if body.footer:
        interactive["footer"] = {"text": body.footer}
    if body.kind is OutboundKind.BUTTONS:
        interactive["type"] = "button"
        interactive["action"] = {
            "buttons": [
                {"type": "reply", "reply": {"id": b.id, "title": b.title}} for b in body.buttons
            ]
        }
    else:
        assert body.menu is not None
        interactive["type"] = "list"
        interactive["action"] = {
            "button": body.menu.button,
            "sections": [
                {
                    **({"title": s.title} if s.title else {}),
                    "rows": [r.model_dump(exclude_none=True) for r in s.rows],
                }
                for s in body.menu.sections
            ],
        }
    request |= {"type": "interactive", "interactive": interactive}
    return request


def template_sendable(status: str | None) -> bool:
    """APPROVED templates are sent; any other review status means skip. Unknown (Meta could not
    be asked just now) means send anyway: Meta itself refuses an unapproved template (132001),
    which is recorded as such, whereas skipping would drop the message for good."""
    return status is None or status.upper() == "APPROVED"


# --- the message log ---------------------------------------------------------------------

MessageKind = Literal["template", "text", "buttons", "list"]


class SendState(StrEnum):
    """The sending discipline, apart from the status the rest of Sauda sees."""

    QUEUED = "queued"  # to be sent (first time, or waiting on a retry topic until next_attempt_at)
    SENDING = "sending"  # claimed and committed; the Graph call is (or was) in flight
    DONE = "done"  # sent, failed for good, or skipped


@dataclass(frozen=True, slots=True)
class Message:
    """One row of the message log."""

    message_id: UUID
    business_id: UUID
    dedupe_key: str
    phone_number_id: str
    customer_phone: str
    order_id: UUID | None
    purpose: MessagePurpose
    template: str | None
    language: str | None
    kind: MessageKind
    text: str
    request: dict[str, Any]
    state: SendState
    status: DeliveryStatus
    attempts: int
    history: tuple[StatusChange, ...]
    revision: int
    correlation_id: str
    created_at: datetime
    wamid: str | None = None
    error: GraphError | None = None
    claimed_at: datetime | None = None
    next_attempt_at: datetime | None = None
    order_number: str | None = None  # joined from the order, for notices


def _changed(message: Message, status: DeliveryStatus, at: datetime, **update: Any) -> Message:
    change = StatusChange(status=status, at=at, error=update.get("error"))
    return dataclasses.replace(
        message,
        status=status,
        history=(*message.history, change),
        revision=message.revision + 1,
        **update,
    )


def new_template_message(
    msg: TemplateMessage,
    account: Account,
    *,
    approved: bool,
    template_status: str | None,
    correlation_id: str,
    now: datetime,
) -> tuple[Message, list[Notice]]:
    """The log row for a template message: queued to send, or skipped if Meta has not approved
    the template (the order's status changed all the same; that is not the notifier's call)."""
    message_id = message_id_for(account.business_id, msg.dedupe_key)
    name, code = msg.meta_ref
    status = D.QUEUED if approved else D.SKIPPED
    message = Message(
        message_id=message_id,
        business_id=account.business_id,
        dedupe_key=msg.dedupe_key,
        phone_number_id=account.phone_number_id,
        customer_phone=msg.to,
        order_id=msg.order_id,
        purpose=msg.purpose,
        template=name,
        language=code,
        kind="template",
        text=TEMPLATES[msg.purpose].render(msg.language, msg.params)[:4096],
        request=template_request(msg, message_id),
        state=SendState.QUEUED if approved else SendState.DONE,
        status=status,
        attempts=0,
        history=(StatusChange(status=status, at=now),),
        revision=1,
        correlation_id=correlation_id,
        created_at=now,
        next_attempt_at=now if approved else None,
        order_number=msg.order_number,
    )
    if approved:
        return message, []
    return message, [not_approved_notice(message, template_status or "UNKNOWN")]


def not_approved_notice(message: Message, template_status: str) -> Notice:
    about = f"order {message.order_number}" if message.order_number else "a message"
    return Notice(
        notice_id=notice_id_for(message.message_id, NoticeKind.TEMPLATE_NOT_APPROVED),
        kind=NoticeKind.TEMPLATE_NOT_APPROVED,
        message=f"WhatsApp template {message.template} ({message.language}) is not approved "
        f"by Meta ({template_status}), so the {message.purpose.value} message for {about} "
        "was not sent.",
        order_id=message.order_id,
        order_number=message.order_number,
        customer_phone=message.customer_phone,
        details={
            "template": message.template or "",
            "language": message.language or "",
            "template_status": template_status,
            "purpose": message.purpose.value,
        },
    )


def new_chat_message(
    body: SendMessageBody,
    account: Account,
    *,
    correlation_id: str,
    now: datetime,
) -> Message:
    key = f"out:{body.message_key}"
    message_id = message_id_for(account.business_id, key)
    return Message(
        message_id=message_id,
        business_id=account.business_id,
        dedupe_key=key,
        phone_number_id=account.phone_number_id,
        customer_phone=body.customer_phone,
        order_id=body.order_id,
        purpose=MessagePurpose.CHAT,
        template=None,
        language=None,
        kind=body.kind.value,
        text=body.text,
        request=chat_request(body, message_id),
        state=SendState.QUEUED,
        status=D.QUEUED,
        attempts=0,
        history=(StatusChange(status=D.QUEUED, at=now),),
        revision=1,
        correlation_id=correlation_id,
        created_at=now,
        next_attempt_at=now,
    )


def skip(message: Message, now: datetime, reason: GraphError | None = None) -> Message:
    return _changed(message, D.SKIPPED, now, state=SendState.DONE, error=reason)


def snapshot(message: Message) -> MessageRecordedBody:
    return MessageRecordedBody(
        message_id=message.message_id,
        revision=message.revision,
        phone_number_id=message.phone_number_id,
        customer_phone=message.customer_phone,
        order_id=message.order_id,
        purpose=message.purpose,
        template=message.template,
        language=message.language,
        kind=message.kind,
        text=message.text[:4096],
        wamid=message.wamid,
        status=message.status,
        attempts=message.attempts,
        history=message.history,
        error=message.error,
        created_at=message.created_at,
    )


# --- sending: outcomes, classification, retries ------------------------------------------


@dataclass(frozen=True, slots=True)
class Sent:
    wamid: str


@dataclass(frozen=True, slots=True)
class SendFailure:
    """A send Meta refused (`http_status` set), or that got no answer at all (None)."""

    error: GraphError
    http_status: int | None


SendOutcome = Sent | SendFailure


class Verdict(StrEnum):
    RETRY = "retry"
    PERMANENT = "permanent"


# Graph codes that say "try again later": throughput, pair rate, unknown, unavailable.
RETRYABLE_CODES = frozenset({130429, 131056, 131000, 131016, 2})
# Codes that will not change by trying again: undeliverable, template problems,
# re-engagement, bad parameter, bad token, marketing opt-out, policy block.
PERMANENT_CODES = frozenset({131026, 132001, 132000, 132015, 132016, 131047, 100, 190, 131050, 368})
TEMPLATE_MISSING = 132001


def classify(failure: SendFailure) -> Verdict:
    if failure.http_status is None:  # timeout or connection error: Meta never answered
        return Verdict.RETRY
    if failure.error.code in PERMANENT_CODES:
        return Verdict.PERMANENT
    if failure.error.code in RETRYABLE_CODES:
        return Verdict.RETRY
    if failure.http_status >= 500 or failure.http_status == 429:
        return Verdict.RETRY
    return Verdict.PERMANENT


RETRY_STEPS: tuple[tuple[Topic, float], ...] = (
    (Topic.NOTIFIER_RETRY_5S, 5.0),
    (Topic.NOTIFIER_RETRY_30S, 30.0),
    (Topic.NOTIFIER_RETRY_120S, 120.0),
)
MAX_ATTEMPTS = 1 + len(RETRY_STEPS)


@dataclass(frozen=True, slots=True)
class Retry:
    topic: Topic
    attempt: int
    due_at: datetime


def next_retry(attempts_made: int, now: datetime, scale: float) -> Retry | None:
    """Where attempt `attempts_made + 1` waits, or None once every retry is spent."""
    if attempts_made < 1 or attempts_made > len(RETRY_STEPS):
        return None
    topic, delay = RETRY_STEPS[attempts_made - 1]
    return Retry(topic, attempts_made + 1, now + timedelta(seconds=delay * scale))


@dataclass(frozen=True, slots=True)
class AttemptResult:
    message: Message
    retry: Retry | None = None
    dead: bool = False  # every attempt spent: to the dead-letter topic
    notices: tuple[Notice, ...] = ()


def failed_notice(message: Message, error: GraphError) -> Notice:
    about = f"order {message.order_number}" if message.order_number else message.customer_phone
    return Notice(
        notice_id=notice_id_for(message.message_id, NoticeKind.MESSAGE_FAILED),
        kind=NoticeKind.MESSAGE_FAILED,
        message=f"The WhatsApp {message.purpose.value} message for {about} failed: "
        f"({error.code}) {error.title}"[:1000],
        order_id=message.order_id,
        order_number=message.order_number,
        customer_phone=message.customer_phone,
        details={"code": str(error.code), "message_id": str(message.message_id)},
    )


def after_attempt(
    message: Message, outcome: SendOutcome, *, now: datetime, scale: float
) -> AttemptResult:
    """What one send attempt (already counted in `message.attempts`) leaves behind."""
    if isinstance(outcome, Sent):
        sent = _changed(message, D.SENT, now, state=SendState.DONE, wamid=outcome.wamid, error=None)
        return AttemptResult(sent)
    error = outcome.error
    if classify(outcome) is Verdict.RETRY:
        retry = next_retry(message.attempts, now, scale)
        if retry is not None:
            waiting = _changed(
                message,
                D.RETRYING,
                now,
                state=SendState.QUEUED,
                error=error,
                next_attempt_at=retry.due_at,
                claimed_at=None,
            )
            return AttemptResult(waiting, retry=retry)
        failed = _changed(message, D.FAILED, now, state=SendState.DONE, error=error)
        return AttemptResult(failed, dead=True, notices=(failed_notice(failed, error),))
    failed = _changed(message, D.FAILED, now, state=SendState.DONE, error=error)
    if error.code == TEMPLATE_MISSING and message.kind == "template":
        return AttemptResult(failed, notices=(not_approved_notice(failed, "not found on Meta"),))
    return AttemptResult(failed, notices=(failed_notice(failed, error),))


# --- receipts ----------------------------------------------------------------------------

_RANK = {D.QUEUED: 0, D.RETRYING: 0, D.SKIPPED: 0, D.SENT: 1, D.DELIVERED: 2, D.READ: 3}


def receipt_status(current: DeliveryStatus, reported: DeliveryStatus) -> DeliveryStatus | None:
    """The status a receipt moves a message to, or None to ignore it: read beats delivered
    beats sent (receipts arrive out of order); `failed` stands unless the message was already
    delivered or read, and nothing moves a failed message."""
    if reported == current or current is D.FAILED:
        return None
    if reported is D.FAILED:
        return None if current in (D.DELIVERED, D.READ) else D.FAILED
    return reported if _RANK[reported] > _RANK[current] else None


def apply_receipt(
    message: Message,
    reported: DeliveryStatus,
    *,
    wamid: str,
    at: datetime,
    error: GraphError | None,
) -> AttemptResult | None:
    """The message after Meta's receipt, or None if the receipt changes nothing. A receipt for a
    row still `sending` completes it: the send evidently reached Meta."""
    status = receipt_status(message.status, reported)
    if status is None:
        if message.state is SendState.SENDING:
            # The send was accepted (a receipt says so) even if this status is stale.
            return AttemptResult(
                dataclasses.replace(
                    message, state=SendState.DONE, wamid=wamid, revision=message.revision + 1
                )
            )
        return None
    done = _changed(
        message,
        status,
        at,
        state=SendState.DONE,
        wamid=message.wamid or wamid,
        error=error if status is D.FAILED else message.error,
    )
    if status is D.FAILED and error is not None:
        return AttemptResult(done, notices=(failed_notice(done, error),))
    return AttemptResult(done)


# --- reminders ---------------------------------------------------------------------------


def reminder_due_at(placed_at: datetime, after_seconds: float) -> datetime:
    return placed_at + timedelta(seconds=after_seconds)


def wants_reminder(order: OrderFacts | None) -> bool:
    """One reminder, only while the order still waits for the customer's COD answer."""
    return (
        order is not None
        and order.status is OrderStatus.PENDING
        and order.consent
        and bool(order.customer_phone)
    )


def opted_out_notice(message: Message) -> Notice:
    return Notice(
        notice_id=notice_id_for(message.message_id, NoticeKind.OPTED_OUT),
        kind=NoticeKind.OPTED_OUT,
        message=f"No {message.purpose.value} message for order {message.order_number}: "
        "the customer opted out of WhatsApp messages.",
        order_id=message.order_id,
        order_number=message.order_number,
        customer_phone=message.customer_phone,
    )


def sauda_templates() -> list[tuple[MessagePurpose, Language, dict[str, Any]]]:
    """Every template Sauda needs on a WABA: each purpose in each language."""
    return [(p, lang, t.definition(lang)) for p, t in TEMPLATES.items() for lang in Language]
