"""Template messages: what each purpose says to whom, its parameters cleaned for Meta."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sauda_contracts import (
    Fulfillment,
    LineItem,
    OrderStatus,
)
from sauda_contracts.language import Language
from sauda_contracts.orders import format_money
from sauda_contracts.templates import TEMPLATES, CodAction, cod_payload
from sauda_contracts.whatsapp import MessagePurpose
from sauda_notifier.domain.facts import (
    Account,
    OrderFacts,
    choose_language,
    dedupe_key,
    normalize_phone,
)

ITEMS_MAX_CHARS = 200


PARAM_MAX_CHARS = 200
ADDRESS_MAX_CHARS = 300


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


STATUS_PURPOSE: dict[OrderStatus, MessagePurpose] = {
    OrderStatus.CONFIRMED: MessagePurpose.ORDER_CONFIRMED,
    OrderStatus.SHIPPED: MessagePurpose.ORDER_SHIPPED,
    OrderStatus.DELIVERED: MessagePurpose.ORDER_DELIVERED,
    OrderStatus.CANCELLED: MessagePurpose.ORDER_CANCELLED,
    OrderStatus.RETURNED: MessagePurpose.ORDER_RETURNED,
}


@dataclass(frozen=True, slots=True)
class TemplateMessage:
    """A template the notifier wants to send, before it knows whether Meta approved it."""

    purpose: MessagePurpose
    dedupe_key: str
    to: str  # chat_identity: a phone, or Meta's user id of a username shopper
    language: Language
    params: tuple[str, ...]
    payloads: tuple[str, ...] = ()  # quick-reply payloads, in button order
    order_id: UUID | None = None
    order_number: str | None = None

    @property
    def meta_ref(self) -> tuple[str, str]:
        return TEMPLATES[self.purpose].meta_ref(self.language)


def cod_message(
    order: OrderFacts, account: Account, purpose: MessagePurpose, items: str | None = None
) -> TemplateMessage:
    assert order.chat_with is not None
    lang = choose_language(order.language, account.language)
    name = clean_param(order.customer_name or DEFAULT_NAME[lang])
    money = format_money(order.total, order.currency)
    params: tuple[str, ...]
    actions: tuple[CodAction, ...] = (CodAction.CONFIRM, CodAction.CANCEL)
    key = dedupe_key(purpose, order.order_id)
    if purpose is MessagePurpose.COD_CONFIRMATION:
        params = (
            name,
            clean_param(order.order_number),
            clean_param(account.business_name),
            clean_param(items or "-", ITEMS_MAX_CHARS + 20),
            money,
        )
        if order.delivery_address:
            # The template with the address and a third button; the same message (its key).
            purpose = MessagePurpose.COD_CONFIRMATION_ADDRESS
            params += (clean_param(order.delivery_address, ADDRESS_MAX_CHARS),)
            actions += (CodAction.CHANGE_ADDRESS,)
    else:
        params = (name, clean_param(order.order_number), money)
    payloads = tuple(cod_payload(action, order.order_id, order.order_number) for action in actions)
    return TemplateMessage(
        purpose=purpose,
        dedupe_key=key,
        to=order.chat_with,
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
    assert order.chat_with is not None
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
        to=order.chat_with,
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


def template_sendable(status: str | None) -> bool:
    """APPROVED templates are sent; any other review status means skip. Unknown (Meta could not
    be asked just now) means send anyway: Meta itself refuses an unapproved template (132001),
    which is recorded as such, whereas skipping would drop the message for good."""
    return status is None or status.upper() == "APPROVED"


def sauda_templates() -> list[tuple[MessagePurpose, Language, dict[str, Any]]]:
    """Every template Sauda needs on a WABA: each purpose in each language."""
    return [(p, lang, t.definition(lang)) for p, t in TEMPLATES.items() for lang in Language]
