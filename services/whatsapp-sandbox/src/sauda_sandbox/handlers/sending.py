"""The business's sends: faults, throughput limits, the window, templates, media, then statuses
by webhook."""

from dataclasses import dataclass
from typing import Any

from sauda_runtime.logging import get_logger
from sauda_sandbox.api_models import MarkRead, SendMessage
from sauda_sandbox.domain.chats import (
    Chat,
    ChatMessage,
    fill_interactive,
    fill_template,
    read_through,
)
from sauda_sandbox.domain.graph import GraphError, async_error
from sauda_sandbox.domain.identities import AddressedBy, Shopper, sent_contact
from sauda_sandbox.domain.limits import take, window_open
from sauda_sandbox.domain.media import MEDIA_TYPES, MediaObjectShape
from sauda_sandbox.domain.messages import wa_id
from sauda_sandbox.domain.numbers import Number
from sauda_sandbox.domain.templates import check_template, find_template, pricing_category
from sauda_sandbox.domain.webhooks import message_id
from sauda_sandbox.handlers.media import MediaLibrary
from sauda_sandbox.handlers.ports import Clock, FetchFailed, Timers
from sauda_sandbox.handlers.webhooks import Notifying
from sauda_sandbox.settings import SandboxSettings

log = get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class Sending(Notifying):
    """`POST /messages`: sends refused as Graph would, or accepted and followed by statuses."""

    timers: Timers
    clock: Clock
    settings: SandboxSettings
    media: MediaLibrary

    def post_messages(self, number: Number, request: SendMessage | MarkRead) -> dict[str, Any]:
        """`POST /{version}/{phone_number_id}/messages`: a send or a mark-as-read."""
        if isinstance(request, MarkRead):
            return self.mark_read(number, request)
        return self.send(number, request)

    def _recipient(self, number: Number, message: SendMessage) -> tuple[Shopper, AddressedBy, str]:
        """Who a send is for: the phone in `to`, else the user id in `recipient`."""
        if message.to is not None:
            return self.store.phone_shopper(number.waba_id, wa_id(message.to)), "phone", message.to
        assert message.recipient is not None  # check_shape refused the rest
        shopper = self.store.user_shopper(number.waba_id, message.recipient)
        if shopper is None:
            raise GraphError(
                131009, f"No WhatsApp user has the business-scoped user id {message.recipient}."
            )
        return shopper, "user_id", message.recipient

    def _limit(self, number: Number, shopper: Shopper, now: float) -> None:
        """The number's messages per second (130429), then its pair rate to one shopper (131056)."""
        settings, store = self.settings, self.store
        pnid = number.phone_number_id
        allowed, store.number_buckets[pnid] = take(
            store.number_buckets.get(pnid),
            now=now,
            rate=settings.sandbox_mps,
            burst=settings.sandbox_mps,
        )
        if not allowed:
            raise GraphError(130429)
        pair = (pnid, shopper.user_id)
        allowed, store.pair_buckets[pair] = take(
            store.pair_buckets.get(pair),
            now=now,
            rate=settings.sandbox_pair_per_minute / 60.0,
            burst=settings.sandbox_pair_burst,
        )
        if not allowed:
            raise GraphError(131056)

    def send(self, number: Number, message: SendMessage) -> dict[str, Any]:
        now = self.clock()
        shopper, addressed_by, given = self._recipient(number, message)
        if shopper.phone is not None and shopper.phone == number.metadata_number:
            raise GraphError(131021, "Recipient phone number is the sender phone number.")
        pnid = number.phone_number_id
        faults = self.store.faults.get(pnid)
        fault = faults[0] if faults else None
        if fault is not None and not fault.async_:
            self.store.faults[pnid].popleft()
            log.info("fault_injected", phone_number_id=pnid, code=fault.code)
            raise GraphError(fault.code, fault.details, http_status=fault.http_status)
        self._limit(number, shopper, now)

        chat = self.store.chat(pnid, shopper)
        in_window = window_open(chat.last_inbound, now)
        mid = message_id(shopper.phone or shopper.user_id, self.ids.nonce())
        record = ChatMessage(
            id=mid,
            direction="to_shopper",
            type=message.type,
            text=None,
            at=now,
            status="sent",
            in_window=in_window,
            callback_data=message.biz_opaque_callback_data,
            addressed_by=addressed_by,
        )
        media: MediaObjectShape | None = None
        if message.template is not None:
            send = message.template
            template = find_template(
                self.store.templates.get(number.waba_id, []), send.name, send.language.code
            )
            try:
                rendered = check_template(template, send)
            except GraphError as exc:
                if exc.code == 132001:
                    exc.http_status = self.settings.sandbox_template_missing_status
                raise
            assert template is not None
            fill_template(record, rendered, template)
            record.category = pricing_category(template["category"])
        elif not in_window:
            raise GraphError(131047)
        elif message.text is not None:
            record.text = message.text.body
        elif message.interactive is not None:
            fill_interactive(record, message.interactive)
        else:
            media = getattr(message, message.type)
            assert media is not None and message.type in MEDIA_TYPES
            record.text = media.caption
            record.media = {"type": message.type, "id": media.id, "link": media.link,
                            "filename": media.filename}  # fmt: skip

        chat.messages.append(record)
        log.info("message_accepted", phone_number_id=pnid, to=shopper.user_id, type=message.type,
                 message_id=mid)  # fmt: skip
        if fault is not None:  # an asynchronous fault: accepted now, failed by webhook
            self.store.faults[pnid].popleft()
            self._fail(number, chat, record, async_error(fault.code, fault.details))
        elif media is not None:
            record.status = None  # Meta fetches the file first; the chat shows it once sent
            self.timers.start(self._send_media(number, chat, record, media))
        else:
            self._progress(number, chat, record)
        sent: dict[str, Any] = {"id": mid}
        if message.type == "template":
            sent["message_status"] = "accepted"
        return {
            "messaging_product": "whatsapp",
            "contacts": [sent_contact(shopper, given, addressed_by)],
            "messages": [sent],
        }

    async def _send_media(
        self, number: Number, chat: Chat, record: ChatMessage, obj: MediaObjectShape
    ) -> None:
        """The file behind a media send: sent and delivered, or failed with 131053 as Meta does."""
        assert record.media is not None
        try:
            media = await self.media.for_send(number, record.type, obj)
        except FetchFailed as problem:
            log.info("media_send_failed", message_id=record.id, reason=str(problem))
            self._fail(number, chat, record, async_error(131053, str(problem)))
            return
        record.media |= {"id": media.id, "mime_type": media.mime_type,
                         "file_size": media.file_size, "url": f"/sandbox/media/{media.id}",
                         "filename": obj.filename or media.filename}  # fmt: skip
        self._progress(number, chat, record)

    def _fail(self, number: Number, chat: Chat, record: ChatMessage, error: dict[str, Any]) -> None:
        record.status = "failed"
        self.webhooks.status(number, chat, record, "failed", error=error)

    def _progress(self, number: Number, chat: Chat, record: ChatMessage) -> None:
        """`sent` now, `delivered` after the configured delay (unless read or failed by then)."""
        record.status = "sent"
        self.webhooks.status(number, chat, record, "sent")

        def deliver() -> None:
            if record.status == "sent":
                record.status = "delivered"
                self.webhooks.status(number, chat, record, "delivered")

        self.timers.later(self.settings.sandbox_status_delay_ms / 1000.0, deliver)

    def mark_read(self, number: Number, request: MarkRead) -> dict[str, Any]:
        """Mark an inbound message, and every earlier one in its chat, as read."""
        for chat in self.store.chats_of(number.phone_number_id):
            if read_through(chat, request.message_id):
                return {"success": True}
        raise GraphError(
            131009, f"Message {request.message_id} is not a message received by this number."
        )
