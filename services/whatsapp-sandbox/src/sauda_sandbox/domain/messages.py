"""Send rules that span fields: the object `type` names, interactive limits, the recipient."""

import re

from sauda_sandbox.domain.graph import GraphError
from sauda_sandbox.domain.identities import is_user_id
from sauda_sandbox.domain.media import MEDIA_TYPES, check_media_object
from sauda_sandbox.domain.shapes import InteractiveShape, SendComponentShape, SendShape

# Types Meta supports that this fake does not model: refused as unsupported, not as invalid.
UNMODELLED_TYPES = frozenset({"location", "contacts", "reaction"})


def check_shape(message: SendShape) -> None:
    """Rules that span fields: the recipient, the object named by `type`, the interactive and
    media limits."""
    check_recipient(message.to, message.recipient)
    objects = {
        "text": message.text,
        "template": message.template,
        "interactive": message.interactive,
        **{kind: getattr(message, kind) for kind in MEDIA_TYPES},
    }
    if objects[message.type] is None:
        raise GraphError(131008, f"The parameter {message.type} is required.")
    extra = [name for name, value in objects.items() if value is not None and name != message.type]
    if extra:
        raise GraphError(100, f"Param {extra[0]} is not allowed for type {message.type}.")
    if message.type in MEDIA_TYPES:
        check_media_object(message.type, objects[message.type])
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


def check_interactive(interactive: InteractiveShape) -> None:
    """Reply buttons and lists: what each may carry, unique ids and titles, the 10-row limit."""
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


def check_recipient(to: str | None, recipient: str | None) -> None:
    """A send names a phone (`to`) or a business-scoped user id (`recipient`); `to` wins when
    both are given."""
    if to is None and recipient is None:
        raise GraphError(131008, "The parameter to (or recipient) is required.")
    if to is not None and wa_id(to) == "":
        raise GraphError(100, "Param to must be a phone number.")
    if to is None and recipient is not None and not is_user_id(recipient):
        raise GraphError(
            100, "Param recipient must be a business-scoped user id (like US.13491208655302741918)."
        )


def wa_id(to: str) -> str:
    """The WhatsApp id for a `to`: its digits ('+', spaces and dashes are tolerated)."""
    if not re.fullmatch(r"\+?[\d\s\-().]+", to):
        return ""
    digits = re.sub(r"\D", "", to)
    return digits if 7 <= len(digits) <= 15 else ""


def button_index(component: SendComponentShape) -> int | None:
    index = component.index
    if isinstance(index, int):
        return index
    if isinstance(index, str) and index.isdigit():
        return int(index)
    return None


def needs_window(message: SendShape) -> bool:
    """Free-form (text, interactive) needs the window; templates may be sent at any time."""
    return message.type != "template"
