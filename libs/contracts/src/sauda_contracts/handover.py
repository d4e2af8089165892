"""Handing a chat to a person: the bot could not help (two misunderstood texts in a row) or the
shopper asked for a person; a team member takes the chat and the bot keeps quiet on free text.

Topics (key: the chat, `chat_key(business id, chat identity)`):
- `whatsapp.outbound.v1`: `ChatHandedOver`, the conversation's decision. The notifier raises a
  `handover` notice for the merchant; the gateway assigns the chat (the subscriber CRM's
  `assigned_user_id`) to the team member it names, unless the chat was assigned since.
- `whatsapp.inbound.v1`: `ChatReleased`, the gateway's word that the merchant unassigned the
  chat (`DELETE /api/v1/whatsapp/subscribers/{chat_id}/assignee`): the bot answers free text
  again. It lands in order with the shopper's messages of that chat.

The merchant chooses whom with `GET/PUT /api/v1/whatsapp/handover` (`HandoverSettings`): a team
member, or none (the business's first owner, else its first team member), and how long the bot
keeps quiet when nobody unassigns the chat.
"""

from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import Field

from sauda_contracts.envelope import Contract, Envelope
from sauda_contracts.identity import Shopper, UserId
from sauda_contracts.orders import Phone

DEFAULT_QUIET_HOURS = 24
MAX_QUIET_HOURS = 7 * 24


class HandoverReason(StrEnum):
    ASKED = "asked"  # "talk to a person", "insaan se baat", "انسان سے بات"
    NOT_UNDERSTOOD = "not_understood"  # the second misunderstood text in a row


class HandoverSettings(Contract):
    """The API body of `GET/PUT /api/v1/whatsapp/handover`."""

    assign_to_user_id: UUID | None = Field(
        default=None,
        description="The team member handed chats are assigned to; null: the business's first "
        "owner (else its first team member).",
    )
    bot_quiet_hours: int = Field(
        default=DEFAULT_QUIET_HOURS, strict=True, ge=1, le=MAX_QUIET_HOURS,
        description="Hours the bot stays quiet on free text after a handover, unless the chat "
        "is unassigned before (1 … 168).",
    )  # fmt: skip


class ChatHandedOverBody(Shopper):
    handover_id: UUID = Field(description="Deterministic: one shopper message, one handover.")
    customer_phone: Phone | None = Field(default=None, description="The shopper's number.")
    customer_user_id: UserId | None = Field(
        default=None, description="The shopper's user id at Meta, for one who shares no number."
    )
    reason: HandoverReason
    assigned_user_id: UUID | None = Field(
        description="The team member the chat goes to; null when the business has none."
    )
    text: str | None = Field(default=None, max_length=1000,
                             description="What the shopper wrote last (clipped).")  # fmt: skip
    wamid: str = Field(max_length=256, description="The shopper's message that handed it over.")
    at: datetime = Field(description="When the shopper sent that message.")
    quiet_until: datetime = Field(description="The bot answers free text again from then on.")


class ChatHandedOver(Envelope):
    type: Literal["ChatHandedOver"] = "ChatHandedOver"
    body: ChatHandedOverBody


class ChatReleasedBody(Shopper):
    customer_phone: Phone | None = Field(default=None, description="The shopper's number.")
    customer_user_id: UserId | None = Field(
        default=None, description="The shopper's user id at Meta, for one who shares no number."
    )
    at: datetime = Field(description="When the merchant unassigned the chat.")


class ChatReleased(Envelope):
    """The merchant unassigned a handed chat: the bot answers it again."""

    type: Literal["ChatReleased"] = "ChatReleased"
    body: ChatReleasedBody
