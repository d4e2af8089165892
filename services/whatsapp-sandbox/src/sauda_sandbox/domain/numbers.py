"""Sandbox numbers and who may use them: the management errors and Graph's token checks."""

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sauda_sandbox.domain.graph import GraphError
from sauda_sandbox.domain.identities import is_user_id
from sauda_sandbox.domain.messages import wa_id


class NotFound(Exception):
    """A sandbox management request about something that does not exist (HTTP 404)."""


class Conflict(Exception):
    """A sandbox management request that cannot be applied (HTTP 409)."""


class Invalid(Exception):
    """A sandbox management request with a value that cannot be used (HTTP 400)."""


@dataclass
class Number:
    phone_number_id: str
    waba_id: str
    access_token: str
    display_phone_number: str
    verified_name: str
    webhook_url: str | None = None

    @property
    def metadata_number(self) -> str:
        return wa_id(self.display_phone_number) or self.display_phone_number


def require_token(token: str | None) -> str:
    if not token:
        raise GraphError(190, "An access token is required to request this resource.")
    return token


def authorize_number(phone_number_id: str, number: Number | None, token: str | None) -> Number:
    """The number a Graph call addresses, if the bearer token is that number's."""
    given = require_token(token)
    if number is None:
        raise GraphError(
            100,
            f"Unsupported post request. Object with ID '{phone_number_id}' does not exist, "
            "cannot be loaded due to missing permissions, or does not support this operation.",
            subcode=33,
        )
    if not hmac.compare_digest(given, number.access_token):
        raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
    return number


def token_wabas(numbers: Iterable[Number], token: str | None) -> set[str]:
    """The WABAs whose numbers this token belongs to; 190 when it is no number's token."""
    given = require_token(token)
    wabas = {n.waba_id for n in numbers if hmac.compare_digest(given, n.access_token)}
    if not wabas:
        raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
    return wabas


def missing_object(object_id: str, method: str = "get") -> GraphError:
    """Graph's answer for an id that does not exist or that this token may not see."""
    return GraphError(
        100,
        f"Unsupported {method} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation.",
        subcode=33,
    )


def authorize_waba(waba_id: str, numbers: Iterable[Number], token: str | None) -> str:
    """A WABA a Graph call addresses, if the token is one of its numbers'."""
    given = require_token(token)
    tokens = [n.access_token for n in numbers if n.waba_id == waba_id]
    if not tokens:
        raise GraphError(100, f"Object with ID '{waba_id}' does not exist.", subcode=33)
    if not any(hmac.compare_digest(given, t) for t in tokens):
        raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
    return waba_id


def shopper_ref(value: str) -> tuple[Literal["phone", "user_id"], str]:
    """The shopper a management path names: a phone (as a WhatsApp id) or a user id."""
    if is_user_id(value):
        return "user_id", value
    shopper = wa_id(value)
    if not shopper:
        raise Invalid(
            f"{value!r} is neither a phone number (7 to 15 digits) nor a business-scoped "
            "user id (like US.13491208655302741918)"
        )
    return "phone", shopper
