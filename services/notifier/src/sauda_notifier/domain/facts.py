"""What the notifier knows: a business's WhatsApp account, its copy of an order, notices, derived ids."""

from dataclasses import dataclass, field, replace
from decimal import Decimal
from uuid import UUID, uuid5

from sauda_contracts import (
    OrderPlaced,
    OrderStatus,
)
from sauda_contracts.addresses import address_text
from sauda_contracts.handover import ChatHandedOver, HandoverReason
from sauda_contracts.identity import chat_identity
from sauda_contracts.language import Language
from sauda_contracts.sends import MESSAGE_NAMESPACE
from sauda_contracts.whatsapp import (
    DeliveryStatus,
    MessagePurpose,
    NoticeKind,
)

# Fixed namespace of every id the notifier derives (messages, notices, records it publishes);
# the contracts hold it, so the gateway can name a merchant's message before it is recorded.
NAMESPACE = MESSAGE_NAMESPACE


D = DeliveryStatus


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
    customer_user_id: str | None = None  # Meta's user id of a chat order's username shopper
    delivery_address: str | None = None  # on one line (address_text), for the COD message

    @property
    def chat_with(self) -> str | None:
        """Who messages about the order go to (`chat_identity`); None if nobody can be reached."""
        if not self.customer_phone and not self.customer_user_id:
            return None
        return chat_identity(self.customer_phone, self.customer_user_id)


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
        customer_user_id=body.customer.whatsapp_user_id,
        delivery_address=address_text(body.delivery_address) if body.delivery_address else None,
    )


def order_after_save(current: OrderFacts | None, new: OrderFacts) -> OrderFacts:
    """The notifier's copy of an order once `new` is saved over `current`: a new order is taken
    as it is; a known one only moves forward (status and version, by version)."""
    if current is None:
        return new
    if current.version < new.version:
        return replace(current, status=new.status, version=new.version,
                       delivery_address=new.delivery_address)  # fmt: skip
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


@dataclass(frozen=True, slots=True)
class Notice:
    notice_id: UUID
    kind: NoticeKind
    message: str
    order_id: UUID | None = None
    order_number: str | None = None
    customer_phone: str | None = None
    details: dict[str, str] = field(default_factory=dict)
    customer_user_id: str | None = None  # a username shopper's, who shares no phone

    @property
    def chat_with(self) -> str | None:
        if not self.customer_phone and not self.customer_user_id:
            return None
        return chat_identity(self.customer_phone, self.customer_user_id)


def dedupe_key(purpose: MessagePurpose, order_id: UUID) -> str:
    if purpose is MessagePurpose.ADMIN_NEW_ORDER:
        return f"admin:{order_id}"
    return f"{purpose.value}:{order_id}"


def message_id_for(business_id: UUID, key: str) -> UUID:
    """Derived from the dedupe key: a redelivered cause names the very same message."""
    return uuid5(NAMESPACE, f"message:{business_id}:{key}")


def notice_id_for(cause: UUID, kind: NoticeKind) -> UUID:
    return uuid5(NAMESPACE, f"notice:{cause}:{kind.value}")


_HANDOVER_WHY = {
    HandoverReason.ASKED: "asked to talk to a person",
    HandoverReason.NOT_UNDERSTOOD: "wrote twice what the bot did not understand",
}


def handover_notice(command: ChatHandedOver) -> Notice:
    """The merchant's notice of a chat the bot handed to a person (`ChatHandedOver`): who, why,
    to whom, and what the shopper wrote; one per handover, however often it is delivered."""
    body = command.body
    details = {"reason": body.reason.value, "wamid": body.wamid,
               "quiet_until": body.quiet_until.isoformat()}  # fmt: skip
    if body.assigned_user_id is not None:
        details["assigned_user_id"] = str(body.assigned_user_id)
    if body.text:
        details["text"] = body.text[:500]
    who = body.customer_phone or body.customer_user_id
    to = "assigned to your team" if body.assigned_user_id else "not assigned: no team member"
    return Notice(
        notice_id=notice_id_for(body.handover_id, NoticeKind.HANDOVER),
        kind=NoticeKind.HANDOVER,
        message=f"A shopper ({who}) {_HANDOVER_WHY[body.reason]}: the chat is {to}; the bot "
        "keeps quiet on their texts until the chat is unassigned.",
        customer_phone=body.customer_phone,
        customer_user_id=None if body.customer_phone else body.customer_user_id,
        details=details,
    )
