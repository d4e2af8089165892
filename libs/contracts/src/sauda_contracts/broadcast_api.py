"""The broadcasts API (Sauda's own REST): `POST /api/v1/whatsapp/broadcasts` takes a
`BroadcastRequest` and answers `BroadcastAccepted`; `GET …/{id}` answers `BroadcastOut`,
`GET …/{id}/recipients` a `BroadcastRecipientPage`."""

from datetime import datetime
from uuid import UUID

from pydantic import Field

from sauda_contracts.api import RawPhone
from sauda_contracts.broadcasts import MAX_RECIPIENTS, BroadcastCounts
from sauda_contracts.envelope import Contract
from sauda_contracts.sends import TemplateToSend
from sauda_contracts.whatsapp import GraphError


class BroadcastRequest(Contract):
    """An approved template to a list of phones (≤ 10,000; normalized and deduplicated) or to
    the customers of a label: one of `recipients` and `label_id`."""

    template: TemplateToSend = Field(description="name + language (or template_id), values.")
    recipients: tuple[RawPhone, ...] | None = Field(
        default=None, min_length=1, max_length=MAX_RECIPIENTS,
        description="Customers' numbers with country code (local ones read as the business's "
        "country).",
    )  # fmt: skip
    label_id: str | None = Field(default=None, min_length=1, max_length=200,
                                 pattern=r"^[^\x00]*$",
                                 description="Send to every subscriber with this label.")  # fmt: skip


class BroadcastAccepted(Contract):
    broadcast_id: UUID = Field(description="GET /api/v1/whatsapp/broadcasts/{id}.")
    status: str = Field(description="accepted (the notifier has not started it yet), running "
                        "or completed.")  # fmt: skip
    recipients: int = Field(description="How many distinct recipients it goes to.")


class BroadcastOut(Contract):
    broadcast_id: UUID
    status: str = Field(description="accepted, running or completed.")
    template: str
    total: int
    counts: BroadcastCounts
    label_id: str | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None


class BroadcastRecipientOut(Contract):
    """One recipient's result: its message's status (pending until the notifier records it;
    queued, retrying, sent, delivered, read, failed with Meta's error, or skipped with why)."""

    phone: str = Field(description="The recipient's chat: the phone, or a username "
                       "subscriber's WhatsApp user id (`US.…`).")  # fmt: skip
    message_id: UUID = Field(description="GET /api/v1/whatsapp/messages/{id}.")
    status: str
    wamid: str | None = None
    error: GraphError | None = None
    updated_at: datetime | None = None


class BroadcastRecipientPage(Contract):
    recipients: list[BroadcastRecipientOut]
    total: int
    limit: int
    offset: int
