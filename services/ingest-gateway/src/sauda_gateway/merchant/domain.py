"""Pure merchant decisions: key hashing and last use, plans, the hourly request allowance and
its use, and the refusals."""

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sauda_gateway.domain import Conflict, DomainError, Forbidden, NotFound, Unauthenticated

STORE_API = "store_api"
WINDOW_SECONDS = 3600


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


# What a key's list shows of it: "sk_sauda_" and 7 of its random characters, enough to tell a
# business's keys apart while the 36 left keep it secret.
KEY_PREFIX_LENGTH = 16


def key_prefix(raw_key: str) -> str:
    return raw_key[:KEY_PREFIX_LENGTH]


# A key's last use is written down at most once per this long: a busy store does not write a
# row per request, and "last used" to the minute is what an owner needs to spot an idle key.
LAST_USED_EVERY = timedelta(minutes=1)


def last_use_due(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether this use of a key is worth writing down as its last."""
    return last_used_at is None or now - last_used_at >= LAST_USED_EVERY


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


@dataclass(frozen=True)
class HourUsage:
    plan: str
    apis: list[str]
    per_hour: int
    used: int  # requests admitted this hour
    resets_epoch: int  # when the hour's window ends


def hour_usage(*, plan: str, apis: list[str], limit: int, counted: int, window: int) -> HourUsage:
    """This hour's use of the allowance. The counter goes up before the allowance is checked,
    so it holds the refused requests too: those within `limit` are the ones admitted."""
    return HourUsage(plan, list(apis), limit, min(counted, limit), window + WINDOW_SECONDS)


def plan_allowing(api: str, plans: list[tuple[str, list[str], int]]) -> str | None:
    """The lowest-ranked plan whose APIs include `api` (plans as (name, apis, rank))."""
    eligible = sorted((rank, name) for name, apis, rank in plans if api in apis)
    return eligible[0][1] if eligible else None


# --- refusals ---


class MissingApiKey(Unauthenticated, code="missing_api_key"): ...


class InvalidApiKey(Unauthenticated, code="invalid_api_key"): ...


class PlanRequired(Forbidden, code="plan_required"): ...


class RateLimited(DomainError, code="rate_limited"):
    """The business's hour is used up; the decision says when it may try again."""

    def __init__(self, decision: RateDecision) -> None:
        super().__init__(
            f"this business may make {decision.limit} requests per hour; "
            f"try again in {decision.retry_after} s",
            details={"limit": decision.limit, "reset": decision.reset_epoch},
        )
        self.decision = decision


class WebhookNotFound(
    NotFound, code="webhook_not_found", message="no such webhook endpoint", field="id"
): ...


class DeliveryNotFound(
    NotFound, code="delivery_not_found", message="no such delivery", field="delivery_id"
): ...


class WebhookLimitReached(Conflict, code="webhook_limit_reached"): ...


class StoreCallbacksNotSet(
    NotFound, code="store_callbacks_not_set", message="no store callbacks are configured"
): ...


class WhatsAppNotConnected(
    NotFound, code="whatsapp_not_connected", message="no WhatsApp number is connected"
): ...
