"""Who a WhatsApp chat is with: the shopper's phone, or Meta's business-scoped user id.

WhatsApp users may now hide their number behind a username; Meta then names them only by a
business-scoped user id (BSUID, `US.13491208655302741918`), in webhooks (`from_user_id`,
`contacts[].user_id`, `recipient_user_id`) and in sends (`recipient` instead of `to`).
`chat_identity` is the one rule for keying a chat or a contact on either.
"""

from typing import Annotated

from pydantic import Field, StringConstraints

# A BSUID is a country code, a dot and digits (`US.…`, `US.ENT.…` for a parent); read it a
# little wider than that, but always with a letter, so a user id is never taken for a phone
# (nor a phone written `0300-1234567` for a user id).
UserId = Annotated[
    str,
    StringConstraints(
        min_length=2, max_length=128, pattern=r"^[A-Za-z0-9._-]*[A-Za-z][A-Za-z0-9._-]*$"
    ),
    Field(
        description="Meta's business-scoped user id of a WhatsApp user (it has a letter).",
        examples=["US.13491208655302741918"],
    ),
]
Username = Annotated[
    str, Field(max_length=100, description="WhatsApp username, e.g. `@testusername`.")
]


def chat_identity(phone: str | None, user_id: str | None) -> str:
    """Who a chat (or a contact) is with: the phone when there is one, else Meta's user id.

    A shopper Meta names by both is keyed by the phone, as every chat was before usernames; one
    named by the user id alone is keyed by it. A phone is digits only and a user id has a
    letter, so the two kinds of key never meet."""
    if phone:
        return phone
    if user_id:
        return user_id
    raise ValueError("a WhatsApp chat needs the shopper's phone or Meta's user id; neither given")


def is_user_id(identity: str) -> bool:
    """Whether a chat identity is Meta's user id (else it is a phone)."""
    return not identity.isdigit()


def identity_fields(identity: str) -> dict[str, str]:
    """A chat identity as the shopper fields of a body: `customer_phone` or `customer_user_id`."""
    return {"customer_user_id": identity} if is_user_id(identity) else {"customer_phone": identity}
