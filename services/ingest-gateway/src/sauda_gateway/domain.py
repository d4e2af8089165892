"""Pure gateway decisions: deterministic ids, request fingerprints, order numbers, key hashing."""

import hashlib
import json
import math
from dataclasses import dataclass
from uuid import UUID, uuid5

import phonenumbers

from sauda_contracts.api import IngestRequest

# Fixed namespace: changing it would change every order id Sauda ever derived.
ORDER_NAMESPACE = UUID("5d8a4a5e-3c1f-4f7e-9b0a-7a2f6c1d9e10")


def order_id_for(business_id: UUID, idempotency_key: str) -> UUID:
    """The one id a business's idempotency key can ever name."""
    return uuid5(ORDER_NAMESPACE, f"{business_id}:key:{idempotency_key}")


def request_fingerprint(request: IngestRequest) -> str:
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def format_order_number(n: int) -> str:
    return f"ORD-{n:06d}"


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def order_sequence_name(business_id: UUID) -> str:
    return f"order_seq_{business_id.hex}"


# --- plans and the hourly request allowance ---

STORE_API = "store_api"
WINDOW_SECONDS = 3600


def window_start(now_epoch: float) -> int:
    """The fixed hour window `now` falls in, as epoch seconds (the seed: "resets every hour")."""
    return int(now_epoch) // WINDOW_SECONDS * WINDOW_SECONDS


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_epoch: int  # when the window ends
    retry_after: int  # seconds until a refused caller may try again (0 when allowed)

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_epoch),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


def rate_decision(*, used: int, limit: int, window: int, now_epoch: float) -> RateDecision:
    """`used` counts this request too: the request is allowed while it stays within `limit`."""
    reset = window + WINDOW_SECONDS
    allowed = used <= limit
    return RateDecision(
        allowed=allowed,
        limit=limit,
        remaining=max(0, limit - used),
        reset_epoch=reset,
        retry_after=0 if allowed else max(1, math.ceil(reset - now_epoch)),
    )


def plan_allowing(api: str, plans: list[tuple[str, list[str], int]]) -> str | None:
    """The lowest-ranked plan whose APIs include `api` (plans as (name, apis, rank))."""
    eligible = sorted((rank, name) for name, apis, rank in plans if api in apis)
    return eligible[0][1] if eligible else None


# --- phone numbers and store upserts ---


def normalize_phone(raw: str, default_region: str) -> str | None:
    """International digits (923001234567) for a phone in any common form, or None if impossible.

    Digits long enough to carry a country code are tried as international first, so
    919876543210 stays Indian for a Pakistani business; anything else is read as local.
    """
    text = raw.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    candidates: list[tuple[str, str | None]] = []
    if text.startswith("+") or text.startswith("00"):
        candidates.append(
            (f"+{digits.removeprefix('00') if text.startswith('00') else digits}", None)
        )
    elif len(digits) >= 11 and not digits.startswith("0"):
        candidates.append((f"+{digits}", None))
    candidates.append((text, default_region))
    for candidate, region in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
    return None


def store_order_id(business_id: UUID, platform: str, store_order_number: str) -> UUID:
    """Same platform + order number always names the same order (Bugalou's upsert key)."""
    return uuid5(ORDER_NAMESPACE, f"{business_id}:store:{platform.lower()}:{store_order_number}")
