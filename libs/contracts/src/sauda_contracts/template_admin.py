"""Managing a business's WhatsApp templates at Meta: creating one and syncing the list again.
The gateway asks, the notifier (the only caller of Meta) does it and says how it went.

Topics (key: the business id, as for a business's other template records):
- `whatsapp.outbound.v1`: `CreateTemplate` (a template definition to submit to Meta's review,
  `POST /{waba_id}/message_templates`) and `SyncTemplates` (list the WABA's templates again);
  each carries the request id the gateway answered the merchant with.
- `notifier.events.v1`: `TemplateRequestRecorded`, the request's outcome: done (Meta took the
  template, PENDING review, or the sync ran) or failed with Meta's error. What the template
  (or the sync) changed arrives as ordinary `TemplateRecorded` snapshots.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from pydantic import Field

from sauda_contracts.envelope import Contract, Envelope

TEMPLATE_NAME = r"^[a-z0-9_]{1,512}$"  # Meta's: lower case letters, digits and underscores
LANGUAGE = r"^[a-z]{2,3}(_[A-Z]{2})?$"


class TemplateCategory(StrEnum):
    MARKETING = "MARKETING"
    UTILITY = "UTILITY"
    AUTHENTICATION = "AUTHENTICATION"


class TemplateComponent(Contract):
    """One component of a template definition, as Meta's API takes it."""

    type: Literal["HEADER", "BODY", "FOOTER", "BUTTONS"] = Field(description="Which part.")
    format: Literal["TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION"] | None = Field(
        default=None, description="A header's kind (TEXT when it has `text`)."
    )
    text: str | None = Field(default=None, max_length=1024, description="Its text; variables "
                             "are {{1}}, {{2}}, … in order.")  # fmt: skip
    buttons: tuple[dict[str, Any], ...] | None = Field(
        default=None, max_length=10, description="A BUTTONS component's buttons, as Meta's API "
        "takes them ({type: QUICK_REPLY, text}, {type: URL, text, url}, …)."
    )  # fmt: skip
    example: dict[str, Any] | None = Field(default=None, description="Meta's example values "
                                           "for the variables (body_text, header_text, …).")  # fmt: skip


class TemplateDefinition(Contract):
    name: str = Field(pattern=TEMPLATE_NAME, max_length=512, description="Template name.")
    language: str = Field(pattern=LANGUAGE, max_length=20, description="Meta's language code.")
    category: TemplateCategory = Field(description="MARKETING, UTILITY or AUTHENTICATION.")
    components: tuple[TemplateComponent, ...] = Field(min_length=1, max_length=4,
                                                      description="HEADER, BODY, FOOTER, BUTTONS.")  # fmt: skip


# --- whatsapp.outbound.v1 ---


class CreateTemplateBody(Contract):
    request_id: UUID = Field(description="The gateway's id of this request.")
    definition: TemplateDefinition = Field(description="What to submit to Meta.")


class CreateTemplate(Envelope):
    type: Literal["CreateTemplate"] = "CreateTemplate"
    body: CreateTemplateBody


class SyncTemplatesBody(Contract):
    request_id: UUID = Field(description="The gateway's id of this request.")


class SyncTemplates(Envelope):
    type: Literal["SyncTemplates"] = "SyncTemplates"
    body: SyncTemplatesBody


# --- notifier.events.v1 ---


class TemplateRequestKind(StrEnum):
    CREATE = "create"
    SYNC = "sync"


class TemplateRequestStatus(StrEnum):
    QUEUED = "queued"  # the gateway's state until the notifier answers
    DONE = "done"
    FAILED = "failed"


class TemplateRequestError(Contract):
    code: str = Field(max_length=60, description="Meta's error code (or Sauda's reason).")
    message: str = Field(max_length=2000, description="Meta's message, for a human.")


class TemplateRequestRecordedBody(Contract):
    request_id: UUID = Field(description="The gateway's id of the request.")
    kind: TemplateRequestKind = Field(description="create or sync.")
    status: Literal[TemplateRequestStatus.DONE, TemplateRequestStatus.FAILED] = Field(
        description="done, or failed with `error`."
    )
    template_id: str | None = Field(default=None, max_length=64,
                                    description="Meta's id of the created template.")  # fmt: skip
    template_status: str | None = Field(default=None, max_length=40,
                                        description="Its review state as Meta answered (PENDING).")  # fmt: skip
    templates: int | None = Field(default=None, ge=0,
                                  description="A sync: how many templates Meta listed.")  # fmt: skip
    error: TemplateRequestError | None = Field(default=None, description="Why it failed.")
    recorded_at: datetime = Field(description="When the notifier recorded the outcome.")


class TemplateRequestRecorded(Envelope):
    type: Literal["TemplateRequestRecorded"] = "TemplateRequestRecorded"
    body: TemplateRequestRecordedBody


# --- the HTTP API ---


class TemplateCreateRequest(Contract):
    """Body of `POST /api/v1/whatsapp/templates`: Meta's template definition."""

    name: str = Field(min_length=1, max_length=512, description="Lower case letters, digits and "
                      "underscores, e.g. `order_update`.")  # fmt: skip
    language: str = Field(min_length=2, max_length=20, description="Meta's code: en, ur, en_US.")
    category: str = Field(min_length=1, max_length=40,
                          description="MARKETING, UTILITY or AUTHENTICATION (any case).")  # fmt: skip
    components: list[dict[str, Any]] = Field(
        min_length=1, max_length=4, description="Meta's components: a BODY with `text` "
        "(variables {{1}}, {{2}}, … in order), optionally a HEADER, a FOOTER and BUTTONS."
    )  # fmt: skip


class TemplateRequestOut(Contract):
    request_id: UUID
    kind: TemplateRequestKind
    status: TemplateRequestStatus = Field(description="queued until the notifier answers; "
                                          "done or failed (with `error`) then.")  # fmt: skip
    name: str | None = Field(description="The template created (null for a sync).")
    language: str | None
    template_id: str | None = Field(description="Meta's template id, once created.")
    error: TemplateRequestError | None
    created_at: datetime
    updated_at: datetime
