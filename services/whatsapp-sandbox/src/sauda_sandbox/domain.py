"""Pure sandbox decisions: Meta's payload limits, Graph errors, templates, token buckets, the 24h window.

No I/O, no clock, no random: time and ids arrive as arguments, so every rule is a table-testable
function. The shapes follow /work/shared/whatsapp-cloud-api.md (the team's fact sheet).
"""

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

WINDOW_SECONDS = 24 * 60 * 60
VERSION_PATTERN = re.compile(r"v\d+\.\d+")
ERROR_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"

# --------------------------------------------------------------------------------------------
# Graph errors

# code -> (title, HTTP status); titles as Meta's error-code table words them.
ERRORS: dict[int, tuple[str, int]] = {
    0: ("AuthException", 401),
    2: ("Service temporarily unavailable", 503),
    3: ("API Method", 500),
    4: ("Too many calls", 400),
    10: ("Permission denied", 403),
    100: ("Invalid parameter", 400),
    190: ("Invalid OAuth access token - Cannot parse access token", 401),
    2500: ("Unknown path components", 400),
    368: ("Temporarily blocked for policies violations", 403),
    80007: ("Rate limit issues", 400),
    130429: ("Rate limit hit", 429),
    130472: ("User's number is part of an experiment", 400),
    131000: ("Something went wrong", 500),
    131005: ("Access denied", 403),
    131008: ("Required parameter is missing", 400),
    131009: ("Parameter value is not valid", 400),
    131016: ("Service unavailable", 503),
    131021: ("Recipient cannot be sender", 400),
    131026: ("Message undeliverable", 400),
    131031: ("Business Account locked", 403),
    131042: ("Business eligibility payment issue", 400),
    131047: ("Re-engagement message", 400),
    131048: ("Spam rate limit hit", 400),
    131049: (
        "This message was not delivered to maintain healthy ecosystem engagement.",
        400,
    ),
    131050: (
        "Unable to deliver the message. This recipient has chosen to stop receiving "
        "marketing messages on WhatsApp from your business.",
        400,
    ),
    131051: ("Unsupported message type", 400),
    131056: ("(Business Account, Consumer Account) pair rate limit hit", 429),
    132000: ("Number of parameters does not match the expected number of params", 400),
    132001: ("Template name does not exist in the translation", 400),
    132005: ("Template Hydrated Text Too Long", 400),
    132007: ("Template Format Character Policy Violated", 400),
    132012: ("Parameter format does not match format in the created template", 400),
    132015: ("Template is Paused", 400),
    132016: ("Template is Disabled", 400),
    133010: ("Phone number not registered", 400),
}

DEFAULT_DETAILS: dict[int, str] = {
    131026: "Message Undeliverable.",
    131047: "More than 24 hours have passed since the recipient last replied to the sender number.",
    130429: "Cloud API message throughput has been reached.",
    131056: "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.",
    131000: "Something went wrong.",
}


def error_title(code: int) -> str:
    return ERRORS.get(code, ("Unknown error", 400))[0]


def error_http_status(code: int) -> int:
    return ERRORS.get(code, ("Unknown error", 400))[1]


class GraphError(Exception):
    """A send the fake refuses the way Graph would: a code, its details and an HTTP status."""

    def __init__(
        self,
        code: int,
        details: str | None = None,
        *,
        http_status: int | None = None,
        subcode: int | None = None,
    ) -> None:
        self.code = code
        self.details = details or DEFAULT_DETAILS.get(code) or error_title(code)
        self.http_status = http_status or error_http_status(code)
        self.subcode = subcode
        super().__init__(f"({code}) {self.details}")


def error_body(error: GraphError, fbtrace_id: str) -> dict[str, Any]:
    """The synchronous Graph error body (fact sheet §2.1)."""
    body: dict[str, Any] = {
        "message": f"(#{error.code}) {error_title(error.code)}",
        "type": "OAuthException",
        "code": error.code,
        "error_data": {"messaging_product": "whatsapp", "details": error.details},
        "fbtrace_id": fbtrace_id,
    }
    if error.subcode is not None:
        body["error_subcode"] = error.subcode
    return {"error": body}


def async_error(code: int, details: str | None = None) -> dict[str, Any]:
    """An error object as it rides in a `failed` status webhook (fact sheet §2.2)."""
    title = error_title(code)
    return {
        "code": code,
        "title": title,
        "message": title,
        "error_data": {"details": details or DEFAULT_DETAILS.get(code) or title},
        "href": ERROR_HREF,
    }


def validation_error(exc: ValidationError) -> GraphError:
    """A pydantic failure as Graph words it: anything missing is 131008, every other fault 100."""
    problems = exc.errors(include_url=False)
    missing = [p for p in problems if p["type"] == "missing"]
    first = (missing or problems)[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    if missing:
        return GraphError(131008, f"The parameter {where} is required.")
    return GraphError(100, f"Param {where} is invalid: {first['msg']}")


# --------------------------------------------------------------------------------------------
# Send payloads (fact sheet §1)


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

    def shown(self) -> str:
        """How the parameter reads in the rendered message."""
        if self.text is not None:
            return self.text
        if self.currency is not None:
            return str(self.currency.get("fallback_value", ""))
        if self.date_time is not None:
            return str(self.date_time.get("fallback_value", ""))
        return self.payload or self.coupon_code or f"[{self.type}]"


class SendComponent(Strict):
    type: Literal["header", "body", "button"]
    sub_type: (
        Literal["quick_reply", "url", "copy_code", "flow", "catalog", "mpm", "voice_call"] | None
    ) = None
    index: int | str | None = None
    parameters: list[SendParameter] = Field(default_factory=list)


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


class SendMessage(Strict):
    """`POST /{version}/{phone_number_id}/messages` for text, template and interactive messages."""

    messaging_product: Literal["whatsapp"]
    recipient_type: Literal["individual"] = "individual"
    to: Text
    type: Literal["text", "template", "interactive"] = "text"
    text: TextBody | None = None
    template: TemplateSend | None = None
    interactive: Interactive | None = None
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


# Types Meta supports that this fake does not model: refused as unsupported, not as invalid.
UNMODELLED_TYPES = frozenset(
    {
        "image",
        "audio",
        "video",
        "document",
        "sticker",
        "location",
        "contacts",
        "reaction",
    }
)


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


def check_shape(message: SendMessage) -> None:
    """Rules that span fields: the object named by `type`, and the interactive limits."""
    objects = {
        "text": message.text,
        "template": message.template,
        "interactive": message.interactive,
    }
    if objects[message.type] is None:
        raise GraphError(131008, f"The parameter {message.type} is required.")
    extra = [name for name, value in objects.items() if value is not None and name != message.type]
    if extra:
        raise GraphError(100, f"Param {extra[0]} is not allowed for type {message.type}.")
    if wa_id(message.to) == "":
        raise GraphError(100, "Param to must be a phone number.")
    if message.interactive is not None:
        check_interactive(message.interactive)
    if message.template is not None:
        for component in message.template.components:
            if component.type == "button" and (
                component.sub_type is None or component.index is None
            ):
                raise GraphError(131008, "Button components need sub_type and index.")
            if component.type == "button" and button_index(component) is None:
                raise GraphError(100, "Param template.components.index must be a number.")


def check_interactive(interactive: Interactive) -> None:
    action = interactive.action
    header = interactive.header
    if header is not None and header.type == "text" and header.text is None:
        raise GraphError(131008, "The parameter interactive.header.text is required.")
    if interactive.type == "button":
        if action.buttons is None:
            raise GraphError(131008, "The parameter interactive.action.buttons is required.")
        if action.sections is not None or action.button is not None:
            raise GraphError(100, "Reply-button messages take only action.buttons.")
        titles = [b.reply.title for b in action.buttons]
        ids = [b.reply.id for b in action.buttons]
        if len(set(titles)) != len(titles):
            raise GraphError(100, "Button titles must be unique within a message.")
        if len(set(ids)) != len(ids):
            raise GraphError(100, "Button ids must be unique within a message.")
        if any(i != i.strip() for i in ids):
            raise GraphError(100, "Button ids may not start or end with spaces.")
        return
    if action.button is None:
        raise GraphError(131008, "The parameter interactive.action.button is required.")
    if action.sections is None:
        raise GraphError(131008, "The parameter interactive.action.sections is required.")
    if action.buttons is not None:
        raise GraphError(100, "List messages take action.button and action.sections.")
    if header is not None and header.type != "text":
        raise GraphError(100, "A list message header must be of type text.")
    rows = [row for section in action.sections for row in section.rows]
    if len(rows) > 10:
        raise GraphError(100, f"A list may hold at most 10 rows in all sections, not {len(rows)}.")
    if len({r.id for r in rows}) != len(rows):
        raise GraphError(100, "Row ids must be unique within a message.")
    if len(action.sections) > 1 and any(s.title is None for s in action.sections):
        raise GraphError(131008, "Each section needs a title when there is more than one.")


def wa_id(to: str) -> str:
    """The WhatsApp id for a `to`: its digits ('+', spaces and dashes are tolerated)."""
    if not re.fullmatch(r"\+?[\d\s\-().]+", to):
        return ""
    digits = re.sub(r"\D", "", to)
    return digits if 7 <= len(digits) <= 15 else ""


def button_index(component: SendComponent) -> int | None:
    index = component.index
    if isinstance(index, int):
        return index
    if isinstance(index, str) and index.isdigit():
        return int(index)
    return None


# --------------------------------------------------------------------------------------------
# Template definitions (fact sheet §4.1)

TemplateStatus = Literal["APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED"]
TEMPLATE_STATUSES: tuple[str, ...] = ("APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


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


def parse_template_definition(body: Any) -> TemplateDefinition:
    if not isinstance(body, Mapping):
        raise GraphError(100, "The request body must be a JSON object.")
    upper = dict(body)
    if isinstance(upper.get("category"), str):
        upper["category"] = upper["category"].upper()
    try:
        definition = TemplateDefinition.model_validate(upper)
    except ValidationError as exc:
        raise validation_error(exc) from None
    kinds = [c.type for c in definition.components]
    if kinds.count("BODY") != 1:
        raise GraphError(100, "A template needs exactly one BODY component.")
    if len(set(kinds)) != len(kinds):
        raise GraphError(100, "Each component type may appear once.")
    for component in definition.components:
        limit = {"BODY": 1024, "HEADER": 60, "FOOTER": 60}.get(component.type)
        if component.type in ("BODY", "FOOTER") and not component.text:
            raise GraphError(131008, f"The {component.type} component needs text.")
        if limit is not None and component.text is not None and len(component.text) > limit:
            raise GraphError(100, f"{component.type} text may be at most {limit} characters.")
        if component.type == "BUTTONS" and not component.buttons:
            raise GraphError(131008, "The BUTTONS component needs buttons.")
    return definition


def placeholders(text: str | None) -> list[str]:
    """The distinct placeholder names of a text in first-use order (`{{1}}` gives '1')."""
    seen: list[str] = []
    for name in PLACEHOLDER.findall(text or ""):
        if name not in seen:
            seen.append(name)
    return seen


def render(text: str, parameters: Sequence[SendParameter]) -> str:
    """Fill `{{1}}`… positionally, or `{{name}}` by parameter_name when the template is named."""
    named = {p.parameter_name: p.shown() for p in parameters if p.parameter_name}

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in named:
            return named[key]
        if key.isdigit() and 1 <= int(key) <= len(parameters):
            return parameters[int(key) - 1].shown()
        return match.group(0)

    return PLACEHOLDER.sub(fill, text)


def component_text(components: Sequence[Mapping[str, Any]], kind: str) -> str | None:
    for component in components:
        if component.get("type") == kind:
            text = component.get("text")
            return text if isinstance(text, str) else None
    return None


def quick_replies(components: Sequence[Mapping[str, Any]]) -> list[tuple[int, str]]:
    """(index, label) of the QUICK_REPLY buttons of a template definition."""
    for component in components:
        if component.get("type") == "BUTTONS":
            return [
                (i, str(b.get("text", "")))
                for i, b in enumerate(component.get("buttons") or [])
                if b.get("type") == "QUICK_REPLY"
            ]
    return []


@dataclass(frozen=True)
class RenderedTemplate:
    """What the shopper sees of a template send."""

    header: str | None
    body: str
    footer: str | None
    buttons: list[tuple[str, str]]  # (payload, label) of each quick reply


def check_template(template: Mapping[str, Any] | None, send: TemplateSend) -> RenderedTemplate:
    """A template send against the registry entry for its name+language (None: no such template)."""
    if template is None:
        raise GraphError(
            132001, f"template name ({send.name}) does not exist in {send.language.code}"
        )
    status = template["status"]
    if status == "PAUSED":
        raise GraphError(132015, f"Template {send.name} is paused due to low quality.")
    if status == "DISABLED":
        raise GraphError(132016, f"Template {send.name} has been disabled.")
    if status != "APPROVED":
        raise GraphError(
            132001,
            f"template name ({send.name}) is not approved in {send.language.code} (status {status})",
        )
    definition: list[Mapping[str, Any]] = template["components"]
    by_type: dict[str, list[SendParameter]] = {"header": [], "body": []}
    payloads: dict[int, str] = {}
    replies = dict(quick_replies(definition))
    for component in send.components:
        if component.type in by_type:
            by_type[component.type].extend(component.parameters)
        elif component.type == "button":
            index = button_index(component)
            assert index is not None  # check_shape refused the rest
            if component.sub_type == "quick_reply":
                if index not in replies:
                    raise GraphError(
                        131009, f"Template {send.name} has no quick reply button at index {index}."
                    )
                payload = next((p.payload for p in component.parameters if p.payload), None)
                if payload is not None:
                    payloads[index] = payload
    body_text = component_text(definition, "BODY") or ""
    header_text = component_text(definition, "HEADER")
    for kind, text in (("body", body_text), ("header", header_text)):
        expected = len(placeholders(text))
        got = len(by_type[kind])
        if expected != got:
            raise GraphError(
                132000,
                f"{kind} has {got} parameters but the template expects {expected}.",
            )
    return RenderedTemplate(
        header=render(header_text, by_type["header"]) if header_text else None,
        body=render(body_text, by_type["body"]),
        footer=component_text(definition, "FOOTER"),
        buttons=[(payloads.get(i, label), label) for i, label in sorted(replies.items())],
    )


def pricing_category(template_category: str | None) -> str:
    """Conversation/pricing category: the template's own (lower-case), `service` otherwise."""
    return template_category.lower() if template_category else "service"


# --------------------------------------------------------------------------------------------
# Limits in time


@dataclass(frozen=True)
class Bucket:
    """A token bucket: `tokens` available at `updated` (seconds)."""

    tokens: float
    updated: float


def take(bucket: Bucket | None, *, now: float, rate: float, burst: float) -> tuple[bool, Bucket]:
    """Take one token from a bucket refilling at `rate`/s up to `burst`; (allowed, new bucket)."""
    if bucket is None:
        tokens = burst
    else:
        tokens = min(burst, bucket.tokens + max(0.0, now - bucket.updated) * rate)
    if tokens >= 1.0:
        return True, Bucket(tokens - 1.0, now)
    return False, Bucket(tokens, now)


def window_open(last_inbound: float | None, now: float) -> bool:
    """Is the 24-hour customer service window open (the shopper wrote within 24 hours)?"""
    return last_inbound is not None and 0 <= now - last_inbound < WINDOW_SECONDS


def needs_window(message: SendMessage) -> bool:
    """Free-form (text, interactive) needs the window; templates may be sent at any time."""
    return message.type != "template"


# --------------------------------------------------------------------------------------------
# Ids, signatures, webhook envelopes (fact sheet §3)


def message_id(wa: str, nonce: str) -> str:
    """A `wamid.` id shaped like Meta's: base64 of a small record holding the wa_id and a nonce."""
    raw = (
        b"\x1c\x18"
        + bytes([len(wa)])
        + wa.encode()
        + b"\x15\x02\x00\x11\x18\x12"
        + nonce.upper().encode()
        + b"\x00"
    )
    return "wamid." + base64.b64encode(raw).decode().rstrip("=")


def signature(app_secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 header value for a raw webhook body."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def conversation_id(phone_number_id: str, wa: str, category: str, started: int) -> str:
    return hashlib.md5(
        f"{phone_number_id}:{wa}:{category}:{started}".encode(), usedforsecurity=False
    ).hexdigest()


def envelope(waba_id: str, field: str, value: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": waba_id, "changes": [{"field": field, "value": value}]}],
    }


def messages_value(display_phone_number: str, phone_number_id: str, **parts: Any) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": display_phone_number,
            "phone_number_id": phone_number_id,
        },
        **parts,
    }


@dataclass(frozen=True)
class StatusFacts:
    """What a status webhook says about one business message."""

    message_id: str
    recipient: str
    status: Literal["sent", "delivered", "read", "failed"]
    at: int
    category: str
    conversation_id: str
    conversation_expires: int
    in_window: bool
    callback_data: str | None = None
    error: dict[str, Any] | None = None


def status_item(facts: StatusFacts) -> dict[str, Any]:
    """One `value.statuses[]` item (fact sheet §3.5), per-message pricing (PMP)."""
    item: dict[str, Any] = {
        "id": facts.message_id,
        "status": facts.status,
        "timestamp": str(facts.at),
        "recipient_id": facts.recipient,
    }
    if facts.status == "failed":
        item["errors"] = [facts.error or async_error(131000)]
    else:
        conversation: dict[str, Any] = {
            "id": facts.conversation_id,
            "origin": {"type": facts.category},
        }
        if facts.status == "sent":
            conversation["expiration_timestamp"] = str(facts.conversation_expires)
        free = facts.category == "service" or (facts.category == "utility" and facts.in_window)
        item["conversation"] = conversation
        item["pricing"] = {
            "billable": not free,
            "pricing_model": "PMP",
            "type": "free_customer_service" if free else "regular",
            "category": facts.category,
        }
    if facts.callback_data is not None:
        item["biz_opaque_callback_data"] = facts.callback_data
    return item
