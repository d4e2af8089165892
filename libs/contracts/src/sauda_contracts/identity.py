"""Who a WhatsApp chat is with: the shopper's phone, or Meta's business-scoped user id.

WhatsApp users may now hide their number behind a username; Meta then names them only by a
business-scoped user id (BSUID, `US.13491208655302741918`), in webhooks (`from_user_id`,
`contacts[].user_id`, `recipient_user_id`) and in sends (`recipient` instead of `to`).
`chat_identity` is the one rule for keying a chat or a contact on either.

The v1 contract change. The bodies of `sauda_contracts.whatsapp` that name a shopper
(`Shopper`: inbound message, status report, send, opt-out, message snapshot) gained optional
`customer_user_id` (and, where Meta gives them, the parent user id and the username); those are left out of the JSON while unset (`Additive`), so a phone
shopper's record is byte for byte what it was. Their `customer_phone` became optional: a
consumer-visible change, made on v1 rather than a `.v2` topic because every record that could
be written before still reads the same, the only new records without a phone are of username
users (whom no older consumer could serve anyway), and all consumers of these internal topics
are Sauda's own, upgraded with it. An older consumer sets such a record aside as a dead letter
(re-drivable once upgraded) rather than misreading it. Each body still names someone: a phone
or a user id is required. (`OptOutBody.wamid` became nullable the same way: a preference set
in WhatsApp itself comes with no message.)
"""

from typing import Annotated, ClassVar, Self

from pydantic import Field, StringConstraints, model_validator

from sauda_contracts.envelope import Additive

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


class Shopper(Additive):
    """A body naming a shopper by phone (`customer_phone`), by Meta's user id
    (`customer_user_id`), or both; at least one is required. The user-id fields came after v1
    and are left out of the JSON while unset."""

    ADDED: ClassVar[frozenset[str]] = frozenset(
        {"customer_user_id", "customer_parent_user_id", "customer_username"}
    )

    @model_validator(mode="after")
    def _names_the_shopper(self) -> Self:
        self.chat_with  # noqa: B018  (raises when neither is given)
        return self

    @property
    def chat_with(self) -> str:
        """Who the chat is with: `chat_identity` of the phone and the user id."""
        return chat_identity(
            getattr(self, "customer_phone", None), getattr(self, "customer_user_id", None)
        )
