"""Graph's vocabulary of refusals: the error-code table, GraphError, its bodies, the version rule.

Titles and shapes follow /work/shared/whatsapp-cloud-api.md (the team's fact sheet, §2).
"""

import re
from typing import Any

VERSION_PATTERN = re.compile(r"v\d+\.\d+")
ERROR_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"

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
    131052: ("Media download error", 400),
    131053: ("Media upload error", 400),
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
    131053: "Unable to upload the media used in the message.",
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


def check_version(version: str, path: str) -> None:
    """A Graph path starts with a version (`v21.0`); anything else is an unknown path."""
    if not VERSION_PATTERN.fullmatch(version):
        raise GraphError(2500, f"Unknown path components: {path}")
