"""The shopper's side of each chat: what the page shows, reading it, and writing to the business."""

from dataclasses import dataclass
from typing import Any

from sauda_runtime.logging import get_logger
from sauda_sandbox.api_models import ShopperMessage
from sauda_sandbox.domain.chats import Chat, ChatMessage, button_tap, find_button, find_row, row_tap
from sauda_sandbox.domain.limits import window_open
from sauda_sandbox.domain.numbers import shopper_id
from sauda_sandbox.domain.webhooks import message_id
from sauda_sandbox.handlers.ports import Clock
from sauda_sandbox.handlers.webhooks import Notifying

log = get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class ShopperSide(Notifying):
    """The chat page's use cases: list and read chats, and the shopper's own messages."""

    clock: Clock

    def chats(self, phone_number_id: str) -> list[dict[str, Any]]:
        self.store.number(phone_number_id)
        now = self.clock()
        return [
            {
                "shopper_phone": chat.shopper,
                "name": chat.name,
                "window_open": window_open(chat.last_inbound, now),
                "messages": len(chat.messages),
                "last_message_at": (
                    chat.messages[-1].view()["timestamp"] if chat.messages else None
                ),
            }
            for chat in self.store.chats_of(phone_number_id)
        ]

    def view_chat(
        self, phone_number_id: str, shopper_phone: str, *, mark_read: bool
    ) -> dict[str, Any]:
        """The shopper's screen; looking at it reads every business message not read yet."""
        number = self.store.number(phone_number_id)
        shopper = shopper_id(shopper_phone)
        chat = self.store.chats.get((phone_number_id, shopper)) or Chat(shopper=shopper)
        if mark_read:
            for message in chat.messages:
                if message.direction == "to_shopper" and message.status in ("sent", "delivered"):
                    if message.status == "sent":
                        self.webhooks.status(number, chat, message, "delivered")
                    message.status = "read"
                    self.webhooks.status(number, chat, message, "read")
        return {
            "phone_number_id": phone_number_id,
            "shopper_phone": shopper,
            "name": chat.name,
            "window_open": window_open(chat.last_inbound, self.clock()),
            "messages": [m.view() for m in chat.messages],
        }

    def shopper_says(self, phone_number_id: str, shopper_phone: str, said: ShopperMessage) -> str:
        """A shopper's message to the business: recorded, signed webhook queued, window opened."""
        number = self.store.number(phone_number_id)
        shopper = shopper_id(shopper_phone)
        chat = self.store.chat(number.phone_number_id, shopper)
        now = self.clock()
        mid = message_id(shopper, self.ids.nonce())
        at = int(now)
        record = ChatMessage(id=mid, direction="from_shopper", type="text", text=said.text, at=now)
        inbound: dict[str, Any]
        if said.text is not None:
            inbound = {"from": shopper, "id": mid, "timestamp": str(at), "type": "text",
                       "text": {"body": said.text}}  # fmt: skip
        elif said.button_id is not None:
            source, button = find_button(chat, said.button_id)
            inbound = button_tap(mid, shopper, at, source, button, number.metadata_number)
            record.type = inbound["type"]
            record.text = button["title"]
        else:
            assert said.list_row_id is not None
            source, row = find_row(chat, said.list_row_id)
            inbound = row_tap(mid, shopper, at, source, row, number.metadata_number)
            record.type = "interactive"
            record.text = row["title"]
        if said.name is not None:
            chat.name = said.name
        chat.last_inbound = now
        chat.messages.append(record)
        self.webhooks.messages(
            number,
            contacts=[{"profile": {"name": chat.name}, "wa_id": shopper}],
            messages=[inbound],
        )
        log.info("shopper_message", phone_number_id=phone_number_id, shopper=shopper,
                 type=inbound["type"], message_id=mid)  # fmt: skip
        return mid
