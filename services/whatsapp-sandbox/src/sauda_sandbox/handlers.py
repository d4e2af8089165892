"""Sandbox use cases over in-memory state: sends, templates, faults, the shopper's side of each chat."""

import asyncio
import base64
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sauda_runtime.logging import get_logger
from sauda_sandbox import domain
from sauda_sandbox.adapters.state_file import StateFile
from sauda_sandbox.adapters.webhooks import WebhookEmitter
from sauda_sandbox.domain import GraphError, MarkRead, SendMessage
from sauda_sandbox.settings import SandboxSettings

log = get_logger(__name__)

Clock = Callable[[], float]


class NotFound(Exception):
    """A sandbox management request about something that does not exist (HTTP 404)."""


class Conflict(Exception):
    """A sandbox management request that cannot be applied (HTTP 409)."""


class Invalid(Exception):
    """A sandbox management request with a value that cannot be used (HTTP 400)."""


# --------------------------------------------------------------------------------------------
# Management request bodies


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NewNumber(Body):
    display_phone_number: str | None = Field(default=None, pattern=r"^\+?[\d\s\-]{7,20}$")
    verified_name: str | None = Field(default=None, min_length=1, max_length=100)
    waba_id: str | None = Field(default=None, description="Join an existing WABA instead.")
    webhook_url: str | None = Field(default=None, description="Override SANDBOX_WEBHOOK_URL.")


class TemplateStatusChange(Body):
    name: str
    language: str
    status: domain.TemplateStatus
    reason: str | None = None


class Fault(Body):
    code: int
    count: int = Field(default=1, ge=1)
    http_status: int | None = Field(default=None, ge=400, le=599)
    async_: bool = Field(default=False, alias="async")
    details: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ShopperMessage(Body):
    text: str | None = Field(default=None, min_length=1, max_length=4096)
    button_id: str | None = None
    list_row_id: str | None = None
    name: str | None = Field(default=None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def exactly_one(self) -> "ShopperMessage":
        given = [x for x in (self.text, self.button_id, self.list_row_id) if x is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of text, button_id, list_row_id")
        return self


# --------------------------------------------------------------------------------------------
# State


@dataclass
class Number:
    phone_number_id: str
    waba_id: str
    access_token: str
    display_phone_number: str
    verified_name: str
    webhook_url: str | None = None

    @property
    def metadata_number(self) -> str:
        return domain.wa_id(self.display_phone_number) or self.display_phone_number


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

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "direction": self.direction,
            "type": self.type,
            "text": self.text,
            "header": self.header,
            "footer": self.footer,
            "buttons": self.buttons,
            "list": self.list,
            "template": self.template,
            "status": self.status,
            "timestamp": datetime.fromtimestamp(self.at, UTC).isoformat(),
        }


@dataclass
class Chat:
    shopper: str
    name: str = "Sandbox Shopper"
    last_inbound: float | None = None
    messages: list[ChatMessage] = field(default_factory=list)
    conversations: dict[str, int] = field(default_factory=dict)  # category -> opened at


@dataclass
class Page:
    items: list[dict[str, Any]]
    before: str | None
    after: str | None
    has_next: bool
    has_previous: bool


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(str(index).encode()).decode().rstrip("=")


def _uncursor(cursor: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except ValueError:
        raise GraphError(100, "Invalid paging cursor.") from None


def _digits(n: int) -> str:
    return str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(n - 1))


class Sandbox:
    """Everything the fake knows, and every use case over it; built once by bootstrap."""

    def __init__(
        self,
        settings: SandboxSettings,
        *,
        emitter: WebhookEmitter,
        state_file: StateFile,
        clock: Clock = time.time,
    ) -> None:
        self.settings = settings
        self._emitter = emitter
        self._state_file = state_file
        self._clock = clock
        self.numbers: dict[str, Number] = {}
        self.templates: dict[str, list[dict[str, Any]]] = {}  # waba id -> definitions
        self._chats: dict[tuple[str, str], Chat] = {}
        self._faults: dict[str, deque[Fault]] = {}
        self._number_buckets: dict[str, domain.Bucket] = {}
        self._pair_buckets: dict[tuple[str, str], domain.Bucket] = {}
        self._timers: set[asyncio.TimerHandle] = set()
        self._load()

    # ---- persistence

    def _load(self) -> None:
        data = self._state_file.load()
        for raw in data.get("numbers", []):
            number = Number(**raw)
            self.numbers[number.phone_number_id] = number
        self.templates = {k: list(v) for k, v in data.get("templates", {}).items()}
        if self.numbers:
            log.info("state_loaded", numbers=len(self.numbers))

    def _save(self) -> None:
        self._state_file.save(
            {
                "numbers": [asdict(n) for n in self.numbers.values()],
                "templates": self.templates,
            }
        )

    def close(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    # ---- numbers

    def create_number(self, request: NewNumber) -> Number:
        if request.waba_id is not None and request.waba_id not in self.wabas():
            raise NotFound(f"no sandbox WABA {request.waba_id}")
        display = domain.wa_id(request.display_phone_number or "") or "1555" + _digits(7)
        if any(n.metadata_number == display for n in self.numbers.values()):
            raise Conflict(f"display phone number {display} is already a sandbox number")
        number = Number(
            phone_number_id=_digits(15),
            waba_id=request.waba_id or _digits(15),
            access_token="EAA" + secrets.token_urlsafe(48),
            display_phone_number=display,
            verified_name=request.verified_name or "Sauda Sandbox",
            webhook_url=request.webhook_url,
        )
        self.numbers[number.phone_number_id] = number
        self.templates.setdefault(number.waba_id, [])
        self._save()
        log.info("number_created", phone_number_id=number.phone_number_id, waba_id=number.waba_id)
        return number

    def number(self, phone_number_id: str) -> Number:
        number = self.numbers.get(phone_number_id)
        if number is None:
            raise NotFound(f"no sandbox number {phone_number_id}")
        return number

    def wabas(self) -> set[str]:
        return {n.waba_id for n in self.numbers.values()}

    def authorize(self, phone_number_id: str, token: str | None) -> Number:
        """The number a Graph call addresses, if the bearer token is that number's."""
        if not token:
            raise GraphError(190, "An access token is required to request this resource.")
        number = self.numbers.get(phone_number_id)
        if number is None:
            raise GraphError(
                100,
                f"Unsupported post request. Object with ID '{phone_number_id}' does not exist, "
                "cannot be loaded due to missing permissions, or does not support this operation.",
                subcode=33,
            )
        if not secrets.compare_digest(token, number.access_token):
            raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
        return number

    def authorize_waba(self, waba_id: str, token: str | None) -> str:
        if not token:
            raise GraphError(190, "An access token is required to request this resource.")
        tokens = [n.access_token for n in self.numbers.values() if n.waba_id == waba_id]
        if not tokens:
            raise GraphError(100, f"Object with ID '{waba_id}' does not exist.", subcode=33)
        if not any(secrets.compare_digest(token, t) for t in tokens):
            raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
        return waba_id

    def _url(self, number: Number) -> str:
        return number.webhook_url or self.settings.sandbox_webhook_url

    # ---- faults

    def add_fault(self, phone_number_id: str, fault: Fault) -> list[dict[str, Any]]:
        self.number(phone_number_id)
        queue = self._faults.setdefault(phone_number_id, deque())
        queue.extend([fault] * fault.count)
        return self.faults(phone_number_id)

    def clear_faults(self, phone_number_id: str) -> None:
        self.number(phone_number_id)
        self._faults.pop(phone_number_id, None)

    def faults(self, phone_number_id: str) -> list[dict[str, Any]]:
        return [
            f.model_dump(by_alias=True, exclude={"count"})
            for f in self._faults.get(phone_number_id, ())
        ]

    def _peek_fault(self, phone_number_id: str) -> Fault | None:
        queue = self._faults.get(phone_number_id)
        return queue[0] if queue else None

    def _pop_fault(self, phone_number_id: str) -> None:
        self._faults[phone_number_id].popleft()

    # ---- sending

    def _chat(self, number: Number, shopper: str) -> Chat:
        key = (number.phone_number_id, shopper)
        chat = self._chats.get(key)
        if chat is None:
            chat = self._chats[key] = Chat(shopper=shopper)
        return chat

    def _template(self, waba_id: str, name: str, language: str) -> dict[str, Any] | None:
        return next(
            (
                t
                for t in self.templates.get(waba_id, [])
                if t["name"] == name and t["language"] == language
            ),
            None,
        )

    def handle_messages_post(self, number: Number, body: Any) -> dict[str, Any]:
        """`POST /{version}/{phone_number_id}/messages`: a send or a mark-as-read."""
        request = domain.parse_send(body)
        if isinstance(request, MarkRead):
            return self.mark_read(number, request)
        return self.send(number, request)

    def send(self, number: Number, message: SendMessage) -> dict[str, Any]:
        now = self._clock()
        shopper = domain.wa_id(message.to)
        if shopper == number.metadata_number:
            raise GraphError(131021, "Recipient phone number is the sender phone number.")
        fault = self._peek_fault(number.phone_number_id)
        if fault is not None and not fault.async_:
            self._pop_fault(number.phone_number_id)
            log.info("fault_injected", phone_number_id=number.phone_number_id, code=fault.code)
            raise GraphError(fault.code, fault.details, http_status=fault.http_status)
        allowed, self._number_buckets[number.phone_number_id] = domain.take(
            self._number_buckets.get(number.phone_number_id),
            now=now,
            rate=self.settings.sandbox_mps,
            burst=self.settings.sandbox_mps,
        )
        if not allowed:
            raise GraphError(130429)
        pair = (number.phone_number_id, shopper)
        allowed, self._pair_buckets[pair] = domain.take(
            self._pair_buckets.get(pair),
            now=now,
            rate=self.settings.sandbox_pair_per_minute / 60.0,
            burst=self.settings.sandbox_pair_burst,
        )
        if not allowed:
            raise GraphError(131056)

        chat = self._chat(number, shopper)
        in_window = domain.window_open(chat.last_inbound, now)
        mid = domain.message_id(shopper, secrets.token_hex(9))
        record = ChatMessage(
            id=mid,
            direction="to_shopper",
            type=message.type,
            text=None,
            at=now,
            status="sent",
            in_window=in_window,
            callback_data=message.biz_opaque_callback_data,
        )
        if message.template is not None:
            template = self._template(
                number.waba_id, message.template.name, message.template.language.code
            )
            try:
                rendered = domain.check_template(template, message.template)
            except GraphError as exc:
                if exc.code == 132001:
                    exc.http_status = self.settings.sandbox_template_missing_status
                raise
            assert template is not None
            record.text = rendered.body
            record.header = rendered.header
            record.footer = rendered.footer
            record.buttons = [{"id": p, "title": label} for p, label in rendered.buttons]
            record.template = {"name": template["name"], "language": template["language"]}
            record.category = domain.pricing_category(template["category"])
        elif not in_window:
            raise GraphError(131047)
        elif message.text is not None:
            record.text = message.text.body
        elif message.interactive is not None:
            self._fill_interactive(record, message.interactive)

        chat.messages.append(record)
        log.info(
            "message_accepted",
            phone_number_id=number.phone_number_id,
            to=shopper,
            type=message.type,
            message_id=mid,
        )
        if fault is not None:  # an asynchronous fault: accepted now, failed by webhook
            self._pop_fault(number.phone_number_id)
            record.status = "failed"
            self._emit_status(
                number,
                chat,
                record,
                "failed",
                error=domain.async_error(fault.code, fault.details),
            )
        else:
            self._emit_status(number, chat, record, "sent")
            self._later(
                self.settings.sandbox_status_delay_ms / 1000.0,
                lambda: self._deliver(number, chat, record),
            )
        sent: dict[str, Any] = {"id": mid}
        if message.type == "template":
            sent["message_status"] = "accepted"
        return {
            "messaging_product": "whatsapp",
            "contacts": [{"input": message.to, "wa_id": shopper}],
            "messages": [sent],
        }

    @staticmethod
    def _fill_interactive(record: ChatMessage, interactive: domain.Interactive) -> None:
        header = interactive.header
        if header is not None:
            record.header = header.text if header.type == "text" else f"[{header.type}]"
        record.text = interactive.body.text
        record.footer = interactive.footer.text if interactive.footer else None
        action = interactive.action
        if interactive.type == "button":
            record.buttons = [
                {"id": b.reply.id, "title": b.reply.title} for b in action.buttons or []
            ]
        else:
            record.list = {
                "button": action.button,
                "sections": [
                    {
                        "title": s.title,
                        "rows": [
                            {"id": r.id, "title": r.title, "description": r.description}
                            for r in s.rows
                        ],
                    }
                    for s in action.sections or []
                ],
            }

    def _later(self, delay: float, callback: Callable[[], None]) -> None:
        loop = asyncio.get_running_loop()

        def run() -> None:
            self._timers.discard(handle)
            callback()

        handle = loop.call_later(delay, run)
        self._timers.add(handle)

    def _deliver(self, number: Number, chat: Chat, record: ChatMessage) -> None:
        if record.status == "sent":
            record.status = "delivered"
            self._emit_status(number, chat, record, "delivered")

    def _conversation(self, number: Number, chat: Chat, category: str, now: int) -> tuple[str, int]:
        opened = chat.conversations.get(category)
        if opened is None or now >= opened + domain.WINDOW_SECONDS:
            opened = chat.conversations[category] = now
        return (
            domain.conversation_id(number.phone_number_id, chat.shopper, category, opened),
            opened + domain.WINDOW_SECONDS,
        )

    def _emit_status(
        self,
        number: Number,
        chat: Chat,
        record: ChatMessage,
        status: Literal["sent", "delivered", "read", "failed"],
        *,
        error: dict[str, Any] | None = None,
    ) -> None:
        now = int(self._clock())
        conversation, expires = self._conversation(number, chat, record.category, int(record.at))
        item = domain.status_item(
            domain.StatusFacts(
                message_id=record.id,
                recipient=chat.shopper,
                status=status,
                at=now,
                category=record.category,
                conversation_id=conversation,
                conversation_expires=expires,
                in_window=record.in_window,
                callback_data=record.callback_data,
                error=error,
            )
        )
        value = domain.messages_value(
            number.metadata_number, number.phone_number_id, statuses=[item]
        )
        self._emitter.emit(
            number.phone_number_id,
            self._url(number),
            domain.envelope(number.waba_id, "messages", value),
        )

    def mark_read(self, number: Number, request: MarkRead) -> dict[str, Any]:
        """Mark an inbound message, and every earlier one in its chat, as read."""
        for (phone_number_id, _), chat in self._chats.items():
            if phone_number_id != number.phone_number_id:
                continue
            for position, message in enumerate(chat.messages):
                if message.id == request.message_id and message.direction == "from_shopper":
                    for earlier in chat.messages[: position + 1]:
                        if earlier.direction == "from_shopper":
                            earlier.status = "read"
                    return {"success": True}
        raise GraphError(
            131009, f"Message {request.message_id} is not a message received by this number."
        )

    # ---- templates

    def list_templates(
        self,
        waba_id: str,
        *,
        filters: dict[str, str],
        fields: list[str] | None,
        limit: int,
        after: str | None,
        before: str | None,
    ) -> Page:
        matching = [
            t
            for t in self.templates.get(waba_id, [])
            if all(str(t.get(key, "")).upper() == value.upper() for key, value in filters.items())
        ]
        limit = max(1, min(limit, 1000))
        if after is not None:
            start = _uncursor(after) + 1
        elif before is not None:
            start = max(0, _uncursor(before) - limit)
        else:
            start = 0
        chosen = matching[start : start + limit]
        items = [
            {k: v for k, v in t.items() if fields is None or k in fields or k == "id"}
            for t in chosen
        ]
        return Page(
            items=items,
            before=_cursor(start) if chosen else None,
            after=_cursor(start + len(chosen) - 1) if chosen else None,
            has_next=start + len(chosen) < len(matching),
            has_previous=start > 0,
        )

    def create_template(self, waba_id: str, body: Any) -> dict[str, Any]:
        definition = domain.parse_template_definition(body)
        if self._template(waba_id, definition.name, definition.language) is not None:
            raise GraphError(
                100,
                f"Content in this language already exists: a template named {definition.name} "
                f"exists in {definition.language}.",
                subcode=2388024,
            )
        template: dict[str, Any] = {
            "id": _digits(16),
            "name": definition.name,
            "language": definition.language,
            "status": "PENDING",
            "category": definition.category,
            "parameter_format": definition.parameter_format,
            "components": [c.model_dump(exclude_none=True) for c in definition.components],
        }
        self.templates.setdefault(waba_id, []).append(template)
        self._save()
        log.info("template_created", waba_id=waba_id, name=definition.name)
        return {"id": template["id"], "status": "PENDING", "category": definition.category}

    def set_template_status(self, waba_id: str, change: TemplateStatusChange) -> dict[str, Any]:
        template = self._template(waba_id, change.name, change.language)
        if waba_id not in self.wabas() or template is None:
            raise NotFound(
                f"no template {change.name} ({change.language}) in sandbox WABA {waba_id}"
            )
        template["status"] = change.status
        self._save()
        value = {
            "event": change.status,
            "message_template_id": int(template["id"]),
            "message_template_name": template["name"],
            "message_template_language": template["language"],
            "reason": change.reason or "NONE",
        }
        numbers = [n for n in self.numbers.values() if n.waba_id == waba_id]
        for url in {self._url(n) for n in numbers}:
            self._emitter.emit(
                f"waba-{waba_id}",
                url,
                domain.envelope(waba_id, "message_template_status_update", value),
            )
        log.info("template_status_set", waba_id=waba_id, name=change.name, status=change.status)
        return template

    # ---- the shopper's side

    def chats(self, phone_number_id: str) -> list[dict[str, Any]]:
        self.number(phone_number_id)
        now = self._clock()
        return [
            {
                "shopper_phone": chat.shopper,
                "name": chat.name,
                "window_open": domain.window_open(chat.last_inbound, now),
                "messages": len(chat.messages),
                "last_message_at": (
                    chat.messages[-1].view()["timestamp"] if chat.messages else None
                ),
            }
            for (pnid, _), chat in self._chats.items()
            if pnid == phone_number_id
        ]

    def view_chat(
        self, phone_number_id: str, shopper_phone: str, *, mark_read: bool
    ) -> dict[str, Any]:
        """The shopper's screen; looking at it reads every business message not read yet."""
        number = self.number(phone_number_id)
        shopper = self._shopper(shopper_phone)
        chat = self._chats.get((phone_number_id, shopper)) or Chat(shopper=shopper)
        if mark_read:
            for message in chat.messages:
                if message.direction == "to_shopper" and message.status in ("sent", "delivered"):
                    if message.status == "sent":
                        self._emit_status(number, chat, message, "delivered")
                    message.status = "read"
                    self._emit_status(number, chat, message, "read")
        return {
            "phone_number_id": phone_number_id,
            "shopper_phone": shopper,
            "name": chat.name,
            "window_open": domain.window_open(chat.last_inbound, self._clock()),
            "messages": [m.view() for m in chat.messages],
        }

    @staticmethod
    def _shopper(phone: str) -> str:
        shopper = domain.wa_id(phone)
        if not shopper:
            raise Invalid(f"{phone!r} is not a phone number (7 to 15 digits)")
        return shopper

    def shopper_says(self, phone_number_id: str, shopper_phone: str, said: ShopperMessage) -> str:
        """A shopper's message to the business: recorded, signed webhook queued, window opened."""
        number = self.number(phone_number_id)
        shopper = self._shopper(shopper_phone)
        chat = self._chat(number, shopper)
        now = self._clock()
        mid = domain.message_id(shopper, secrets.token_hex(9))
        inbound: dict[str, Any] = {"from": shopper, "id": mid, "timestamp": str(int(now))}
        record = ChatMessage(id=mid, direction="from_shopper", type="text", text=said.text, at=now)
        if said.text is not None:
            inbound |= {"type": "text", "text": {"body": said.text}}
        elif said.button_id is not None:
            source, button = self._find_button(chat, said.button_id)
            inbound["context"] = {"from": number.metadata_number, "id": source.id}
            if source.type == "template":
                inbound |= {
                    "type": "button",
                    "button": {"text": button["title"], "payload": button["id"]},
                }
                record.type = "button"
            else:
                inbound |= {
                    "type": "interactive",
                    "interactive": {"type": "button_reply", "button_reply": dict(button)},
                }
                record.type = "interactive"
            record.text = button["title"]
        else:
            assert said.list_row_id is not None
            source, row = self._find_row(chat, said.list_row_id)
            inbound["context"] = {"from": number.metadata_number, "id": source.id}
            reply = {"id": row["id"], "title": row["title"]}
            if row.get("description"):
                reply["description"] = row["description"]
            inbound |= {
                "type": "interactive",
                "interactive": {"type": "list_reply", "list_reply": reply},
            }
            record.type = "interactive"
            record.text = row["title"]
        if said.name is not None:
            chat.name = said.name
        chat.last_inbound = now
        chat.messages.append(record)
        value = domain.messages_value(
            number.metadata_number,
            number.phone_number_id,
            contacts=[{"profile": {"name": chat.name}, "wa_id": shopper}],
            messages=[inbound],
        )
        self._emitter.emit(
            number.phone_number_id,
            self._url(number),
            domain.envelope(number.waba_id, "messages", value),
        )
        log.info(
            "shopper_message",
            phone_number_id=phone_number_id,
            shopper=shopper,
            type=inbound["type"],
            message_id=mid,
        )
        return mid

    @staticmethod
    def _find_button(chat: Chat, button_id: str) -> tuple[ChatMessage, dict[str, str]]:
        for message in reversed(chat.messages):
            if message.direction != "to_shopper" or message.status == "failed":
                continue
            for button in message.buttons:
                if button["id"] == button_id:
                    return message, button
        raise NotFound(f"no message in this chat has a reply button with id {button_id!r}")

    @staticmethod
    def _find_row(chat: Chat, row_id: str) -> tuple[ChatMessage, dict[str, Any]]:
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
