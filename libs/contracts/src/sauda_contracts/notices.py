"""Notices: what the merchant is told (a new order, a message that failed, a template Meta
refused…), on `notifier.events.v1` as `NoticeRaised` (and folded into the dashboard's list).
`whatsapp` re-exports these names, as the wire vocabulary of that topic."""

from enum import StrEnum
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from sauda_contracts.envelope import Additive, Envelope
from sauda_contracts.identity import UserId
from sauda_contracts.orders import Phone


class NoticeKind(StrEnum):
    NEW_ORDER = "new_order"
    NO_CONSENT = "no_consent"
    TEMPLATE_NOT_APPROVED = "template_not_approved"
    MESSAGE_FAILED = "message_failed"
    WHATSAPP_NOT_CONNECTED = "whatsapp_not_connected"
    OPTED_OUT = "opted_out"
    WEBHOOK_ENDPOINT_DEACTIVATED = "webhook_endpoint_deactivated"
    COD_EXPIRED = "cod_expired"  # no COD answer before the policy's expiry: review the order
    HANDOVER = "handover"  # the bot handed a chat to a person (`handover.ChatHandedOver`)


class NoticeBody(Additive):
    ADDED: ClassVar[frozenset[str]] = frozenset({"customer_user_id"})

    notice_id: UUID = Field(description="Deterministic: the same cause never makes two notices.")
    kind: NoticeKind
    message: str = Field(max_length=1000, description="What the merchant reads.")
    order_id: UUID | None = Field(default=None, description="Order it concerns, if any.")
    order_number: str | None = Field(default=None, max_length=40)
    customer_phone: Phone | None = None
    customer_user_id: UserId | None = Field(
        default=None, description="The shopper's user id at Meta, for one who shares no number."
    )
    details: dict[str, str] = Field(default_factory=dict, description="Extra facts, e.g. template.")


class NoticeRaised(Envelope):
    type: Literal["NoticeRaised"] = "NoticeRaised"
    body: NoticeBody
