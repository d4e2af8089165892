"""Message templates as Meta reviews them: what the notifier tells the rest of Sauda of each
template of a business's WhatsApp Business Account (WABA), and how the HTTP API lists them.

Topic `notifier.events.v1` (key: the business id, as for a business's own notices):
`TemplateRecorded` is one template's whole state after a change (a review, a sync that found it
different, Sauda creating it, Meta no longer listing it). A newer `revision` of the same
template (business, WABA, name, language) replaces an older one; an older one changes nothing.

Which templates Sauda itself sends (names, texts, quick replies) is `sauda_contracts.templates`.
"""

from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import Field

from sauda_contracts.envelope import Contract, Envelope


class TemplateStatus(StrEnum):
    """A template's review state, in Meta's words (its statuses and its review webhook's
    events). A state Meta adds later is UNKNOWN here until the contracts learn it."""

    APPROVED = "APPROVED"
    PENDING = "PENDING"
    REJECTED = "REJECTED"
    PAUSED = "PAUSED"
    DISABLED = "DISABLED"
    IN_APPEAL = "IN_APPEAL"
    FLAGGED = "FLAGGED"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    PENDING_DELETION = "PENDING_DELETION"
    DELETED = "DELETED"
    ARCHIVED = "ARCHIVED"
    LOCKED = "LOCKED"
    UNKNOWN = "UNKNOWN"


# The states in which Meta refuses to deliver the template: the merchant hears of each
# change into one as a `template_not_approved` notice.
NOT_APPROVED = frozenset({TemplateStatus.REJECTED, TemplateStatus.PAUSED, TemplateStatus.DISABLED})


def template_key(business_id: UUID) -> bytes:
    """Kafka key of a TemplateRecorded: one business's templates stay in order."""
    return str(business_id).encode()


# --- notifier.events.v1 ---


class TemplateRecordedBody(Contract):
    """One template of the business's WABA as the notifier knows it now."""

    waba_id: str = Field(max_length=64, description="WhatsApp Business Account the template is in.")
    name: str = Field(max_length=512, description="Template name, e.g. `sauda_cod_confirmation`.")
    language: str = Field(max_length=20, description="Meta's language code, e.g. `en`, `ur`.")
    status: TemplateStatus = Field(description="Meta's review state: APPROVED, PENDING, ...")
    category: str | None = Field(
        default=None, max_length=40, description="UTILITY, MARKETING or AUTHENTICATION."
    )
    template_id: str | None = Field(default=None, max_length=64, description="Meta's template id.")
    rejected_reason: str | None = Field(
        default=None,
        max_length=500,
        description="Meta's reason when it rejected, paused or disabled the template (e.g. "
        "INVALID_FORMAT); null otherwise.",
    )
    removed: bool = Field(
        default=False,
        description="True when Meta no longer lists the template (deleted, or the business "
        "moved to another WABA): drop it from any list.",
    )
    revision: int = Field(
        ge=1, description="Grows with every change of this template; keep the highest."
    )
    recorded_at: datetime = Field(description="When the notifier recorded this state.")


class TemplateRecorded(Envelope):
    type: Literal["TemplateRecorded"] = "TemplateRecorded"
    body: TemplateRecordedBody


# --- the HTTP API: GET /api/v1/whatsapp/templates ---


class TemplateOut(Contract):
    """One template of the connected WABA; also the data of an `event: template` on
    GET /api/v1/stream whenever it changes."""

    waba_id: str
    name: str
    language: str = Field(description="Meta's language code, e.g. `en`, `ur`.")
    status: TemplateStatus = Field(description="Meta's review state: APPROVED, PENDING, ...")
    category: str | None = None
    template_id: str | None = Field(default=None, description="Meta's template id.")
    rejected_reason: str | None = Field(
        default=None, description="Why Meta rejected, paused or disabled it; null otherwise."
    )
    removed: bool = Field(
        default=False, description="Only ever true on the stream: Meta no longer lists it."
    )
    revision: int = Field(description="Its revision; an older one than you hold is stale.")
    updated_at: datetime = Field(description="When its state last changed.")


class TemplateList(Contract):
    templates: tuple[TemplateOut, ...] = Field(description="By name, then language.")
    total: int = Field(description="How many templates match the filters.")
    limit: int
    offset: int
