"""Bot flows a merchant may start for a shopper (Wabotick's trigger-bot), and the bot's reply
buttons as the postback list shows them.

Sauda's bot is the conversation service's chat-ordering flow, so its flows are that flow's
entry points (`BOT_FLOWS`). Topic `whatsapp.inbound.v1` (the chat's key, so it lands in order
with the shopper's own messages): `TriggerBotFlow`, which the conversation service acts on as if
the shopper had started the flow, once per `trigger_id`.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID, uuid5

from pydantic import Field

from sauda_contracts.envelope import Contract, Envelope
from sauda_contracts.orders import Phone

TRIGGER_NAMESPACE = UUID("5c2e8a71-3f9d-5b40-9e6a-7d1c4b8f0e29")


@dataclass(frozen=True, slots=True)
class BotFlow:
    flow_id: str
    name: str
    description: str


# The chat-ordering flow's entry points, by the id a merchant names them with.
BOT_FLOWS: dict[str, BotFlow] = {
    f.flow_id: f
    for f in (
        BotFlow("order", "Start chat ordering",
                "The bot's welcome with its Order now button, or, mid-order, the step the "
                "shopper is at (as when the shopper writes hi)."),
        BotFlow("menu", "Product menu",
                "The catalog's product list to choose from (as when the shopper taps "
                "Order now or writes menu)."),
    )
}  # fmt: skip


def trigger_id_for(business_id: UUID, idempotency_key: str) -> UUID:
    """A trigger's id, from its business and the request's key: a retried request names the
    same trigger, and the bot replies once."""
    return uuid5(TRIGGER_NAMESPACE, f"trigger:{business_id}:{idempotency_key}")


def trigger_wamid(trigger_id: UUID) -> str:
    """The stand-in for a shopper message's wamid the conversation service dedupes a trigger
    by, in a space no Meta wamid is in."""
    return f"sauda-trigger:{trigger_id}"


# --- whatsapp.inbound.v1 ---


class TriggerBotFlowBody(Contract):
    trigger_id: UUID = Field(description="Sauda's id of this trigger: the bot acts on it once.")
    flow_id: Literal["order", "menu"] = Field(description="Which entry of the flow (BOT_FLOWS).")
    customer_phone: Phone = Field(description="The shopper the bot writes to.")
    phone_number_id: str = Field(max_length=64, description="The business's number.")


class TriggerBotFlow(Envelope):
    """Start the chat-ordering bot for a shopper, as if they had written to it."""

    type: Literal["TriggerBotFlow"] = "TriggerBotFlow"
    body: TriggerBotFlowBody


# --- HTTP ---


class BotFlowOut(Contract):
    flow_id: str = Field(description="Its id (`bot_flow_unique_id`).")
    name: str
    description: str


class BotFlowList(Contract):
    data: list[BotFlowOut]


class BotFlowTriggered(Contract):
    trigger_id: UUID
    flow_id: str
    customer_phone: str
    status: Literal["accepted"] = Field(
        default="accepted", description="The bot's replies are on their way (see the chat)."
    )


class PostbackOut(Contract):
    """A reply-button id (a postback) and the taps on it."""

    postback_id: str = Field(description="The button's (or list row's) id, as it comes back.")
    bot_name: str | None = Field(description="What sends it: the bot's step, or null for a "
                                 "merchant's own button.")  # fmt: skip
    title: str | None = Field(description="The label shoppers last tapped, if any tapped.")
    taps: int = Field(ge=0, description="Taps on it by shoppers of this business.")
    last_tapped_at: datetime | None = None


class PostbackList(Contract):
    data: list[PostbackOut]
