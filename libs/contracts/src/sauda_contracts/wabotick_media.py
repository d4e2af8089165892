"""Wabotick-compatible media and bot forms and answers: `upload/media` (multipart: the form's
fields beside its `file`), `trigger-bot` and `get/post-back-list`. Refusals are
`WabotickRefusal`."""

from typing import Any, Literal

from pydantic import BaseModel, Field

from sauda_contracts.wabotick import NO_NUL, NUMBER_ID, WabotickForm


class UploadMediaForm(WabotickForm):
    phone_number_id: str = NUMBER_ID


class TriggerBotForm(WabotickForm):
    phone_number_id: str = NUMBER_ID
    bot_flow_unique_id: str = Field(min_length=1, max_length=64, pattern=NO_NUL,
                                    description="The flow's id (GET /api/v1/whatsapp/bot-flows): "
                                    "order or menu.")  # fmt: skip
    phone_number: str = Field(min_length=3, max_length=32, pattern=NO_NUL,
                              description="The subscriber's number with its country code.")  # fmt: skip


class PostbackListForm(WabotickForm):
    phone_number_id: str = NUMBER_ID


class WabotickUploaded(BaseModel):
    status: Literal["success"] = "success"
    media_id: str | None = Field(description="Meta's media id (null while still uploading).")
    upload_id: str = Field(description="Sauda's upload id (GET /api/v1/whatsapp/media/{id}).")
    message: str | None = None


class WabotickPostbacks(BaseModel):
    status: Literal["1"] = "1"
    message: list[dict[str, Any]] = Field(
        description="Each postback: id, postback_id, bot_name, template_name, status, "
        "updated_at, plus Sauda's taps and last_tapped_at; the document's other fields "
        "(whatsapp_bot_setting_id, google_sheet_ids, …) have no meaning in Sauda and are null."
    )
