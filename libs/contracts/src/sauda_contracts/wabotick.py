"""Wabotick-compatible bodies: the document's form fields and its answers, so an integration
written for it works against Sauda by changing its base URL.

Forms arrive as application/x-www-form-urlencoded (JSON is read the same way), every value a
string; fields the document names that Sauda has no use for (account/connect's user_id,
whatsapp_bot_id) and any others are ignored. Sauda's extension: where the document takes the
customer's `phone_number`, a `user_id` may stand instead, Meta's business-scoped user id of a
WhatsApp username user who shares no number (one of the two). Answers keep the document's
shapes: `{"status": "1", ...}` or `{"status": "success", "data": {...}}` on success,
`{"status": "0", "message": ...}` on refusal (with Sauda's `code` and `field` beside them).
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sauda_contracts.patterns import TOKEN

NO_NUL = r"^[^\x00]*$"


class WabotickForm(BaseModel):
    """A form as the document describes it: strings, unknown fields ignored, "" as absent."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    apiToken: str | None = Field(default=None, max_length=200, pattern=NO_NUL,
                                 description="A Sauda API key (or send it in X-API-Key).")  # fmt: skip

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value != ""}
        return data


def _phone_or_user(description: str = "Recipient's number with its country code.") -> Any:
    return Field(default=None, min_length=3, max_length=32, pattern=NO_NUL,
                 description=description + " Give this or `user_id`.")  # fmt: skip


# Sauda's extension of the document: a WhatsApp username user (who shares no number) named by
# Meta's business-scoped user id, wherever the document takes the customer's phone_number.
USER_ID = Field(default=None, min_length=2, max_length=128, pattern=NO_NUL,
                description="Sauda: instead of phone_number, Meta's user id (`US.…`) of a "
                "WhatsApp username user who shares no number.")  # fmt: skip


NUMBER_ID = Field(min_length=1, max_length=64, pattern=NO_NUL,
                  description="The business's WhatsApp phone number id.")  # fmt: skip


class SendForm(WabotickForm):
    """What every send names: the business's number and the customer (by phone, or by Sauda's
    `user_id`)."""

    phone_number_id: str = NUMBER_ID
    phone_number: str | None = _phone_or_user()
    user_id: str | None = USER_ID


class MediaForm(SendForm):
    """A send with a file (the message, or its header), by link or by Meta's media id."""

    media_url: str | None = Field(default=None, max_length=2000, pattern=NO_NUL,
                                  description="Public https URL of the file.")  # fmt: skip
    media_id: str | None = Field(default=None, max_length=256, pattern=NO_NUL,
                                 description="Meta's media id, from an upload.")  # fmt: skip
    media_name: str | None = Field(default=None, max_length=240, pattern=NO_NUL,
                                   description="Sauda: a document's file name.")  # fmt: skip


class SendTextForm(SendForm):
    message: str = Field(min_length=1, max_length=4096, pattern=NO_NUL, description="The text.")


class SendTemplateForm(SendForm):
    template_id: str | None = Field(default=None, max_length=64, pattern=NO_NUL,
                                    description="Meta's template id.")  # fmt: skip
    template_name: str | None = Field(default=None, max_length=512, pattern=NO_NUL,
                                      description="Sauda: the template's name instead of its id "
                                      "(with language).")  # fmt: skip
    language: str | None = Field(default=None, max_length=20, pattern=NO_NUL,
                                 description="Sauda: the template's language code.")  # fmt: skip
    parameters: str | list[str] | None = Field(
        default=None,
        description="Sauda: the body's {{1}}, {{2}}, … as a JSON array of strings.",
    )
    header_parameter: str | None = Field(default=None, max_length=60, pattern=NO_NUL,
                                         description="Sauda: the header's text {{1}}.")  # fmt: skip
    button_payloads: str | list[str] | None = Field(
        default=None, description="Sauda: quick-reply payloads, a JSON array in button order."
    )


class SendButtonsForm(MediaForm):
    """Media fields: the header's image, video or document."""

    message: str = Field(min_length=1, max_length=1024, pattern=NO_NUL,
                         description="Body shown above the buttons.")  # fmt: skip
    buttons: str | list[str | dict[str, str]] = Field(
        description="JSON array of 1 to 3 buttons: strings or {id, title} objects."
    )
    button_header_text: str | None = Field(default=None, max_length=60, pattern=NO_NUL)
    button_footer_text: str | None = Field(default=None, max_length=60, pattern=NO_NUL)
    media_type: str | None = Field(default=None, max_length=20, pattern=NO_NUL,
                                   description="image, video or document.")  # fmt: skip


class SendFileForm(MediaForm):
    media_type: str = Field(max_length=20, pattern=NO_NUL,
                            description="image, video, audio, document (or sticker).")  # fmt: skip
    media_caption_text: str | None = Field(default=None, max_length=1024, pattern=NO_NUL)


class MessageStatusForm(WabotickForm):
    wa_message_id: str = Field(min_length=1, max_length=256, pattern=NO_NUL,
                               description="Meta's wamid (or Sauda's message id).")  # fmt: skip
    whatsapp_bot_id: str | None = Field(default=None, max_length=64, pattern=NO_NUL,
                                        description="The business's phone number id.")  # fmt: skip


class ConversationForm(SendForm):
    limit: str | None = Field(default=None, pattern=r"^[0-9]{1,3}$", description="1–100 (20).")
    offset: str | None = Field(default=None, pattern=r"^[0-9]{1,7}$")


class ConnectForm(WabotickForm):
    whatsapp_business_account_id: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    access_token: str = Field(min_length=1, max_length=4096, pattern=TOKEN)
    phone_number_id: str | None = Field(
        default=None, max_length=64, pattern=NO_NUL,
        description="Sauda: the number to connect (required: Sauda connects one number).",
    )  # fmt: skip
    user_id: str | None = Field(default=None, max_length=200, description="Ignored.")


class BroadcastTemplateForm(WabotickForm):
    phone_number_id: str = NUMBER_ID
    flow_data: str | dict[str, Any] = Field(
        description="The broadcast as a JSON object (`BroadcastFlowData`): the template "
        "(template_id, or template_name + language; parameters, header_parameter, "
        "button_payloads as for a single template send) and its recipients (phone_numbers, a "
        "JSON array of up to 10,000, or label_id)."
    )


class BroadcastFlowData(BaseModel):
    """What `flow_data` holds (Sauda's field names, those of the single template send)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    template_id: str | None = Field(default=None, max_length=64, pattern=NO_NUL)
    template_name: str | None = Field(default=None, max_length=512, pattern=NO_NUL)
    language: str | None = Field(default=None, max_length=20, pattern=NO_NUL)
    parameters: list[str] | None = Field(default=None, max_length=100,
                                         description="The body's {{1}}, {{2}}, …")  # fmt: skip
    header_parameter: str | None = Field(default=None, max_length=60, pattern=NO_NUL)
    button_payloads: list[str] | None = Field(default=None, max_length=10)
    phone_numbers: list[str] | None = Field(default=None, description="Recipients' numbers.")
    label_id: str | None = Field(default=None, max_length=200, pattern=NO_NUL,
                                 description="Instead of phone_numbers: a label's subscribers.")  # fmt: skip


# --- answers ---


class WabotickRefusal(BaseModel):
    status: Literal["0"] = "0"
    message: str = Field(description="Why, for a human.")
    code: str | None = Field(default=None, description="Sauda's stable error code.")
    field: str | None = Field(default=None, description="The form field at fault.")
    message_id: str | None = Field(default=None, description="Sauda's message, if one was made.")


class WabotickSent(BaseModel):
    status: Literal["1"] = "1"
    wa_message_id: str | None = Field(description="Meta's wamid (null while still queued).")
    message: str
    message_id: str = Field(description="Sauda's message id.")


class WabotickTemplateData(BaseModel):
    message_id: str | None = Field(description="Meta's wamid (null while still queued).")
    sauda_message_id: str = Field(description="Sauda's message id.")


class WabotickTemplateSent(BaseModel):
    status: Literal["success"] = "success"
    message: str
    data: WabotickTemplateData


class WabotickBroadcastSaved(BaseModel):
    status: Literal["1"] = "1"
    visual_flow_campaign_id: str = Field(description="Sauda's broadcast id (a UUID): GET "
                                         "/api/v1/whatsapp/broadcasts/{id}.")  # fmt: skip
    message: str
    redirect_on_success_url: str = ""
    recipients: int = Field(description="Sauda: how many distinct recipients.")


class WabotickDone(BaseModel):
    status: Literal["1"] = "1"
    message: str


class WabotickDeliveryStatus(BaseModel):
    message_status: str | None
    delivery_status_updated_at: str | None = Field(description="YYYY-MM-DD HH:MM:SS, UTC.")
    read_time: str | None
    failed_time: str | None
    failed_reason: str


class WabotickMessageStatus(BaseModel):
    status: Literal["1"] = "1"
    message: WabotickDeliveryStatus


class WabotickChatLine(BaseModel):
    id: str = Field(description="Sauda's message id.")
    whatsapp_bot_subscriber_subscriber_id: str = Field(description="The customer's number.")
    whatsapp_bot_id: str = Field(description="The business's phone number id.")
    sender: Literal["bot", "user"]
    agent_name: str | None = None
    message_content: str
    conversation_time: str
    wa_message_id: str | None
    reaction_data: str | None = None
    message_status: str | None
    delivery_status_updated_at: str | None
    failed_reason: str


class WabotickConversation(BaseModel):
    status: Literal["1"] = "1"
    message: list[WabotickChatLine]
