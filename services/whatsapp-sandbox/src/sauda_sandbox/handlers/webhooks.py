"""The webhooks the use cases send: message statuses, inbound messages, template updates."""

from dataclasses import dataclass
from typing import Any, Literal

from sauda_sandbox.adapters.memory import MemoryStore
from sauda_sandbox.domain.chats import Chat, ChatMessage
from sauda_sandbox.domain.identities import Shopper, contact, recipient
from sauda_sandbox.domain.limits import WINDOW_SECONDS
from sauda_sandbox.domain.numbers import NotFound, Number, shopper_ref
from sauda_sandbox.domain.webhooks import (
    StatusFacts,
    conversation_id,
    envelope,
    messages_value,
    status_item,
)
from sauda_sandbox.handlers.ports import Clock, Ids, WebhookSink


@dataclass(frozen=True, kw_only=True)
class Webhooks:
    """Builds each webhook from the domain and queues it for the number's receiver."""

    sink: WebhookSink
    clock: Clock
    default_url: str

    def url(self, number: Number) -> str:
        return number.webhook_url or self.default_url

    def messages(self, number: Number, **parts: Any) -> None:
        """A `messages` webhook (statuses or inbound messages) in the number's own order."""
        value = messages_value(number.metadata_number, number.phone_number_id, **parts)
        self.sink.emit(
            number.phone_number_id, self.url(number), envelope(number.waba_id, "messages", value)
        )

    def inbound(self, number: Number, shopper: Shopper, message: dict[str, Any]) -> None:
        """A shopper's message, with the shopper's contact (user id, username, phone if shared)."""
        self.messages(number, contacts=[contact(shopper)], messages=[message])

    def status(
        self,
        number: Number,
        chat: Chat,
        record: ChatMessage,
        status: Literal["sent", "delivered", "read", "failed"],
        *,
        error: dict[str, Any] | None = None,
    ) -> None:
        now = int(self.clock())
        opened = chat.open_conversation(record.category, int(record.at))
        shopper = chat.shopper
        item = status_item(
            StatusFacts(
                message_id=record.id,
                recipient=recipient(shopper, record.addressed_by),
                status=status,
                at=now,
                category=record.category,
                conversation_id=conversation_id(
                    number.phone_number_id, shopper.user_id, record.category, opened
                ),
                conversation_expires=opened + WINDOW_SECONDS,
                in_window=record.in_window,
                callback_data=record.callback_data,
                error=error,
            )
        )
        self.messages(number, statuses=[item], contacts=[contact(shopper)])

    def template_update(
        self, waba_id: str, numbers: list[Number], field: str, value: dict[str, Any]
    ) -> None:
        """A template's new status or category, once to each receiver of the WABA's numbers."""
        body = envelope(waba_id, field, value, time=int(self.clock()))
        for url in sorted({self.url(n) for n in numbers}):
            self.sink.emit(f"waba-{waba_id}", url, body)


@dataclass(frozen=True, kw_only=True)
class Notifying:
    """What a use case that changes the state and tells the receiver about it is built with."""

    store: MemoryStore
    webhooks: Webhooks
    ids: Ids

    def shopper(self, number: Number, ref: str) -> Shopper:
        """The shopper a management path names: a phone (known from then on) or a user id."""
        kind, value = shopper_ref(ref)
        if kind == "phone":
            return self.store.phone_shopper(number.waba_id, value)
        found = self.store.user_shopper(number.waba_id, value)
        if found is None:
            raise NotFound(f"no shopper with user id {value} in WABA {number.waba_id}")
        return found
