"""The webhooks the use cases send: message statuses, inbound messages, template updates."""

from dataclasses import dataclass
from typing import Any, Literal

from sauda_sandbox.adapters.memory import MemoryStore
from sauda_sandbox.domain.chats import Chat, ChatMessage
from sauda_sandbox.domain.limits import WINDOW_SECONDS
from sauda_sandbox.domain.numbers import Number
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
        item = status_item(
            StatusFacts(
                message_id=record.id,
                recipient=chat.shopper,
                status=status,
                at=now,
                category=record.category,
                conversation_id=conversation_id(
                    number.phone_number_id, chat.shopper, record.category, opened
                ),
                conversation_expires=opened + WINDOW_SECONDS,
                in_window=record.in_window,
                callback_data=record.callback_data,
                error=error,
            )
        )
        self.messages(number, statuses=[item])

    def template_status(self, waba_id: str, numbers: list[Number], value: dict[str, Any]) -> None:
        """A template's new status, once to each receiver of the WABA's numbers."""
        for url in {self.url(n) for n in numbers}:
            self.sink.emit(
                f"waba-{waba_id}", url, envelope(waba_id, "message_template_status_update", value)
            )


@dataclass(frozen=True, kw_only=True)
class Notifying:
    """What a use case that changes the state and tells the receiver about it is built with."""

    store: MemoryStore
    webhooks: Webhooks
    ids: Ids
