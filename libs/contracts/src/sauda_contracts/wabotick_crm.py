"""Wabotick-compatible subscriber CRM forms and answers: the document's `subscriber/…` and
`label/…` endpoints, with its exact field names (including the camelCase `phoneNumberID` and
`phoneNumber` of `subscriber/create`). Forms are strings; refusals are `WabotickRefusal`.
Sauda's extension: a subscriber's `phone_number` may be given as `user_id` instead (Meta's user
id of a WhatsApp username user who shares no number)."""

from typing import Any, Literal

from pydantic import BaseModel, Field

from sauda_contracts.wabotick import NO_NUL, NUMBER_ID, USER_ID, WabotickForm

_PHONE = Field(min_length=3, max_length=80, pattern=NO_NUL,
               description="The subscriber's number with its country code (or a WhatsApp user id).")  # fmt: skip
_CHAT = Field(default=None, min_length=3, max_length=80, pattern=NO_NUL,
              description="The subscriber's number with its country code (or a WhatsApp user "
              "id); give this or `user_id`.")  # fmt: skip
_TEXT = Field(default=None, max_length=100, pattern=NO_NUL)


class SubscriberForm(WabotickForm):
    """`subscriber/get`, `delete`, `reset/user-input-flow`; and what every form naming one
    subscriber has."""

    phone_number_id: str = NUMBER_ID
    phone_number: str | None = _CHAT
    user_id: str | None = USER_ID


class SubscriberCreateForm(WabotickForm):
    phoneNumberID: str = NUMBER_ID
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    phoneNumber: str = _PHONE


class SubscriberListForm(WabotickForm):
    phone_number_id: str = NUMBER_ID
    limit: str | None = Field(default=None, max_length=7, description="1–100 (20).")
    offset: str | None = Field(default=None, max_length=9)
    orderBy: str | None = Field(default=None, max_length=40,
                                description="id, created_at, updated_at, first_name or last_name, "
                                "then ASC or DESC.")  # fmt: skip
    label_id: str | None = Field(default=None, max_length=20,
                                 description="Sauda: only subscribers with this label.")  # fmt: skip


class SubscriberUpdateForm(SubscriberForm):
    first_name: str | None = _TEXT
    last_name: str | None = _TEXT
    gender: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254, pattern=NO_NUL,
                              description="Sauda: the subscriber's email.")  # fmt: skip
    label_ids: str | None = Field(default=None, max_length=2000,
                                  description="Comma-separated label ids: its labels from now.")  # fmt: skip


class CustomFieldsListForm(WabotickForm): ...


class NoteForm(SubscriberForm):
    note_text: str = Field(min_length=1, max_length=2000, pattern=NO_NUL)


class TeamMemberForm(SubscriberForm):
    team_member_id: str = Field(min_length=1, max_length=64, pattern=NO_NUL,
                                description="A dashboard user id of this business.")  # fmt: skip


class CustomFieldsForm(SubscriberForm):
    custom_fields: str | dict[str, Any] = Field(
        description='A JSON object of values by field name or id: {"city": "Lahore"}.'
    )


class LabelIdsForm(SubscriberForm):
    label_ids: str = Field(min_length=1, max_length=2000, pattern=NO_NUL,
                           description="Comma-separated label ids.")  # fmt: skip


class LabelListForm(WabotickForm):
    phone_number_id: str = NUMBER_ID


class LabelCreateForm(WabotickForm):
    phone_number_id: str = NUMBER_ID
    label_name: str = Field(min_length=1, max_length=100, pattern=NO_NUL)


# --- answers ---


class WabotickSubscriberData(BaseModel):
    subscriber_id: int
    first_name: str | None
    last_name: str | None
    phone_number: str
    gender: str | None
    email: str | None = None
    labels: list[str]
    custom_fields: dict[str, str]
    opted_out: bool = Field(description="Sauda: the contact sent STOP.")
    assigned_user_id: str | None = Field(default=None, description="Sauda: its team member.")
    notes: list[dict[str, Any]] = Field(default=[], description="Sauda: its notes, oldest first.")


class WabotickSubscriber(BaseModel):
    status: Literal["success"] = "success"
    data: WabotickSubscriberData


class WabotickCreated(BaseModel):
    """The document spells it `mesasge`; both keys are sent so either reading works."""

    status: Literal["1"] = "1"
    mesasge: str
    message: str


class WabotickSubscriberLine(BaseModel):
    subscriber_id: int
    chat_id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    gender: str | None
    label_names: str = Field(description="Comma-separated label names.")


class WabotickSubscriberList(BaseModel):
    status: Literal["1"] = "1"
    message: list[WabotickSubscriberLine]


class WabotickCustomField(BaseModel):
    id: int
    name: str
    reply_type: str


class WabotickCustomFields(BaseModel):
    status: Literal["1"] = "1"
    message: str = "Custom fields retrieved successfully"
    data: list[WabotickCustomField]


class WabotickLabel(BaseModel):
    id: int
    label_name: str
    status: Literal["1"] = "1"


class WabotickLabels(BaseModel):
    status: Literal["1"] = "1"
    message: list[WabotickLabel]
