"""Who a shopper is to a business: Meta's business-scoped user ids (BSUIDs), usernames, phones.

Since 2026 every WhatsApp user has a `user_id` scoped to the business portfolio (the sandbox
scopes it to the WABA) shaped `CC.<digits>` (two-letter country, a dot, an id; fixtures show
`US.13491208655302741918`), optionally a `parent_user_id` (`CC.ENT.<digits>`) shared across a
managed business's portfolios, and optionally a `profile.username` (`@handle`). A user who
adopted a username may share no phone at all: webhooks then carry no `wa_id` / `from`.
"""

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Literal

USER_ID = re.compile(r"[A-Z]{2}\.[A-Za-z0-9]{1,128}")
PARENT_USER_ID = re.compile(r"[A-Z]{2}\.ENT\.[A-Za-z0-9]{1,128}")
USERNAME = re.compile(r"@?[A-Za-z0-9._]{3,35}")
COUNTRY = re.compile(r"[A-Z]{2}")

# Calling code -> ISO country, for the prefix of a phone shopper's BSUID (longest prefix wins).
CALLING_CODES: dict[str, str] = {
    "1": "US", "20": "EG", "27": "ZA", "33": "FR", "34": "ES", "39": "IT", "44": "GB",
    "49": "DE", "52": "MX", "55": "BR", "60": "MY", "62": "ID", "63": "PH", "65": "SG",
    "66": "TH", "81": "JP", "86": "CN", "90": "TR", "91": "IN", "92": "PK", "94": "LK",
    "234": "NG", "254": "KE", "880": "BD", "966": "SA", "971": "AE", "972": "IL", "977": "NP",
}  # fmt: skip

AddressedBy = Literal["phone", "user_id"]


@dataclass
class Shopper:
    """A WhatsApp user as one business sees them."""

    user_id: str
    phone: str | None = None  # the wa_id; None for a username-only user
    username: str | None = None
    parent_user_id: str | None = None
    name: str = "Sandbox Shopper"

    def view(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "phone": self.phone,
            "username": self.username,
            "parent_user_id": self.parent_user_id,
            "name": self.name,
        }


def country_of(phone: str) -> str:
    """The ISO country of a phone's calling code ('US' when the table does not know it)."""
    for length in (3, 2, 1):
        country = CALLING_CODES.get(phone[:length])
        if country is not None:
            return country
    return "US"


def derived_user_id(scope: str, phone: str) -> str:
    """The BSUID a phone shopper has with one business: stable, and different per business."""
    digest = hashlib.sha256(f"{scope}:{phone}".encode()).digest()
    digits = str(int.from_bytes(digest[:9], "big")).zfill(20)[-20:]
    return f"{country_of(phone)}.{digits}"


def is_user_id(value: str) -> bool:
    """A business-scoped user id or a parent one (`US.123…`, `US.ENT.123…`)."""
    return bool(USER_ID.fullmatch(value) or PARENT_USER_ID.fullmatch(value))


def username(value: str) -> str:
    """A username as WhatsApp shows it: with its leading `@`."""
    return value if value.startswith("@") else "@" + value


def contact(shopper: Shopper) -> dict[str, Any]:
    """The `value.contacts[]` item for a shopper, in inbound messages and in statuses."""
    profile: dict[str, Any] = {"name": shopper.name}
    if shopper.username is not None:
        profile["username"] = shopper.username
    item: dict[str, Any] = {"profile": profile}
    if shopper.phone is not None:
        item["wa_id"] = shopper.phone
    item["user_id"] = shopper.user_id
    if shopper.parent_user_id is not None:
        item["parent_user_id"] = shopper.parent_user_id
    return item


def sender(shopper: Shopper) -> dict[str, str]:
    """Who wrote an inbound `messages[]` item: `from` (if the phone is shared) and the user ids."""
    fields: dict[str, str] = {}
    if shopper.phone is not None:
        fields["from"] = shopper.phone
    fields["from_user_id"] = shopper.user_id
    if shopper.parent_user_id is not None:
        fields["from_parent_user_id"] = shopper.parent_user_id
    return fields


def recipient(shopper: Shopper, addressed_by: AddressedBy) -> dict[str, str]:
    """Who a status is about: `recipient_id` for a send addressed to a phone, and the user ids."""
    fields: dict[str, str] = {}
    if addressed_by == "phone" and shopper.phone is not None:
        fields["recipient_id"] = shopper.phone
    fields["recipient_user_id"] = shopper.user_id
    if shopper.parent_user_id is not None:
        fields["parent_recipient_user_id"] = shopper.parent_user_id
    return fields


def sent_contact(shopper: Shopper, given: str, addressed_by: AddressedBy) -> dict[str, str]:
    """The `contacts[]` item of a send's answer: the input echoed, and the id it was sent to."""
    if addressed_by == "phone" and shopper.phone is not None:
        return {"input": given, "wa_id": shopper.phone}
    return {"input": given, "user_id": shopper.user_id}
