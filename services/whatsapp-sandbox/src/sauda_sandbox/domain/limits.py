"""Limits in time: token buckets for throughput, the 24-hour window, conversations' lifetimes."""

from dataclasses import dataclass

WINDOW_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Bucket:
    """A token bucket: `tokens` available at `updated` (seconds)."""

    tokens: float
    updated: float


def take(bucket: Bucket | None, *, now: float, rate: float, burst: float) -> tuple[bool, Bucket]:
    """Take one token from a bucket refilling at `rate`/s up to `burst`; (allowed, new bucket)."""
    if bucket is None:
        tokens = burst
    else:
        tokens = min(burst, bucket.tokens + max(0.0, now - bucket.updated) * rate)
    if tokens >= 1.0:
        return True, Bucket(tokens - 1.0, now)
    return False, Bucket(tokens, now)


def window_open(last_inbound: float | None, now: float) -> bool:
    """Is the 24-hour customer service window open (the shopper wrote within 24 hours)?"""
    return last_inbound is not None and 0 <= now - last_inbound < WINDOW_SECONDS


def conversation_opened(opened: int | None, now: int) -> int:
    """When the conversation a message at `now` belongs to opened: a new one after 24 hours."""
    if opened is None or now >= opened + WINDOW_SECONDS:
        return now
    return opened
