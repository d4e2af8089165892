"""What a merchant's WhatsApp send carries besides text: an approved template with its
parameters, a media file by link or by Meta's media id, and Meta's limits on each.

Meta's limits live here (media types and extensions, captions only on image / video /
document, file names only on documents, template parameters without newlines), so that a
message WhatsApp would refuse cannot be asked for; `shape_problem` checks the rules that span
the fields of one send, for the HTTP API (which names the field) and the wire model alike.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal
from urllib.parse import urlsplit
from uuid import UUID, uuid5

from pydantic import Field, StringConstraints, field_validator, model_validator

from sauda_contracts.envelope import Contract
from sauda_contracts.patterns import HTTP_URL, NO_SPACE

# The notifier's namespace: a message's id is derived from its business and dedupe key, so the
# gateway can name a send's message before the notifier has recorded it.
MESSAGE_NAMESPACE = UUID("6f0b3c0e-8d5e-5d8a-9a53-1c7f0e6a2b41")


def outbound_message_id(business_id: UUID, message_key: str) -> UUID:
    """The id the notifier gives the message of a `SendWhatsAppMessage` with this key."""
    return uuid5(MESSAGE_NAMESPACE, f"message:{business_id}:out:{message_key}")


class MediaKind(StrEnum):
    IMAGE = "image"
    DOCUMENT = "document"
    AUDIO = "audio"
    VIDEO = "video"
    STICKER = "sticker"


@dataclass(frozen=True, slots=True)
class MediaRule:
    """What Meta accepts of one media type (Cloud API "Supported media types")."""

    extensions: frozenset[str]
    mime_types: tuple[str, ...]
    max_bytes: int
    caption: bool  # a caption may go with it
    filename: bool  # a file name may go with it
    header: bool  # it may head an interactive message or a template


MB = 1024 * 1024
MEDIA_RULES: dict[MediaKind, MediaRule] = {
    MediaKind.IMAGE: MediaRule(frozenset({"jpg", "jpeg", "png"}), ("image/jpeg", "image/png"),
                               5 * MB, caption=True, filename=False, header=True),
    MediaKind.VIDEO: MediaRule(frozenset({"mp4", "3gp", "3gpp"}), ("video/mp4", "video/3gpp"),
                               16 * MB, caption=True, filename=False, header=True),
    MediaKind.AUDIO: MediaRule(
        frozenset({"aac", "amr", "mp3", "m4a", "ogg", "opus"}),
        ("audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"),
        16 * MB, caption=False, filename=False, header=False,
    ),
    MediaKind.DOCUMENT: MediaRule(
        frozenset({"pdf", "txt", "doc", "docx", "xls", "xlsx", "ppt", "pptx"}),
        ("application/pdf", "text/plain", "application/msword", "application/vnd.ms-excel",
         "application/vnd.ms-powerpoint",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        100 * MB, caption=True, filename=True, header=True,
    ),
    # Static stickers may be 100 KB, animated ones 500 KB.
    MediaKind.STICKER: MediaRule(frozenset({"webp"}), ("image/webp",), 500 * 1024,
                                 caption=False, filename=False, header=False),
}  # fmt: skip

NoNul = StringConstraints(pattern=r"^[^\x00]*$")


def link_extension(link: str) -> str | None:
    """The file extension the link's path ends in (lower case), if it has one."""
    last = urlsplit(link).path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else None


class MediaFile(Contract):
    """A file WhatsApp fetches by `link` (public http(s)) or already holds under `id`."""

    link: str | None = Field(
        default=None,
        max_length=2000,
        pattern=HTTP_URL,
        description="Public http(s) URL Meta downloads the file from.",
    )
    id: str | None = Field(
        default=None,
        min_length=1,
        max_length=256,
        pattern=NO_SPACE,
        description="Meta's media id, from an earlier upload.",
    )
    caption: str | None = Field(
        default=None,
        min_length=1,
        max_length=1024,
        pattern=r"^[^\x00]*$",
        description="Text under an image, video or document (Meta: ≤ 1024).",
    )
    filename: str | None = Field(
        default=None,
        min_length=1,
        max_length=240,
        pattern=r"^[^\x00/\\]*$",
        description="Name a document is shown with.",
    )

    @model_validator(mode="after")
    def _link_or_id(self) -> "MediaFile":
        if (self.link is None) == (self.id is None):
            raise ValueError("give the media's link or its id (one of them)")
        return self


class MediaToSend(MediaFile):
    """A media file and its type: the message itself, or the header of one."""

    type: MediaKind = Field(description="image, document, audio, video or sticker.")

    @model_validator(mode="after")
    def _meta_accepts_it(self) -> "MediaToSend":
        problem = media_problem(self.type, self)
        if problem is not None:
            raise ValueError(f"{problem[0]}: {problem[1]}")
        return self


def media_problem(kind: MediaKind, media: MediaFile) -> tuple[str, str] | None:
    """What Meta would refuse of this file as a `kind` message (the field, and why), or None."""
    rule = MEDIA_RULES[kind]
    if media.caption is not None and not rule.caption:
        return "caption", f"WhatsApp sends no caption with {kind.value} messages"
    if media.filename is not None and not rule.filename:
        return "filename", "only a document has a file name"
    extension = link_extension(media.link) if media.link else None
    if extension is not None and extension not in rule.extensions:
        return "link", (f"WhatsApp sends a {kind.value} as {', '.join(sorted(rule.extensions))}; "
                        f"this link ends in .{extension}")  # fmt: skip
    return None


# Meta refuses template parameters with newlines, tabs or more than 4 spaces in a row (132018).
_BAD_PARAMETER = re.compile(r"[\n\r\t]| {5,}")


def _meta_parameter(value: str) -> str:
    if _BAD_PARAMETER.search(value):
        raise ValueError("a template parameter may hold no newline, tab or 5 spaces in a row")
    return value


Parameter = Annotated[str, StringConstraints(min_length=1, max_length=1024), NoNul]


class HeaderParameter(Contract):
    """The template's header parameter: a text value, or the image / video / document."""

    text: str | None = Field(default=None, min_length=1, max_length=60, pattern=r"^[^\x00]*$",
                             description="The header's {{1}} (Meta: ≤ 60).")  # fmt: skip
    media: MediaToSend | None = Field(default=None, description="A media header's file.")

    @field_validator("text")
    @classmethod
    def _clean_text(cls, value: str | None) -> str | None:
        return None if value is None else _meta_parameter(value)

    @model_validator(mode="after")
    def _one_header(self) -> "HeaderParameter":
        if (self.text is None) == (self.media is None):
            raise ValueError("a template header is a text or a media file (one of them)")
        if self.media is not None and not MEDIA_RULES[self.media.type].header:
            raise ValueError("a template header is an image, video or document")
        if self.media is not None and self.media.caption is not None:
            raise ValueError("a template's media header has no caption")
        return self


class ButtonParameter(Contract):
    """The parameter of one of the template's buttons."""

    index: int = Field(ge=0, le=9, description="The button's position in the template, from 0.")
    sub_type: Literal["quick_reply", "url"] = Field(
        default="quick_reply", description="quick_reply: its payload; url: the URL's {{1}}."
    )
    value: str = Field(min_length=1, max_length=2000, pattern=r"^[^\x00]*$",
                       description="Payload (comes back when tapped) or URL suffix.")  # fmt: skip


class TemplateToSend(Contract):
    """An approved template by name and language (or by Meta's template id) and its values."""

    name: str | None = Field(default=None, pattern=r"^[a-z0-9_]{1,512}$",
                             description="Template name as created on Meta.")  # fmt: skip
    template_id: str | None = Field(default=None, pattern=r"^[0-9A-Za-z_\-]{1,64}$",
                                    description="Meta's template id (instead of the name).")  # fmt: skip
    language: str | None = Field(
        default=None,
        pattern=r"^[a-z]{2,3}(_[A-Za-z]{2,4})?$",
        description="Meta's language code, e.g. en or en_US; with an id, the template's own.",
    )
    body: tuple[Parameter, ...] = Field(
        default=(), max_length=100, description="The body's {{1}}, {{2}}, … in order."
    )
    header: HeaderParameter | None = Field(default=None, description="The header's parameter.")
    buttons: tuple[ButtonParameter, ...] = Field(default=(), max_length=10)

    @field_validator("body")
    @classmethod
    def _clean_body(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_meta_parameter(v) for v in values)

    @model_validator(mode="after")
    def _named(self) -> "TemplateToSend":
        if self.name is None and self.template_id is None:
            raise ValueError("name the template (name and language) or give its template_id")
        if self.name is not None and self.language is None:
            raise ValueError("a template named needs its language")
        if len({b.index for b in self.buttons}) != len(self.buttons):
            raise ValueError("each button index once")
        return self


# --- the rules of one send that span its fields ---

FREE_FORM = frozenset({"text", "buttons", "list", "media"})  # only inside the 24-hour window


def shape_problem(
    kind: str,
    *,
    text: str,
    header: str | None,
    footer: str | None,
    buttons: int,
    menu: bool,
    header_media: MediaToSend | None,
    template: TemplateToSend | None,
    media: MediaToSend | None,
) -> tuple[str, str] | None:
    """What is wrong with a send of `kind` carrying these (the field at fault, and why), or
    None. `buttons` counts the reply buttons; `menu` says whether there is a list."""
    given = {
        "header": header is not None, "footer": footer is not None, "buttons": buttons > 0,
        "menu": menu, "header_media": header_media is not None, "template": template is not None,
        "media": media is not None,
    }  # fmt: skip
    allowed = {
        "text": set(),
        "buttons": {"header", "footer", "buttons", "header_media"},
        "list": {"header", "footer", "menu"},
        "template": {"template"},
        "media": {"media"},
    }[kind]
    extra = [name for name, present in given.items() if present and name not in allowed]
    if extra:
        return extra[0], f"a {kind} message has no {extra[0]}"
    if kind in ("text", "buttons", "list") and not text:
        return "text", f"a {kind} message needs its text"
    if kind in ("template", "media") and text:
        return "text", f"a {kind} message has no text (a media file has a caption)"
    if kind in ("buttons", "list") and len(text) > 1024:
        return "text", "the text of buttons or a list is at most 1024 characters (Meta)"
    if kind == "buttons" and not 1 <= buttons <= 3:
        return "buttons", "a buttons message has 1 to 3 buttons"
    if kind == "list" and not menu:
        return "menu", "a list message needs its menu"
    if header_media is not None and header is not None:
        return "header", "a header is a text or a media file, not both"
    if header_media is not None and not MEDIA_RULES[header_media.type].header:
        return "header_media", "an interactive header is an image, video or document"
    if header_media is not None and header_media.caption is not None:
        return "header_media.caption", "a media header has no caption"
    if kind == "template" and template is None:
        return "template", "a template message needs its template"
    if kind == "media" and media is None:
        return "media", "a media message needs its file (link or id)"
    return None
