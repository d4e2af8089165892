"""The CRM's decisions, pure: label and field names, a custom field's value by its reply type,
the list's orderBy whitelist, a chat id, and the limits. No I/O, no clock."""

import re
from datetime import date
from enum import StrEnum

from sauda_gateway.domain import Conflict, Forbidden, InvalidField, NotFound

MAX_LABELS = 200  # per business
MAX_FIELDS = 100  # custom field definitions per business
MAX_NOTE = 2000  # characters of one note
MAX_NAME = 60  # a label's or a custom field's name
MAX_VALUE = 1000  # a custom field's value
MAX_PAGE = 100


class SubscriberNotFound(NotFound, code="subscriber_not_found", field="phone_number",
                         message="Subscriber not found."): ...  # fmt: skip


class SubscriberExists(Conflict, code="subscriber_exists", field="phone_number",
                       message="Something went wrong or subscriber already exist."): ...  # fmt: skip


class LabelNotFound(NotFound, code="label_not_found", field="label_ids"): ...


class LabelExists(Conflict, code="label_exists", field="label_name"): ...


class FieldNotFound(NotFound, code="custom_field_not_found", field="custom_fields"): ...


class FieldExists(Conflict, code="custom_field_exists", field="name"): ...


class TeamMemberNotFound(NotFound, code="team_member_not_found", field="team_member_id",
                         message="No team member of this business has that id."): ...  # fmt: skip


class LimitReached(Forbidden, code="limit_reached"): ...


class ReplyType(StrEnum):
    """What a custom field holds; its values are checked and normalized by it."""

    TEXT = "text"
    NUMBER = "number"
    EMAIL = "email"
    PHONE = "phone"
    DATE = "date"
    URL = "url"
    BOOLEAN = "boolean"


# The document: "id DESC or created_at ASC"; any other column or direction is refused.
ORDER_COLUMNS = {
    "id": "s.subscriber_id",
    "subscriber_id": "s.subscriber_id",
    "created_at": "s.created_at",
    "updated_at": "s.updated_at",
    "first_name": "s.first_name",
    "last_name": "s.last_name",
}
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_NUMBER = re.compile(r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


def order_by(raw: str | None, *, field: str = "orderBy") -> str:
    """SQL of `column [ASC|DESC]` from the whitelist (newest first by default); else refused."""
    if raw is None or not raw.strip():
        return "s.subscriber_id DESC"
    parts = raw.split()
    column = ORDER_COLUMNS.get(parts[0].lower())
    direction = parts[1].upper() if len(parts) == 2 else "ASC" if len(parts) == 1 else None
    if column is None or direction not in ("ASC", "DESC"):
        raise InvalidField(f"{field}: one of {', '.join(sorted(ORDER_COLUMNS))}, optionally "
                           "followed by ASC or DESC (e.g. \"id DESC\")", field=field)  # fmt: skip
    tie = "" if column == "s.subscriber_id" else f", s.subscriber_id {direction}"
    return f"{column} {direction}{tie}"


def page(limit: str | int | None, offset: str | int | None) -> tuple[int, int]:
    """`limit` 1–100 (20) and `offset` ≥ 0 (0)."""
    try:
        n = int(limit) if limit not in (None, "") else 20
    except ValueError:
        raise InvalidField("limit: a whole number, 1 to 100", field="limit") from None
    try:
        start = int(offset) if offset not in (None, "") else 0
    except ValueError:
        raise InvalidField("offset: a whole number, 0 or more", field="offset") from None
    if not 1 <= n <= MAX_PAGE:
        raise InvalidField("limit: 1 to 100", field="limit")
    if start < 0:
        raise InvalidField("offset: 0 or more", field="offset")
    return n, start


def name_of(raw: str, *, field: str, what: str) -> str:
    """A label's or field's name: trimmed, inner spaces collapsed, 1–60 printable characters;
    compared without case (so "VIP" and "vip" are one label)."""
    name = " ".join(raw.split())
    if not name:
        raise InvalidField(f"{field}: a {what} needs a name", field=field)
    if len(name) > MAX_NAME:
        raise InvalidField(f"{field}: at most {MAX_NAME} characters", field=field)
    if any(not ch.isprintable() for ch in name) or "," in name:
        raise InvalidField(f"{field}: printable characters, no commas (label lists are "
                           "comma-separated)", field=field)  # fmt: skip
    return name


def ids_of(raw: str | list[int] | list[str], *, field: str) -> list[int]:
    """Comma-separated ids ("1, 2,3") or a JSON list, each a positive whole number."""
    items = raw.split(",") if isinstance(raw, str) else [str(i) for i in raw]
    found: list[int] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        if not item.isdigit() or not 0 < int(item) < 2**62:
            raise InvalidField(f"{field}: comma-separated ids (positive whole numbers)",
                               field=field)  # fmt: skip
        if int(item) not in found:
            found.append(int(item))
    if not found:
        raise InvalidField(f"{field}: at least one id", field=field)
    return found


def reply_type_of(raw: str, *, field: str = "reply_type") -> ReplyType:
    try:
        return ReplyType(raw.strip().lower())
    except ValueError:
        raise InvalidField(f"{field}: one of {', '.join(t.value for t in ReplyType)}",
                           field=field) from None  # fmt: skip


def field_value(kind: ReplyType, raw: object, *, field: str) -> str:
    """A custom field's value, checked and normalized for its type (numbers as given, emails
    lower-cased, dates ISO `YYYY-MM-DD`, booleans `true`/`false`)."""
    if isinstance(raw, bool):
        raw = "true" if raw else "false"
    if isinstance(raw, int | float):
        raw = str(raw)
    if not isinstance(raw, str):
        raise InvalidField(f"{field}: a text value", field=field)
    value = raw.strip()
    if not value or len(value) > MAX_VALUE or "\x00" in value:
        raise InvalidField(f"{field}: 1 to {MAX_VALUE} characters", field=field)
    if kind is ReplyType.NUMBER and not _NUMBER.match(value):
        raise InvalidField(f"{field}: a number (like 42 or 3.5)", field=field)
    if kind is ReplyType.EMAIL:
        if not _EMAIL.match(value):
            raise InvalidField(f"{field}: an email address", field=field)
        return value.lower()
    if kind is ReplyType.PHONE and not re.fullmatch(r"\+?[0-9 ()-]{6,20}", value):
        raise InvalidField(f"{field}: a phone number", field=field)
    if kind is ReplyType.DATE:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise InvalidField(f"{field}: a date, YYYY-MM-DD", field=field) from None
    if kind is ReplyType.URL and not _URL.match(value):
        raise InvalidField(f"{field}: an http(s) URL", field=field)
    if kind is ReplyType.BOOLEAN:
        lowered = value.lower()
        if lowered not in _TRUE | _FALSE:
            raise InvalidField(f"{field}: true or false", field=field)
        return "true" if lowered in _TRUE else "false"
    return value


def note_text(raw: str, *, field: str = "note_text") -> str:
    text = raw.strip()
    if not text:
        raise InvalidField(f"{field}: a note needs text", field=field)
    if len(text) > MAX_NOTE or "\x00" in text:
        raise InvalidField(f"{field}: at most {MAX_NOTE} characters", field=field)
    return text


def gender_of(raw: str | None, *, field: str = "gender") -> str | None:
    if raw is None:
        return None
    value = raw.strip().lower()
    if value not in ("male", "female", "other", ""):
        raise InvalidField(f"{field}: male, female or other", field=field)
    return value or None


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """One name (the document's `name`, a WhatsApp profile name) into first and last word."""
    words = (name or "").split()
    if not words:
        return None, None
    return (" ".join(words[:-1]), words[-1]) if len(words) > 1 else (words[0], None)
