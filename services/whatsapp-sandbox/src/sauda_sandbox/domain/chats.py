"""The shopper's side of a chat: its messages as the page shows them, replies to taps, reads."""

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, Literal

from sauda_sandbox.domain.identities import AddressedBy, Shopper, sender
from sauda_sandbox.domain.limits import conversation_opened
from sauda_sandbox.domain.numbers import NotFound
from sauda_sandbox.domain.shapes import InteractiveShape
from sauda_sandbox.domain.templates import RenderedTemplate


@dataclass
class ChatMessage:
    id: str
    direction: Literal["to_shopper", "from_shopper"]
    type: str
    text: str | None
    at: float
    header: str | None = None
    footer: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    list: dict[str, Any] | None = None
    template: dict[str, str] | None = None
    status: str | None = None
    category: str = "service"
    in_window: bool = True
    callback_data: str | None = None
    addressed_by: AddressedBy = "phone"
    media: dict[str, Any] | None = None  # type, id, link, mime_type, filename, caption, ...

    def view(self) -> dict[str, Any]:
        """What the chat page shows: every field but the sandbox's bookkeeping, and `at` as an
        ISO timestamp."""
        shown = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _UNSHOWN}
        return shown | {"timestamp": datetime.fromtimestamp(self.at, UTC).isoformat()}


_UNSHOWN = frozenset({"at", "category", "in_window", "callback_data", "addressed_by"})


@dataclass
class Chat:
    shopper: Shopper
    last_inbound: float | None = None
    messages: list[ChatMessage] = field(default_factory=list)
    conversations: dict[str, int] = field(default_factory=dict)  # category -> opened at

    def open_conversation(self, category: str, at: int) -> int:
        """When the conversation of `category` holding a message sent `at` opened."""
        opened = self.conversations[category] = conversation_opened(
            self.conversations.get(category), at
        )
        return opened


def fill_template(
    record: ChatMessage, rendered: RenderedTemplate, template: dict[str, Any]
) -> None:
    """A template send as the shopper sees it."""
    record.text = rendered.body
    record.header = rendered.header
    record.footer = rendered.footer
    record.buttons = [{"id": p, "title": label} for p, label in rendered.buttons]
    record.template = {"name": template["name"], "language": template["language"]}


def fill_interactive(record: ChatMessage, interactive: InteractiveShape) -> None:
    """Reply buttons or a list as the shopper sees them."""
    header = interactive.header
    if header is not None:
        record.header = header.text if header.type == "text" else f"[{header.type}]"
    record.text = interactive.body.text
    record.footer = interactive.footer.text if interactive.footer else None
    action = interactive.action
    if interactive.type == "button":
        record.buttons = [{"id": b.reply.id, "title": b.reply.title} for b in action.buttons or []]
    else:
        record.list = {
            "button": action.button,
            "sections": [
                {
                    "title": s.title,
                    "rows": [
                        {"id": r.id, "title": r.title, "description": r.description} for r in s.rows
                    ],
                }
                for s in action.sections or []
            ],
        }


def find_button(chat: Chat, button_id: str) -> tuple[ChatMessage, dict[str, str]]:
    """The latest delivered business message with this reply button, and the button."""
    for message in reversed(chat.messages):
        if message.direction != "to_shopper" or message.status == "failed":
            continue
        for button in message.buttons:
            if button["id"] == button_id:
                return message, button
    raise NotFound(f"no message in this chat has a reply button with id {button_id!r}")


def find_row(chat: Chat, row_id: str) -> tuple[ChatMessage, dict[str, Any]]:
    """The latest delivered list message with this row, and the row."""
    for message in reversed(chat.messages):
        if message.direction != "to_shopper" or message.list is None:
            continue
        if message.status == "failed":
            continue
        for section in message.list["sections"]:
            for row in section["rows"]:
                if row["id"] == row_id:
                    return message, row
    raise NotFound(f"no list message in this chat has a row with id {row_id!r}")


def read_through(chat: Chat, message_id: str) -> bool:
    """Mark an inbound message, and every earlier one, as read; False if the chat lacks it."""
    for position, message in enumerate(chat.messages):
        if message.id == message_id and message.direction == "from_shopper":
            for earlier in chat.messages[: position + 1]:
                if earlier.direction == "from_shopper":
                    earlier.status = "read"
            return True
    return False


def inbound_text(mid: str, shopper: Shopper, at: int, text: str) -> dict[str, Any]:
    """The inbound message for something the shopper typed."""
    return {**sender(shopper), "id": mid, "timestamp": str(at), "type": "text",
            "text": {"body": text}}  # fmt: skip


def button_tap(
    mid: str, shopper: Shopper, at: int, source: ChatMessage, button: dict[str, str], business: str
) -> dict[str, Any]:
    """The inbound message for a tapped button: a template quick reply or an interactive reply."""
    inbound: dict[str, Any] = {
        **sender(shopper),
        "id": mid,
        "timestamp": str(at),
        "context": {"from": business, "id": source.id},
    }
    if source.type == "template":
        return inbound | {
            "type": "button",
            "button": {"text": button["title"], "payload": button["id"]},
        }
    return inbound | {
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": dict(button)},
    }


def row_tap(
    mid: str, shopper: Shopper, at: int, source: ChatMessage, row: dict[str, Any], business: str
) -> dict[str, Any]:
    """The inbound message for a chosen list row."""
    reply = {"id": row["id"], "title": row["title"]}
    if row.get("description"):
        reply["description"] = row["description"]
    return {
        **sender(shopper),
        "id": mid,
        "timestamp": str(at),
        "context": {"from": business, "id": source.id},
        "type": "interactive",
        "interactive": {"type": "list_reply", "list_reply": reply},
    }
