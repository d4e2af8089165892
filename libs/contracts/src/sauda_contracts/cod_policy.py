"""A business's COD policy: when the COD confirmation goes out, its reminders, what happens
when the shopper never answers, the minimum order total that asks at all, and the quiet hours.

Topics:
- `whatsapp.outbound.v1` (key: the business id): `CodPolicyChanged`, the gateway's snapshot of
  the whole policy after each `PUT /api/v1/whatsapp/cod-policy`; a higher `revision` replaces
  a lower one, so a redelivered or reordered snapshot changes nothing.

The notifier captures the policy in force when an order is placed: a change applies to orders
placed after it. Durations are in seconds (the API's too).
"""

import re
from datetime import time
from decimal import Decimal
from enum import StrEnum
from typing import Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, StrictInt, field_validator, model_validator

from sauda_contracts.envelope import Contract, Envelope

MAX_FIRST_DELAY = 48 * 3600
MAX_REMINDERS = 3
MAX_REMINDER_DELAY = 7 * 24 * 3600
MAX_EXPIRY = 14 * 24 * 3600
DEFAULT_TIME_ZONE = "Asia/Karachi"
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class ExpiryAction(StrEnum):
    CANCEL = "cancel"  # the order is cancelled ("not confirmed on WhatsApp")
    HOLD = "hold"  # a `cod_expired` notice; the order is marked for review
    NONE = "none"  # nothing: the order waits


EXPIRY_CANCEL_REASON = "not confirmed on WhatsApp"
BELOW_MINIMUM_REASON = "COD confirmation skipped: order total below the shop's minimum"


def clock_time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


class CodPolicy(Contract):
    """The whole policy. Its defaults are the seed's behaviour: the COD message at once, one
    reminder after 6 hours, no expiry, no minimum, no quiet hours."""

    first_message_delay_seconds: int = Field(
        default=0, strict=True, ge=0, le=MAX_FIRST_DELAY,
        description="Delay between the order and the first COD message (0 … 48 h).",
    )  # fmt: skip
    reminder_delays_seconds: tuple[StrictInt, ...] = Field(
        default=(21600,), max_length=MAX_REMINDERS,
        description="0 to 3 reminders, each this long after the first COD message (ascending).",
    )  # fmt: skip
    expire_after_seconds: StrictInt | None = Field(
        default=None, ge=1, le=MAX_EXPIRY,
        description="With no answer this long after the first COD message, `expiry_action`.",
    )  # fmt: skip
    expiry_action: ExpiryAction = Field(default=ExpiryAction.NONE)
    min_order_total: Decimal | None = Field(
        default=None, ge=0, max_digits=16, decimal_places=2,
        description="Orders below this total are confirmed by the system without a COD message.",
    )  # fmt: skip
    quiet_hours_start: str | None = Field(
        default=None, description="Start of the quiet hours, HH:MM in `time_zone`."
    )
    quiet_hours_end: str | None = Field(
        default=None, description="End of the quiet hours, HH:MM (may be past midnight)."
    )
    time_zone: str = Field(default=DEFAULT_TIME_ZONE, max_length=64,
                           description="The business's IANA time zone.")  # fmt: skip

    @field_validator("reminder_delays_seconds")
    @classmethod
    def _ascending(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 1 <= d <= MAX_REMINDER_DELAY for d in v):
            raise ValueError(f"each reminder delay is 1 to {MAX_REMINDER_DELAY} seconds")
        if list(v) != sorted(set(v)):
            raise ValueError("reminder delays must be strictly ascending")
        return v

    @field_validator("quiet_hours_start", "quiet_hours_end")
    @classmethod
    def _clock(cls, v: str | None) -> str | None:
        if v is not None and not _CLOCK.match(v):
            raise ValueError("a time of day is HH:MM (00:00 to 23:59)")
        return v

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError("not an IANA time zone (e.g. Asia/Karachi)") from e
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.quiet_hours_start is None) != (self.quiet_hours_end is None):
            raise ValueError("quiet hours need both a start and an end")
        if self.quiet_hours_start is not None and self.quiet_hours_start == self.quiet_hours_end:
            raise ValueError("quiet hours must not start and end at the same time")
        if self.expiry_action is not ExpiryAction.NONE and self.expire_after_seconds is None:
            raise ValueError("an expiry action needs expire_after_seconds")
        last = max(self.reminder_delays_seconds, default=0)
        if self.expire_after_seconds is not None and self.expire_after_seconds <= last:
            raise ValueError("the expiry must come after the last reminder")
        return self


class CodPolicyOut(CodPolicy):
    """GET/PUT /api/v1/whatsapp/cod-policy: the policy in force (`revision` 0: the defaults)."""

    revision: int = Field(ge=0)


class CodPolicyChangedBody(Contract):
    revision: int = Field(ge=1, description="Higher replaces lower.")
    policy: CodPolicy


class CodPolicyChanged(Envelope):
    type: Literal["CodPolicyChanged"] = "CodPolicyChanged"
    body: CodPolicyChangedBody
