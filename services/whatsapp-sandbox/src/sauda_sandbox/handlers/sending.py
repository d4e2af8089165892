"""The business's sends: faults, throughput limits, the window, templates, then statuses by webhook."""

from dataclasses import dataclass
from typing import Any

from sauda_runtime.logging import get_logger
from sauda_sandbox.api_models import MarkRead, SendMessage
from sauda_sandbox.domain.chats import ChatMessage, fill_interactive, fill_template, read_through
from sauda_sandbox.domain.graph import GraphError, async_error
from sauda_sandbox.domain.limits import take, window_open
from sauda_sandbox.domain.messages import wa_id
from sauda_sandbox.domain.numbers import Number
from sauda_sandbox.domain.templates import check_template, find_template, pricing_category
from sauda_sandbox.domain.webhooks import message_id
from sauda_sandbox.handlers.ports import Clock, Timers
from sauda_sandbox.handlers.webhooks import Notifying
from sauda_sandbox.settings import SandboxSettings

log = get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class Sending(Notifying):
    """`POST /messages`: sends refused as Graph would, or accepted and followed by statuses."""

    timers: Timers
    clock: Clock
    settings: SandboxSettings

    def post_messages(self, number: Number, request: SendMessage | MarkRead) -> dict[str, Any]:
        """`POST /{version}/{phone_number_id}/messages`: a send or a mark-as-read."""
        if isinstance(request, MarkRead):
            return self.mark_read(number, request)
        return self.send(number, request)

    def _limit(self, number: Number, shopper: str, now: float) -> None:
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
        pair = (pnid, shopper)
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
        shopper = wa_id(message.to)
        if shopper == number.metadata_number:
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
        mid = message_id(shopper, self.ids.nonce())
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

        chat.messages.append(record)
        log.info("message_accepted", phone_number_id=pnid, to=shopper, type=message.type,
                 message_id=mid)  # fmt: skip
        if fault is not None:  # an asynchronous fault: accepted now, failed by webhook
            self.store.faults[pnid].popleft()
            record.status = "failed"
            error = async_error(fault.code, fault.details)
            self.webhooks.status(number, chat, record, "failed", error=error)
        else:
            self.webhooks.status(number, chat, record, "sent")

            def deliver() -> None:
                if record.status == "sent":
                    record.status = "delivered"
                    self.webhooks.status(number, chat, record, "delivered")

            self.timers.later(self.settings.sandbox_status_delay_ms / 1000.0, deliver)
        sent: dict[str, Any] = {"id": mid}
        if message.type == "template":
            sent["message_status"] = "accepted"
        return {
            "messaging_product": "whatsapp",
            "contacts": [{"input": message.to, "wa_id": shopper}],
            "messages": [sent],
        }

    def mark_read(self, number: Number, request: MarkRead) -> dict[str, Any]:
        """Mark an inbound message, and every earlier one in its chat, as read."""
        for chat in self.store.chats_of(number.phone_number_id):
            if read_through(chat, request.message_id):
                return {"success": True}
        raise GraphError(
            131009, f"Message {request.message_id} is not a message received by this number."
        )
