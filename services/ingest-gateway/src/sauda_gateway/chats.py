"""Whom a merchant's call names: a shopper's chat identity (`identity.chat_identity`), from a
phone or from Meta's user id of a username user who shares no number.

Paths take either in one parameter (`chat_of`: a user id as Meta gives it, `US.…`, else a
phone); bodies and forms take a phone and a `user_id` side by side, exactly one of them
(`recipient`)."""

import re

from sauda_gateway.domain import Business, InvalidField, MissingField
from sauda_gateway.phones import normalize_phone, phone_of

# Meta's business-scoped user id of a username user ("US.13491208655302741918"), as a path or
# a form gives it: a country, a dot, letters and digits (never a phone, which has no letter).
USER_ID = re.compile(r"^[A-Z]{2}\.[0-9A-Za-z]{1,64}$")


def user_id_of(raw: str, *, field: str) -> str:
    """Meta's user id as given; anything that cannot be one is refused, naming `field`."""
    text = raw.strip()
    if not USER_ID.match(text):
        raise InvalidField(f"{field}: {raw!r} is not a WhatsApp user id (Meta's business-scoped "
                           "id of a username user, like US.13491208655302741918)", field=field)  # fmt: skip
    return text


def chat_of(raw: str, business: Business, *, field: str = "phone_number") -> str:
    """The chat a caller names in one value: a phone in international digits (read as the
    business's country without a code), or a WhatsApp user id as Meta gives it."""
    text = raw.strip()
    if USER_ID.match(text):
        return text
    phone = normalize_phone(text, business.default_country)
    if phone is None:
        raise InvalidField(f"{field}: {raw!r} is neither a phone number (numbers without a "
                           f"country code are read as {business.default_country}) nor a "
                           "WhatsApp user id", field=field)  # fmt: skip
    return phone


def recipient(
    phone: str | None, user_id: str | None, business: Business, *, phone_field: str,
    user_field: str = "user_id", either_as_phone: bool = False,
) -> str:  # fmt: skip
    """The chat named by a phone or by Meta's user id, exactly one of the two: both, or
    neither, is refused naming the field to fix. `either_as_phone`: the phone's field may
    hold a user id too (as the subscriber routes always read it)."""
    if phone is not None and user_id is not None:
        raise InvalidField(f"{user_field}: give {phone_field} or {user_field}, not both (a "
                           f"{user_field} is for a username user who shares no number)",
                           field=user_field)  # fmt: skip
    if user_id is not None:
        return user_id_of(user_id, field=user_field)
    if phone is None:
        raise MissingField(f"{phone_field}: give the customer's phone, or {user_field} for a "
                           "WhatsApp username user", field=phone_field)  # fmt: skip
    if either_as_phone:
        return chat_of(phone, business, field=phone_field)
    return phone_of(phone, business, field=phone_field)
