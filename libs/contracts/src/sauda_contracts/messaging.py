"""The merchant's messaging API (Sauda's own REST): a send, its answer, and connecting a number.

`POST /api/v1/whatsapp/messages` takes a `SendMessageRequest` and answers `MessageAccepted`;
`GET /api/v1/whatsapp/messages/{id}` answers the message log's `MessageOut`. A send's `type`
is the message Meta delivers (`image`, not `media`); its other fields are those of the
`SendMessageBody` the notifier is asked to send, with Meta's limits.
"""

from typing import Literal
from uuid import UUID

from pydantic import Field

from sauda_contracts.api import NO_NUL, RawPhone
from sauda_contracts.envelope import Contract
from sauda_contracts.identity import UserId
from sauda_contracts.patterns import TOKEN
from sauda_contracts.sends import MediaFile, MediaToSend, TemplateToSend
from sauda_contracts.whatsapp import GraphError, ListMenu, ReplyButton

SendType = Literal[
    "text", "buttons", "list", "template", "image", "document", "audio", "video", "sticker"
]
MEDIA_TYPES = frozenset({"image", "document", "audio", "video", "sticker"})


class SendMessageRequest(Contract):
    """One WhatsApp message to one customer, named by phone (`to`) or by Meta's user id
    (`user_id`), one of them. Free-form types (text, buttons, list, media) only inside the
    24-hour window after the customer last wrote; a template at any time."""

    to: RawPhone | None = Field(
        default=None,
        description="The customer's phone: international (923001234567, +92 300 1234567) or "
        "local to the business's country. Give this or `user_id`.",
    )
    user_id: UserId | None = Field(
        default=None,
        description="Instead of `to`: Meta's business-scoped user id (`US.…`) of a WhatsApp "
        "username user who shares no number, as their messages and orders name them.",
    )
    type: SendType = Field(description="What to send; image, document, audio, video and sticker "
                           "are media messages (`media`).")  # fmt: skip
    text: str = Field(default="", max_length=4096, pattern=NO_NUL,
                      description="The text (≤ 4096), or the body above buttons or a list "
                      "(≤ 1024).")  # fmt: skip
    preview_url: bool = Field(default=False, description="Show a link's preview (text).")
    header: str | None = Field(default=None, min_length=1, max_length=60, pattern=NO_NUL,
                               description="Header text of buttons or a list.")  # fmt: skip
    footer: str | None = Field(default=None, min_length=1, max_length=60, pattern=NO_NUL,
                               description="Footer text of buttons or a list.")  # fmt: skip
    buttons: tuple[ReplyButton, ...] = Field(default=(), max_length=3,
                                             description="1–3 reply buttons.")  # fmt: skip
    header_media: MediaToSend | None = Field(
        default=None, description="An image, video or document above the buttons."
    )
    menu: ListMenu | None = Field(default=None, description="The list (type list).")
    template: TemplateToSend | None = Field(default=None, description="The template (type "
                                            "template): name + language, or template_id.")  # fmt: skip
    media: MediaFile | None = Field(default=None, description="The file of a media type.")
    reply_to: str | None = Field(default=None, min_length=1, max_length=256, pattern=NO_NUL,
                                 description="wamid of the customer's message to quote.")  # fmt: skip


class MessageAccepted(Contract):
    """A send taken: its message, and how far it got while the request waited (up to
    WHATSAPP_SEND_WAIT_MS). `accepted`: the notifier has not recorded it yet."""

    message_id: UUID = Field(description="Sauda's id: GET /api/v1/whatsapp/messages/{id}.")
    status: str = Field(
        description="accepted, queued, retrying, sent, delivered, read, failed or skipped."
    )
    wamid: str | None = Field(default=None, description="Meta's id, once Meta took it.")
    error: GraphError | None = Field(default=None, description="Why it failed or was skipped.")


class WhatsAppConnectRequest(Contract):
    """A WhatsApp Cloud API number to connect (or reconnect) for this business."""

    phone_number_id: str = Field(pattern=r"^[0-9A-Za-z_\-]{1,64}$",
                                 description="Meta's phone number id.")  # fmt: skip
    waba_id: str = Field(pattern=r"^[0-9A-Za-z_\-]{1,64}$",
                         description="The WhatsApp Business Account it belongs to.")  # fmt: skip
    access_token: str = Field(min_length=1, max_length=4096, pattern=TOKEN,
                              description="A system user's permanent token (visible ASCII, as "
                              "Meta's are); stored sealed, never shown again.")  # fmt: skip
    display_phone_number: str | None = Field(default=None, max_length=32, pattern=NO_NUL,
                                             description="The number shoppers see.")  # fmt: skip
    api_version: str = Field(default="v21.0", pattern=r"^v[0-9]{1,3}\.[0-9]{1,3}$",
                             description="Graph API version to call.")  # fmt: skip


def send_kind(send_type: str) -> str:
    """The `OutboundKind` a request's type is sent as (every media type is `media`)."""
    return "media" if send_type in MEDIA_TYPES else send_type
