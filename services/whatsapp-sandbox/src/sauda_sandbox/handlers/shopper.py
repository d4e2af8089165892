"""The shopper's side of each chat: who the shoppers are, what the page shows, reading it, and
writing to the business."""

from dataclasses import dataclass
from typing import Any

from sauda_runtime.logging import get_logger
from sauda_sandbox.api_models import NewShopper, ShopperMessage
from sauda_sandbox.domain.chats import (
    Chat,
    ChatMessage,
    button_tap,
    find_button,
    find_row,
    inbound_text,
    row_tap,
)
from sauda_sandbox.domain.identities import Shopper, username
from sauda_sandbox.domain.limits import window_open
from sauda_sandbox.domain.numbers import Conflict, Number
from sauda_sandbox.domain.webhooks import message_id
from sauda_sandbox.handlers.ports import Clock
from sauda_sandbox.handlers.webhooks import Notifying

log = get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class ShopperSide(Notifying):
    """The chat page's use cases: shoppers, list and read chats, and the shopper's own messages."""

    clock: Clock

    def create_shopper(self, phone_number_id: str, request: NewShopper) -> tuple[Shopper, bool]:
        """A shopper of the number's WABA: a phone (with an optional username) or a username
        alone, with a new business-scoped user id. (shopper, created)."""
        number = self.store.number(phone_number_id)
        known = self.store.shoppers_of(number.waba_id)
        handle = username(request.username) if request.username else None
        holder = next((s for s in known.values() if handle and s.username == handle), None)
        if request.phone is not None:
            shopper = self.shopper(number, request.phone)
            if holder is not None and holder is not shopper:
                raise Conflict(f"username {handle} belongs to shopper {holder.user_id}")
            created = shopper.username is None and handle is not None
        else:
            if holder is not None:
                raise Conflict(f"username {handle} belongs to shopper {holder.user_id}")
            shopper = Shopper(user_id=f"{request.country}.{self.ids.digits(20)}")
            known[shopper.user_id] = shopper
            created = True
        if handle is not None:
            shopper.username = handle
        if request.parent_user_id is not None:
            shopper.parent_user_id = request.parent_user_id
        if request.name is not None:
            shopper.name = request.name
        log.info("shopper_created", phone_number_id=phone_number_id, user_id=shopper.user_id,
                 username=shopper.username, has_phone=shopper.phone is not None)  # fmt: skip
        return shopper, created

    def shoppers(self, phone_number_id: str) -> list[dict[str, Any]]:
        number = self.store.number(phone_number_id)
        return [s.view() for s in self.store.shoppers_of(number.waba_id).values()]

    def find(self, phone_number_id: str, ref: str) -> Shopper:
        return self.shopper(self.store.number(phone_number_id), ref)

    def chats(self, phone_number_id: str) -> list[dict[str, Any]]:
        self.store.number(phone_number_id)
        now = self.clock()
        return [
            {
                "shopper_phone": chat.shopper.phone,
                "user_id": chat.shopper.user_id,
                "username": chat.shopper.username,
                "name": chat.shopper.name,
                "window_open": window_open(chat.last_inbound, now),
                "messages": len(chat.messages),
                "last_message_at": (
                    chat.messages[-1].view()["timestamp"] if chat.messages else None
                ),
            }
            for chat in self.store.chats_of(phone_number_id)
        ]

    def view_chat(self, phone_number_id: str, ref: str, *, mark_read: bool) -> dict[str, Any]:
        """The shopper's screen; looking at it reads every business message not read yet."""
        number = self.store.number(phone_number_id)
        shopper = self.shopper(number, ref)
        chat = self.store.chats.get((phone_number_id, shopper.user_id)) or Chat(shopper=shopper)
        if mark_read:
            self._read_all(number, chat)
        return {
            "phone_number_id": phone_number_id,
            "shopper_phone": shopper.phone,
            "shopper": shopper.view(),
            "name": shopper.name,
            "window_open": window_open(chat.last_inbound, self.clock()),
            "messages": [m.view() for m in chat.messages],
        }

    def _read_all(self, number: Number, chat: Chat) -> None:
        for message in chat.messages:
            if message.direction == "to_shopper" and message.status in ("sent", "delivered"):
                if message.status == "sent":
                    self.webhooks.status(number, chat, message, "delivered")
                message.status = "read"
                self.webhooks.status(number, chat, message, "read")

    def shopper_says(self, phone_number_id: str, ref: str, said: ShopperMessage) -> str:
        """A shopper's message to the business: recorded, signed webhook queued, window opened."""
        number = self.store.number(phone_number_id)
        shopper = self.shopper(number, ref)
        chat = self.store.chat(number.phone_number_id, shopper)
        now = self.clock()
        mid = message_id(shopper.phone or shopper.user_id, self.ids.nonce())
        at = int(now)
        record = ChatMessage(id=mid, direction="from_shopper", type="text", text=said.text, at=now)
        inbound: dict[str, Any]
        if said.text is not None:
            inbound = inbound_text(mid, shopper, at, said.text)
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
            shopper.name = said.name
        chat.last_inbound = now
        chat.messages.append(record)
        self.webhooks.inbound(number, shopper, inbound)
        log.info("shopper_message", phone_number_id=phone_number_id, user_id=shopper.user_id,
                 type=inbound["type"], message_id=mid)  # fmt: skip
        return mid
