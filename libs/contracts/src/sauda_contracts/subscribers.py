"""The subscriber CRM over Sauda's REST: subscribers (a business's WhatsApp contacts), labels,
custom fields and notes. Bodies are JSON; refusals are `ApiError` (`code`, `message`, `field`).

Under `/api/v1/whatsapp/subscribers` and `/api/v1/whatsapp/labels`; a subscriber is named by
its chat: the phone in international digits (or with +, or local to the business's country),
or a WhatsApp user id.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from sauda_contracts.api import NO_NUL
from sauda_contracts.envelope import Contract

_NAME = Field(default=None, max_length=100, pattern=NO_NUL)


class SubscriberCreate(Contract):
    """A contact the merchant adds by hand."""

    chat_id: str = Field(min_length=3, max_length=80, pattern=NO_NUL,
                         description="The phone (with country code) or WhatsApp user id.")  # fmt: skip
    first_name: str | None = _NAME
    last_name: str | None = _NAME


class SubscriberUpdate(Contract):
    """The details to change (absent ones stay); `label_ids`, if given, become its labels."""

    first_name: str | None = _NAME
    last_name: str | None = _NAME
    gender: str | None = Field(default=None, max_length=20, description="male, female or other.")
    email: str | None = Field(default=None, max_length=254, pattern=NO_NUL)
    label_ids: list[int] | None = Field(default=None, max_length=200,
                                        description="Every label the subscriber is to have.")  # fmt: skip


class NoteOut(Contract):
    note_id: int
    text: str
    created_at: datetime


class SubscriberOut(Contract):
    """A subscriber as the CRM holds it; `opted_out` is what the notifier last reported."""

    subscriber_id: int
    chat_id: str = Field(description="Phone in international digits, or WhatsApp user id.")
    first_name: str | None
    last_name: str | None
    gender: str | None
    email: str | None
    source: str = Field(description="inbound (wrote in), merchant (created), order.")
    assigned_user_id: UUID | None = Field(description="The team member the chat is assigned to.")
    opted_out: bool = Field(description="The contact sent STOP (the notifier's record).")
    labels: list[str]
    created_at: datetime
    updated_at: datetime
    custom_fields: dict[str, str] | None = Field(default=None, description="By field name.")
    notes: list[NoteOut] | None = None


class SubscriberPage(Contract):
    items: list[SubscriberOut]
    total: int
    limit: int
    offset: int


class LabelCreate(Contract):
    name: str = Field(min_length=1, max_length=100, pattern=NO_NUL,
                      description="Unique in the business, ignoring case; no commas.")  # fmt: skip


class LabelOut(Contract):
    label_id: int
    name: str
    subscribers: int = Field(description="How many subscribers have it.")


class LabelIds(Contract):
    label_ids: list[int] = Field(min_length=1, max_length=200)


class CustomFieldCreate(Contract):
    name: str = Field(min_length=1, max_length=100, pattern=NO_NUL)
    reply_type: str = Field(max_length=20,
                            description="text, number, email, phone, date, url or boolean.")  # fmt: skip


class CustomFieldOut(Contract):
    field_id: int
    name: str
    reply_type: str


class CustomFieldValues(Contract):
    values: dict[str, Any] = Field(min_length=1, max_length=100,
                                   description="Values by field name or id, each of its type.")  # fmt: skip


class NoteCreate(Contract):
    text: str = Field(min_length=1, max_length=2000, pattern=NO_NUL)


class AssignChat(Contract):
    user_id: str = Field(max_length=64, description="A dashboard user of this business.")


class Done(Contract):
    done: bool = True
