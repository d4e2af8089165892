"""WhatsApp traffic between Sauda's services, and what the notifier tells the rest of Sauda.

Topics (key = business id + the chat's identity, so one chat is handled in order):
- `whatsapp.inbound.v1`: a shopper's message or tap, as the gateway received it from Meta; the
  merchant's reset (`ResetChatFlow`) or start (`bot_flows.TriggerBotFlow`) of the chat's bot,
  or release of a chat handed to a person (`handover.ChatReleased`).
- `whatsapp.status.v1`: Meta's receipts for messages we sent (sent, delivered, read, failed),
  and template review results.
- `whatsapp.outbound.v1`: what the conversation service and the merchant's messaging API ask
  of the notifier: a message to send (free-form, template or media), or a shopper's opt-out
  (STOP) or opt-in (START); or a broadcast to run (`broadcasts.StartBroadcast`); or a failed
  send to try once more (`dead_letters.RedriveMessage`); or a subscriber's sequence to assign
  or remove (`sequences.AssignSequence`, `RemoveSequence`); or a file to upload
  (`media.UploadMedia`); or a chat handed to a person (`handover.ChatHandedOver`).
- `notifier.events.v1`: the notifier's message log (one snapshot per change), its notices and
  each template's review state (`message_templates.TemplateRecorded`) and each broadcast's
  progress (`broadcasts.BroadcastRecorded`), each sequence enrolment's
  (`sequences.SequenceEnrolmentRecorded`) and each upload's outcome (`media.MediaUploaded`).

Meta's own limits (3 reply buttons, 10 list rows, title lengths) are part of these contracts,
so a message that WhatsApp would refuse cannot even be asked for.

Username users (Meta's business-scoped user ids): the bodies naming a shopper name them by
phone, by user id, or both, and chats are keyed by `chat_identity`; why that stays on v1 is
written in `sauda_contracts.identity`.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, ClassVar, Literal, TypeAlias
from uuid import UUID

from pydantic import Field, TypeAdapter, model_validator

from sauda_contracts.bot_flows import TriggerBotFlow
from sauda_contracts.broadcasts import BroadcastRecorded, StartBroadcast
from sauda_contracts.cart_recovery import SetCartRecovery
from sauda_contracts.cod_policy import CodPolicyChanged
from sauda_contracts.dead_letters import RedriveMessage
from sauda_contracts.envelope import Contract, Envelope
from sauda_contracts.handover import ChatHandedOver, ChatReleased
from sauda_contracts.identity import Shopper, UserId, Username
from sauda_contracts.media import MediaUploaded, UploadMedia
from sauda_contracts.message_templates import TemplateRecorded
from sauda_contracts.notices import NoticeBody as NoticeBody  # re-exported: one vocabulary
from sauda_contracts.notices import NoticeKind as NoticeKind
from sauda_contracts.notices import NoticeRaised
from sauda_contracts.orders import Phone
from sauda_contracts.sends import MediaToSend, TemplateToSend, shape_problem
from sauda_contracts.sequences import AssignSequence, RemoveSequence, SequenceEnrolmentRecorded
from sauda_contracts.template_admin import CreateTemplate, SyncTemplates, TemplateRequestRecorded


def chat_key(business_id: UUID, identity: str) -> bytes:
    """Kafka key of every WhatsApp topic: one chat always lands on one partition. `identity`
    is `chat_identity(phone, user_id)`."""
    return f"{business_id}:{identity}".encode()


_USER_ID = "Shopper's business-scoped user id at Meta (`user_id`), if Meta gave one."
_NO_PHONE = " Absent for a username user who shares no number."


# --- whatsapp.inbound.v1 ---


class InboundKind(StrEnum):
    TEXT = "text"
    BUTTON = "button"  # a template's quick-reply button
    BUTTON_REPLY = "button_reply"  # an interactive reply button
    LIST_REPLY = "list_reply"
    OTHER = "other"  # media, location, unsupported: kept in the log, not acted on


class InboundMessageBody(Shopper):
    phone_number_id: str = Field(max_length=64, description="Business number that received it.")
    customer_phone: Phone | None = Field(
        default=None, description="Shopper's WhatsApp number (`from` / wa_id)." + _NO_PHONE
    )
    customer_user_id: UserId | None = Field(default=None, description=_USER_ID)
    customer_parent_user_id: UserId | None = Field(
        default=None, description="Meta's parent user id of the shopper (`parent_user_id`)."
    )
    customer_username: Username | None = Field(default=None)
    wamid: str = Field(max_length=256, description="Meta's id of the inbound message.")
    sent_at: datetime = Field(description="When the shopper sent it (Meta's timestamp).")
    kind: InboundKind = Field(description="What the shopper did.")
    meta_type: str = Field(max_length=40, description="Meta's own `type` field, as received.")
    text: str | None = Field(
        default=None, max_length=4096, description="Typed text, or the tapped button's label."
    )
    reply_id: str | None = Field(
        default=None,
        max_length=256,
        description="Payload of a quick reply, or id of a reply button or list row.",
    )
    context_wamid: str | None = Field(
        default=None, max_length=256, description="Our message this one replies to, if any."
    )
    profile_name: str | None = Field(
        default=None, max_length=200, description="Shopper's WhatsApp profile name."
    )


class InboundMessageReceived(Envelope):
    type: Literal["InboundMessageReceived"] = "InboundMessageReceived"
    body: InboundMessageBody


class ResetChatFlowBody(Shopper):
    """The merchant reset the shopper's chat-ordering flow (Wabotick's reset user input flow)."""

    ADDED: ClassVar[frozenset[str]] = frozenset({"customer_user_id"})

    customer_phone: Phone | None = Field(
        default=None, description="The shopper whose session (step, cart) ends." + _NO_PHONE
    )
    customer_user_id: UserId | None = Field(default=None, description=_USER_ID)


class ResetChatFlow(Envelope):
    """Clear a shopper's chat-ordering session: their next message starts the flow over. On the
    chat's own key in whatsapp.inbound.v1, so it lands in order with the shopper's messages."""

    type: Literal["ResetChatFlow"] = "ResetChatFlow"
    body: ResetChatFlowBody


# --- whatsapp.status.v1 ---


class DeliveryStatus(StrEnum):
    """A message's life on the notifier's side (`queued`, `retrying`, `skipped`) and Meta's."""

    QUEUED = "queued"
    RETRYING = "retrying"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    SKIPPED = "skipped"  # decided not to send: no consent, template not approved, opted out
    SCHEDULED = "scheduled"  # waits for its time (the shop's quiet hours): `scheduled_for`


class GraphError(Contract):
    """An error as Meta reports it (synchronously or in a `failed` status)."""

    code: int = Field(description="Meta's error code, e.g. 131047, or the HTTP status if none.")
    title: str = Field(default="", max_length=500, description="Meta's title or message.")
    details: str | None = Field(default=None, max_length=2000, description="error_data.details.")


class StatusReportBody(Shopper):
    phone_number_id: str = Field(max_length=64, description="Business number that sent it.")
    customer_phone: Phone | None = Field(
        default=None, description="Recipient (Meta's `recipient_id`)." + _NO_PHONE
    )
    customer_user_id: UserId | None = Field(
        default=None, description="Recipient's user id at Meta (`recipient_user_id`), if given."
    )
    customer_parent_user_id: UserId | None = Field(
        default=None, description="Meta's `parent_recipient_user_id`, if given."
    )
    wamid: str = Field(max_length=256, description="Meta's id of the message we sent.")
    status: Literal["sent", "delivered", "read", "failed"] = Field(description="Meta's status.")
    at: datetime = Field(description="When Meta says it happened.")
    errors: tuple[GraphError, ...] = Field(default=(), description="Why it failed, if it did.")
    callback_data: str | None = Field(
        default=None,
        max_length=512,
        description="`biz_opaque_callback_data` we sent: the notifier's message id.",
    )


class MessageStatusReported(Envelope):
    type: Literal["MessageStatusReported"] = "MessageStatusReported"
    body: StatusReportBody


class TemplateStatusBody(Contract):
    waba_id: str = Field(max_length=64, description="WhatsApp Business Account id.")
    name: str = Field(max_length=512, description="Template name.")
    language: str = Field(max_length=20, description="Meta's language code, e.g. `en`.")
    status: str = Field(max_length=40, description="APPROVED, PENDING, REJECTED, PAUSED, ...")
    reason: str | None = Field(default=None, max_length=500, description="Meta's reason, if any.")


class TemplateStatusChanged(Envelope):
    type: Literal["TemplateStatusChanged"] = "TemplateStatusChanged"
    body: TemplateStatusBody


# --- whatsapp.outbound.v1 ---


class ReplyButton(Contract):
    id: str = Field(min_length=1, max_length=256, description="Comes back as `reply_id`.")
    title: str = Field(min_length=1, max_length=20, description="Button label (Meta: ≤ 20).")


class ListRow(Contract):
    id: str = Field(min_length=1, max_length=200, description="Comes back as `reply_id`.")
    title: str = Field(min_length=1, max_length=24, description="Row title (Meta: ≤ 24).")
    description: str | None = Field(default=None, max_length=72, description="Meta: ≤ 72.")


class ListSection(Contract):
    title: str | None = Field(default=None, max_length=24, description="Meta: ≤ 24.")
    rows: tuple[ListRow, ...] = Field(min_length=1, max_length=10)


class ListMenu(Contract):
    button: str = Field(min_length=1, max_length=20, description="Label that opens the list.")
    sections: tuple[ListSection, ...] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _at_most_ten_rows(self) -> "ListMenu":
        if sum(len(s.rows) for s in self.sections) > 10:
            raise ValueError("WhatsApp lists hold at most 10 rows in all sections together")
        return self


class OutboundKind(StrEnum):
    TEXT = "text"
    BUTTONS = "buttons"
    LIST = "list"
    TEMPLATE = "template"  # a template (`template`): the one kind sent outside the window
    MEDIA = "media"  # an image, document, audio, video or sticker (`media`)


class SendMessageBody(Shopper):
    """A message for the notifier to send: free-form (inside the 24-hour window), a template,
    or a media file; to the phone when there is one, else to Meta's user id (Meta's
    `recipient`)."""

    message_key: str = Field(
        max_length=200,
        description="Idempotency key: the notifier sends each key at most once per business.",
    )
    customer_phone: Phone | None = Field(default=None, description="Recipient." + _NO_PHONE)
    customer_user_id: UserId | None = Field(default=None, description=_USER_ID)
    kind: OutboundKind
    text: str = Field(
        default="",
        max_length=4096,
        description="Body text (text: ≤ 4096; buttons and lists: 1–1024); empty for templates "
        "and media.",
    )
    header: str | None = Field(default=None, max_length=60, description="Header (buttons/list).")
    footer: str | None = Field(default=None, max_length=60, description="Footer (buttons/list).")
    buttons: tuple[ReplyButton, ...] = Field(default=(), max_length=3, description="1–3 buttons.")
    menu: ListMenu | None = Field(default=None, description="The list, for kind `list`.")
    order_id: UUID | None = Field(default=None, description="Order this message is about, if any.")
    reply_to: str | None = Field(default=None, max_length=256, description="wamid to quote.")
    header_media: MediaToSend | None = Field(
        default=None, description="An image, video or document heading a buttons message."
    )
    template: TemplateToSend | None = Field(default=None, description="For kind `template`.")
    media: MediaToSend | None = Field(default=None, description="For kind `media`.")
    preview_url: bool = Field(default=False, description="Show a link's preview (text only).")
    merchant: bool = Field(
        default=False,
        description="Sent by the merchant through the messaging API (purpose `merchant`), not "
        "by the chat ordering.",
    )

    @model_validator(mode="after")
    def _shape_matches_kind(self) -> "SendMessageBody":
        problem = shape_problem(
            self.kind.value, text=self.text, header=self.header, footer=self.footer,
            buttons=len(self.buttons), menu=self.menu is not None,
            header_media=self.header_media, template=self.template, media=self.media,
        )  # fmt: skip
        if problem is not None:
            raise ValueError(f"{problem[0]}: {problem[1]}")
        if len({b.title for b in self.buttons}) != len(self.buttons):
            raise ValueError("button titles must be unique")
        return self


class SendWhatsAppMessage(Envelope):
    type: Literal["SendWhatsAppMessage"] = "SendWhatsAppMessage"
    body: SendMessageBody


class OptOutBody(Shopper):
    """A shopper wrote STOP (or START), or stopped (or resumed) marketing messages in WhatsApp
    itself (Meta's `user_preferences` webhook): reminders and marketing to them stop (or
    resume)."""

    customer_phone: Phone | None = Field(default=None, description="The shopper." + _NO_PHONE)
    customer_user_id: UserId | None = Field(default=None, description=_USER_ID)
    opted_out: bool = Field(description="True after STOP, False after START.")
    wamid: str | None = Field(
        max_length=256,
        description="The shopper's message that asked for it; null when Meta reported the "
        "preference (the shopper used WhatsApp's own setting, no message).",
    )
    at: datetime = Field(description="When the shopper asked (Meta's timestamp).")


class ContactOptOutChanged(Envelope):
    type: Literal["ContactOptOutChanged"] = "ContactOptOutChanged"
    body: OptOutBody


# --- notifier.events.v1 ---


class MessagePurpose(StrEnum):
    COD_CONFIRMATION = "cod_confirmation"
    COD_REMINDER = "cod_reminder"
    COD_CONFIRMATION_ADDRESS = "cod_confirmation_address"  # with the address and Change address
    ORDER_CONFIRMED = "order_confirmed"
    ORDER_SHIPPED = "order_shipped"
    ORDER_DELIVERED = "order_delivered"
    ORDER_CANCELLED = "order_cancelled"
    ORDER_RETURNED = "order_returned"
    ADMIN_NEW_ORDER = "admin_new_order"
    CHAT = "chat"  # a free-form message asked for on whatsapp.outbound.v1
    MERCHANT = "merchant"  # the merchant's own send through the messaging API
    CART_RECOVERY = "cart_recovery"  # the one message of an abandoned cart (cart_recovery)
    DELIVERY_FAILED = "delivery_failed"  # a failed delivery attempt: again / address / cancel


class StatusChange(Contract):
    status: DeliveryStatus
    at: datetime
    error: GraphError | None = None


class MessageRecordedBody(Shopper):
    """The whole message as the notifier knows it now; a newer `revision` replaces an older."""

    ADDED: ClassVar[frozenset[str]] = Shopper.ADDED | {"scheduled_for"}

    message_id: UUID = Field(description="Notifier's id (also sent as biz_opaque_callback_data).")
    revision: int = Field(ge=1, description="Grows with every change; keep the highest.")
    phone_number_id: str = Field(max_length=64, description="Business number it is sent from.")
    customer_phone: Phone | None = Field(default=None, description="Recipient." + _NO_PHONE)
    customer_user_id: UserId | None = Field(
        default=None, description="Recipient's user id at Meta, when sent to it (no phone)."
    )
    order_id: UUID | None = Field(default=None, description="Order it is about, if any.")
    purpose: MessagePurpose
    template: str | None = Field(default=None, max_length=512, description="Template name.")
    language: str | None = Field(default=None, max_length=20, description="Template language.")
    kind: Literal[
        "template", "text", "buttons", "list", "image", "document", "audio", "video", "sticker"
    ] = Field(description="How it is sent (a media message: its media type).")
    text: str = Field(max_length=4096, description="What the shopper reads (rendered).")
    wamid: str | None = Field(default=None, max_length=256, description="Meta's id once sent.")
    status: DeliveryStatus
    attempts: int = Field(ge=0, description="Send attempts so far.")
    history: tuple[StatusChange, ...] = Field(description="Every status, oldest first.")
    error: GraphError | None = Field(default=None, description="Last error, if any.")
    created_at: datetime
    scheduled_for: datetime | None = Field(
        default=None, description="A `scheduled` message: when it goes (the quiet hours' end)."
    )


class MessageRecorded(Envelope):
    type: Literal["MessageRecorded"] = "MessageRecorded"
    body: MessageRecordedBody


# --- notifier retry topics (dead letters: `dead_letters`) ---


class SendAttemptBody(Contract):
    """A send that failed and waits on a retry topic until `due_at`."""

    message_id: UUID = Field(description="The notifier's message row to send again.")
    attempt: int = Field(ge=2, description="Number of the attempt this record asks for.")
    due_at: datetime = Field(description="Not before this time.")
    last_error: GraphError | None = None


class SendAttemptDue(Envelope):
    type: Literal["SendAttemptDue"] = "SendAttemptDue"
    body: SendAttemptBody


AnyNotifierEvent: TypeAlias = (
    MessageRecorded | NoticeRaised | TemplateRecorded | BroadcastRecorded
    | SequenceEnrolmentRecorded | MediaUploaded | TemplateRequestRecorded
)  # fmt: skip
WhatsAppStatusEvent = Annotated[
    MessageStatusReported | TemplateStatusChanged, Field(discriminator="type")
]
NotifierEvent = Annotated[
    AnyNotifierEvent,
    Field(discriminator="type"),
]
AnyInbound: TypeAlias = InboundMessageReceived | ResetChatFlow | TriggerBotFlow | ChatReleased
InboundRecord = Annotated[AnyInbound, Field(discriminator="type")]
_inbound: TypeAdapter[AnyInbound] = TypeAdapter(InboundRecord)
# Every record type of whatsapp.outbound.v1 (a new one is added here, once).
AnyOutbound: TypeAlias = (
    SendWhatsAppMessage | ContactOptOutChanged | StartBroadcast | RedriveMessage
    | AssignSequence | RemoveSequence | UploadMedia | CreateTemplate | SyncTemplates
    | CodPolicyChanged
    | SetCartRecovery
    | ChatHandedOver
)  # fmt: skip
OutboundCommand = Annotated[AnyOutbound, Field(discriminator="type")]
_outbound: TypeAdapter[AnyOutbound] = TypeAdapter(OutboundCommand)
_status: TypeAdapter[MessageStatusReported | TemplateStatusChanged] = TypeAdapter(
    WhatsAppStatusEvent
)
_notifier: TypeAdapter[AnyNotifierEvent] = TypeAdapter(NotifierEvent)


def parse_inbound_record(raw: bytes | str) -> AnyInbound:
    return _inbound.validate_json(raw)


def parse_status_event(raw: bytes | str) -> MessageStatusReported | TemplateStatusChanged:
    return _status.validate_json(raw)


def parse_notifier_event(raw: bytes | str) -> AnyNotifierEvent:
    return _notifier.validate_json(raw)


def parse_outbound_command(raw: bytes | str) -> AnyOutbound:
    return _outbound.validate_json(raw)
