"""One item of a Meta webhook (a message, a status, a preference) read into Sauda's contracts.

Pure and total: every reader takes Meta's JSON as decoded (dicts, lists, str or int where the
other is usual) and returns a contract body, or `Ignored` naming what Sauda does not act on;
a value a contract refuses raises, and the caller counts the item as unreadable.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from sauda_contracts.identity import UserId
from sauda_contracts.orders import Phone
from sauda_contracts.whatsapp import (
    GraphError,
    InboundKind,
    InboundMessageBody,
    OptOutBody,
    StatusReportBody,
)

# Meta's statuses Sauda records; `played` (a voice note heard) and `deleted` change nothing.
RECORDED_STATUSES = frozenset({"sent", "delivered", "read", "failed"})
# Message types that are no new word from the shopper: an edit or a deletion of an earlier
# message, and system notes (a changed number, a changed security code).
IGNORED_TYPES = frozenset({"edit", "revoke", "system"})
# What Meta's `user_preferences` values mean for Sauda's opt-out: stop, or asked for again.
PREFERENCE_OPTED_OUT = {"stop": True, "resume": False, "signup": False}


@dataclass(frozen=True, slots=True)
class Ignored:
    """An item Sauda reads and leaves alone (acknowledged to Meta, logged, not published)."""

    what: str  # e.g. "message:edit", "status:played"


# --- Meta's JSON, read leniently ---


def text_of(value: Any) -> str | None:
    """A string, or a number written where a string is usual (ids, phones); else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def int_of(value: Any, default: int = 0) -> int:
    """An int, or a string of one (Meta's error codes come either way); else `default`."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    try:
        return int(float(value)) if isinstance(value, float) else int(str(value).strip())
    except (TypeError, ValueError, OverflowError):
        return default


def required(value: Any, what: str) -> str:
    """An id the item cannot be told apart without (a wamid): missing makes it unreadable."""
    text = text_of(value)
    if not text:
        raise ValueError(f"no {what}")
    return text


def obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def objs(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def when(raw: Any) -> datetime:
    """Meta's Unix seconds (a string or an int); the time of reading if there are none."""
    seconds = int_of(raw, default=-1)
    try:
        return datetime.fromtimestamp(seconds, tz=UTC) if seconds >= 0 else datetime.now(UTC)
    except (OverflowError, OSError, ValueError):
        return datetime.now(UTC)


def _cut(value: str | None, limit: int) -> str | None:
    return value[:limit] if value else None


def graph_errors(raw: Any) -> tuple[GraphError, ...]:
    """Meta's `errors[]` (of a failed status, or of a message): code, title, details."""
    return tuple(
        GraphError(
            code=int_of(e.get("code")),
            title=(text_of(e.get("title")) or text_of(e.get("message")) or "")[:500],
            details=_cut(
                text_of(obj(e.get("error_data")).get("details")) or text_of(e.get("details")), 2000
            ),
        )
        for e in objs(raw)
    )


# --- who an item is about ---

_PHONE: TypeAdapter[str] = TypeAdapter(Phone)
_USER_ID: TypeAdapter[str] = TypeAdapter(UserId)


def _valid(adapter: TypeAdapter[str], value: Any) -> str | None:
    try:
        return adapter.validate_python(text_of(value)) if text_of(value) else None
    except ValidationError:
        return None


@dataclass(frozen=True, slots=True)
class Party:
    """The shopper an item is about, as the item and the value's `contacts[]` name them: a
    phone, Meta's user id (username users may share no phone), or both."""

    phone: str | None
    user_id: str | None
    parent_user_id: str | None = None
    username: str | None = None
    name: str | None = None

    def fields(self) -> dict[str, str | None]:
        return {"customer_phone": self.phone, "customer_user_id": self.user_id,
                "customer_parent_user_id": self.parent_user_id}  # fmt: skip


def _contact_for(
    contacts: list[dict[str, Any]], phone: str | None, user_id: str | None
) -> dict[str, Any]:
    """The `contacts[]` entry of this phone or user id; else the only entry, unless it names
    someone else (a username user's message may carry neither `from` nor `from_user_id`, and a
    receipt sent to a phone lists the recipient's user id only in `contacts[]`)."""
    for contact in contacts:
        if phone is not None and text_of(contact.get("wa_id")) == phone:
            return contact
        if user_id is not None and text_of(contact.get("user_id")) == user_id:
            return contact
    if len(contacts) != 1:
        return {}
    [only] = contacts
    other_phone = phone is not None and text_of(only.get("wa_id")) not in (None, phone)
    other_user = user_id is not None and text_of(only.get("user_id")) not in (None, user_id)
    return {} if other_phone or other_user else only


def party(
    contacts: list[dict[str, Any]], phone: Any, user_id: Any = None, parent_user_id: Any = None
) -> Party:
    """Who it is: the item's own ids first, the matching contact's for what the item lacks. An
    id that is not a phone (or not a user id) is dropped when the other names the shopper; the
    contract refuses an item left naming nobody."""
    contact = _contact_for(contacts, text_of(phone), text_of(user_id))
    profile = obj(contact.get("profile"))
    number = _valid(_PHONE, phone) or _valid(_PHONE, contact.get("wa_id"))
    user = _valid(_USER_ID, user_id) or _valid(_USER_ID, contact.get("user_id"))
    if number is None and user is None and text_of(phone):
        number = text_of(phone)  # the contract says why it is no phone
    return Party(
        phone=number,
        user_id=user,
        parent_user_id=_valid(_USER_ID, parent_user_id)
        or _valid(_USER_ID, contact.get("parent_user_id")),
        username=_cut(text_of(profile.get("username")), 100),
        name=_cut(text_of(profile.get("name")), 200),
    )


# --- the items ---


def _said(msg: dict[str, Any]) -> tuple[InboundKind, Any, Any] | Ignored:
    """What kind of message this is, its text and the id of what was tapped."""
    meta_type = text_of(msg.get("type")) or ""
    if meta_type in IGNORED_TYPES:
        return Ignored(f"message:{meta_type}")
    if meta_type == "text":
        return InboundKind.TEXT, obj(msg.get("text")).get("body"), None
    if meta_type == "button":
        button = obj(msg.get("button"))
        return InboundKind.BUTTON, button.get("text"), button.get("payload")
    if meta_type == "interactive":
        interactive = obj(msg.get("interactive"))
        sub = text_of(interactive.get("type"))
        if sub == "nfm_reply":
            return Ignored("message:flow_completion")  # Sauda sends no WhatsApp Flows
        if sub in ("button_reply", "list_reply"):
            reply = obj(interactive.get(sub))
            kind = InboundKind.BUTTON_REPLY if sub == "button_reply" else InboundKind.LIST_REPLY
            return kind, reply.get("title"), reply.get("id")
    # Media, location, contacts, reactions, orders, unsupported: kept, not acted on.
    return InboundKind.OTHER, None, None


def inbound(
    phone_number_id: str, msg: dict[str, Any], contacts: list[dict[str, Any]]
) -> InboundMessageBody | Ignored:
    said = _said(msg)
    if isinstance(said, Ignored):
        return said
    kind, text, reply_id = said
    who = party(contacts, msg.get("from"), msg.get("from_user_id"), msg.get("from_parent_user_id"))
    return InboundMessageBody(
        phone_number_id=phone_number_id,
        **who.fields(),
        customer_username=who.username,
        wamid=required(msg.get("id"), "message id"),
        sent_at=when(msg.get("timestamp")),
        kind=kind,
        meta_type=(text_of(msg.get("type")) or "unknown")[:40],
        text=_cut(text_of(text), 4096),
        reply_id=_cut(text_of(reply_id), 256),
        context_wamid=_cut(text_of(obj(msg.get("context")).get("id")), 256),
        profile_name=who.name,
    )


def status(
    phone_number_id: str, st: dict[str, Any], contacts: list[dict[str, Any]]
) -> StatusReportBody | Ignored:
    reported = text_of(st.get("status")) or "unknown"
    if reported not in RECORDED_STATUSES:
        return Ignored(f"status:{reported}")
    if text_of(st.get("recipient_type")) == "group":
        return Ignored("status:group")  # Sauda messages shoppers, never groups
    who = party(contacts, st.get("recipient_id"), st.get("recipient_user_id"),
                st.get("parent_recipient_user_id"))  # fmt: skip
    return StatusReportBody(
        phone_number_id=phone_number_id,
        **who.fields(),
        wamid=required(st.get("id"), "message id"),
        status=reported,
        at=when(st.get("timestamp")),
        errors=graph_errors(st.get("errors")),
        callback_data=_cut(text_of(st.get("biz_opaque_callback_data")), 512),
    )


def preference(pref: dict[str, Any], contacts: list[dict[str, Any]]) -> OptOutBody | Ignored:
    """A `user_preferences` item: the shopper stopped (or resumed) marketing messages in
    WhatsApp itself, which Sauda honours as its own opt-out (STOP) and opt-in (START)."""
    category = text_of(pref.get("category")) or "unknown"
    value = (text_of(pref.get("value")) or "unknown").lower()
    if category != "marketing_messages" or value not in PREFERENCE_OPTED_OUT:
        return Ignored(f"user_preferences:{category}:{value}")
    who = party(contacts, pref.get("wa_id"), pref.get("user_id"))
    return OptOutBody(
        customer_phone=who.phone,
        customer_user_id=who.user_id,
        opted_out=PREFERENCE_OPTED_OUT[value],
        wamid=None,
        at=when(pref.get("timestamp")),
    )
