"""The request bodies the sandbox accepts, as pydantic models, and their parsing into Graph errors.

Graph bodies (sends, mark-as-read, template definitions) carry Meta's limits (fact sheet §1,
§4.1); management bodies are the sandbox's own. The domain reads these through
`sauda_sandbox.domain.shapes`.
"""

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from sauda_sandbox.domain.graph import GraphError
from sauda_sandbox.domain.identities import COUNTRY, PARENT_USER_ID, USERNAME
from sauda_sandbox.domain.messages import UNMODELLED_TYPES, check_shape
from sauda_sandbox.domain.templates import TemplateStatus, check_definition
from sauda_sandbox.domain.webhooks import RejectionReason


def _lower(value: Any) -> Any:
    """Meta reads send component and parameter names in any case (`BODY`, `QUICK_REPLY`)."""
    return value.lower() if isinstance(value, str) else value


# --------------------------------------------------------------------------------------------
# Graph bodies


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Text = Annotated[str, StringConstraints(min_length=1)]


class TextBody(Strict):
    body: Annotated[str, StringConstraints(min_length=1, max_length=4096)]
    preview_url: bool = False


class Language(Strict):
    code: Text
    policy: Literal["deterministic"] | None = None


class SendParameter(BaseModel):
    """One template parameter; media and currency objects pass through unchecked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal[
        "text",
        "currency",
        "date_time",
        "image",
        "document",
        "video",
        "location",
        "payload",
        "action",
        "coupon_code",
    ]
    text: str | None = None
    payload: str | None = None
    parameter_name: str | None = None
    coupon_code: str | None = None
    currency: dict[str, Any] | None = None
    date_time: dict[str, Any] | None = None
    image: dict[str, Any] | None = None
    document: dict[str, Any] | None = None
    video: dict[str, Any] | None = None
    location: dict[str, Any] | None = None
    action: dict[str, Any] | None = None

    _type = field_validator("type", mode="before")(_lower)


class SendComponent(Strict):
    type: Literal["header", "body", "button"]
    sub_type: (
        Literal["quick_reply", "url", "copy_code", "flow", "catalog", "mpm", "voice_call"] | None
    ) = None
    index: int | str | None = None
    parameters: list[SendParameter] = Field(default_factory=list)

    _names = field_validator("type", "sub_type", mode="before")(_lower)


class TemplateSend(Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=512)]
    language: Language
    components: list[SendComponent] = Field(default_factory=list)
    namespace: str | None = None


class HeaderMedia(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class InteractiveHeader(Strict):
    type: Literal["text", "image", "video", "document"]
    text: Annotated[str, StringConstraints(min_length=1, max_length=60)] | None = None
    image: HeaderMedia | None = None
    video: HeaderMedia | None = None
    document: HeaderMedia | None = None


class InteractiveBody(Strict):
    text: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class InteractiveFooter(Strict):
    text: Annotated[str, StringConstraints(min_length=1, max_length=60)]


class Reply(Strict):
    id: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    title: Annotated[str, StringConstraints(min_length=1, max_length=20)]


class ReplyButton(Strict):
    type: Literal["reply"]
    reply: Reply


class Row(Strict):
    id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    title: Annotated[str, StringConstraints(min_length=1, max_length=24)]
    description: Annotated[str, StringConstraints(max_length=72)] | None = None


class Section(Strict):
    title: Annotated[str, StringConstraints(min_length=1, max_length=24)] | None = None
    rows: Annotated[list[Row], Field(min_length=1, max_length=10)]


class Action(Strict):
    buttons: Annotated[list[ReplyButton], Field(min_length=1, max_length=3)] | None = None
    button: Annotated[str, StringConstraints(min_length=1, max_length=20)] | None = None
    sections: Annotated[list[Section], Field(min_length=1, max_length=10)] | None = None


class Interactive(Strict):
    type: Literal["button", "list"]
    header: InteractiveHeader | None = None
    body: InteractiveBody
    footer: InteractiveFooter | None = None
    action: Action


class Context(Strict):
    message_id: Text


class MediaObject(Strict):
    """`image`, `audio`, `video`, `document` or `sticker`: an uploaded `id` or a `link`."""

    id: Text | None = None
    link: Text | None = None
    caption: Annotated[str, StringConstraints(min_length=1, max_length=1024)] | None = None
    filename: Annotated[str, StringConstraints(min_length=1, max_length=240)] | None = None
    voice: bool | None = None


class SendMessage(Strict):
    """`POST /{version}/{phone_number_id}/messages`: text, template, interactive and media
    messages, to a phone (`to`) or a business-scoped user id (`recipient`)."""

    messaging_product: Literal["whatsapp"]
    recipient_type: Literal["individual"] = "individual"
    to: Text | None = None
    recipient: Text | None = None
    type: Literal[
        "text", "template", "interactive", "image", "audio", "video", "document", "sticker"
    ] = "text"
    text: TextBody | None = None
    template: TemplateSend | None = None
    interactive: Interactive | None = None
    image: MediaObject | None = None
    audio: MediaObject | None = None
    video: MediaObject | None = None
    document: MediaObject | None = None
    sticker: MediaObject | None = None
    context: Context | None = None
    biz_opaque_callback_data: Annotated[str, StringConstraints(max_length=512)] | None = None


class TypingIndicator(Strict):
    type: Literal["text"]


class MarkRead(Strict):
    """The same endpoint's mark-as-read form (fact sheet §5)."""

    messaging_product: Literal["whatsapp"]
    status: Literal["read"]
    message_id: Text
    typing_indicator: TypingIndicator | None = None


class DefinitionButton(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    type: Literal[
        "QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE", "OTP", "FLOW", "CATALOG", "MPM"
    ]
    text: Annotated[str, StringConstraints(min_length=1, max_length=25)]


class DefinitionComponent(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    type: Literal["HEADER", "BODY", "FOOTER", "BUTTONS"]
    format: Literal["TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION"] | None = None
    text: str | None = None
    buttons: Annotated[list[DefinitionButton], Field(max_length=10)] | None = None


class TemplateDefinition(Strict):
    """`POST /{version}/{waba_id}/message_templates`."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,512}$")]
    language: Text
    category: Literal["MARKETING", "UTILITY", "AUTHENTICATION"]
    components: Annotated[list[DefinitionComponent], Field(min_length=1)]
    parameter_format: Literal["POSITIONAL", "NAMED"] = "POSITIONAL"
    allow_category_change: bool | None = None


# --------------------------------------------------------------------------------------------
# Sandbox management bodies


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NewNumber(Body):
    display_phone_number: str | None = Field(default=None, pattern=r"^\+?[\d\s\-]{7,20}$")
    verified_name: str | None = Field(default=None, min_length=1, max_length=100)
    waba_id: str | None = Field(default=None, description="Join an existing WABA instead.")
    webhook_url: str | None = Field(default=None, description="Override SANDBOX_WEBHOOK_URL.")


class RejectionInfo(Body):
    reason: str = Field(min_length=1, max_length=1000)
    recommendation: str | None = Field(default=None, max_length=1000)


class TemplateStatusChange(Body):
    name: str
    language: str
    status: TemplateStatus
    reason: RejectionReason | None = Field(
        default=None, description="Meta's reason code; INVALID_FORMAT for REJECTED, else NONE."
    )
    rejection_info: RejectionInfo | None = None


class TemplateCategoryChange(Body):
    name: str
    language: str
    category: Literal["MARKETING", "UTILITY", "AUTHENTICATION"]


class NewShopper(Body):
    """A shopper of a number's WABA: a phone, a username, or both."""

    phone: str | None = Field(default=None, pattern=r"^\+?[\d\s\-]{7,20}$")
    username: str | None = Field(default=None, pattern=f"^{USERNAME.pattern}$")
    name: str | None = Field(default=None, min_length=1, max_length=100)
    parent_user_id: str | None = Field(default=None, pattern=f"^{PARENT_USER_ID.pattern}$")
    country: str = Field(
        default="IN", pattern=f"^{COUNTRY.pattern}$", description="Of a username-only BSUID."
    )

    @model_validator(mode="after")
    def phone_or_username(self) -> "NewShopper":
        if self.phone is None and self.username is None:
            raise ValueError("give a phone, a username, or both")
        return self


class Fault(Body):
    code: int
    count: int = Field(default=1, ge=1)
    http_status: int | None = Field(default=None, ge=400, le=599)
    async_: bool = Field(default=False, alias="async")
    details: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ShopperMessage(Body):
    text: str | None = Field(default=None, min_length=1, max_length=4096)
    button_id: str | None = None
    list_row_id: str | None = None
    name: str | None = Field(default=None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def exactly_one(self) -> "ShopperMessage":
        given = [x for x in (self.text, self.button_id, self.list_row_id) if x is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of text, button_id, list_row_id")
        return self


# --------------------------------------------------------------------------------------------
# Parsing


def validation_error(exc: ValidationError) -> GraphError:
    """A pydantic failure as Graph words it: anything missing is 131008, every other fault 100."""
    problems = exc.errors(include_url=False)
    missing = [p for p in problems if p["type"] == "missing"]
    first = (missing or problems)[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    if missing:
        return GraphError(131008, f"The parameter {where} is required.")
    return GraphError(100, f"Param {where} is invalid: {first['msg']}")


def parse_send(body: Any) -> SendMessage | MarkRead:
    """A send body checked against Meta's limits, or the GraphError Graph would answer."""
    if not isinstance(body, Mapping):
        raise GraphError(100, "The request body must be a JSON object.")
    try:
        if "status" in body:
            return MarkRead.model_validate(body)
        if body.get("type") in UNMODELLED_TYPES:
            raise GraphError(
                131051, f"Message type {body['type']} is not supported by the sandbox."
            )
        message = SendMessage.model_validate(body)
    except ValidationError as exc:
        raise validation_error(exc) from None
    check_shape(message)
    return message


def parse_template_definition(body: Any) -> TemplateDefinition:
    """A template definition checked against Meta's rules, or the GraphError Graph would answer."""
    if not isinstance(body, Mapping):
        raise GraphError(100, "The request body must be a JSON object.")
    upper = dict(body)
    if isinstance(upper.get("category"), str):
        upper["category"] = upper["category"].upper()
    try:
        definition = TemplateDefinition.model_validate(upper)
    except ValidationError as exc:
        raise validation_error(exc) from None
    check_definition(definition.components)
    return definition
