"""Bodies of the merchant's analytics: orders per day by source and the range's rates."""

import datetime as dt

from pydantic import Field

from sauda_contracts.envelope import Contract
from sauda_contracts.orders import OrderSource

Rate = float | None


class AnalyticsDay(Contract):
    """One day (in the business's time zone) of the orders placed on it."""

    date: dt.date = Field(description="The day, in the business's time zone.")
    orders: dict[OrderSource, int] = Field(
        description="Orders placed that day, by source (every source, 0 when none)."
    )
    total: int = Field(ge=0, description="Orders placed that day, all sources.")
    confirmed: int = Field(ge=0, description="Of them, how many were confirmed (by anyone).")
    cancelled: int = Field(ge=0, description="Of them, how many were cancelled (by anyone).")
    delivered: int = Field(ge=0, description="Of them, how many were delivered.")
    returned: int = Field(ge=0, description="Of them, how many came back undelivered (RTO).")


class AnalyticsSummary(Contract):
    """The range's figures over the orders placed in it; a rate with nothing to divide by is null."""

    orders: int = Field(ge=0, description="Orders placed in the range.")
    cod_orders: int = Field(ge=0, description="Of them, cash-on-delivery orders.")
    cod_confirmed: int = Field(ge=0, description="COD orders the shopper confirmed.")
    cod_confirmation_rate: Rate = Field(description="cod_confirmed / cod_orders (0 to 1).")
    cancelled: int = Field(ge=0, description="Orders cancelled, by anyone.")
    cancel_rate: Rate = Field(description="cancelled / orders (0 to 1).")
    answered: int = Field(ge=0, description="Orders the shopper confirmed or cancelled.")
    median_minutes_to_answer: float | None = Field(
        description="Median minutes from placing to the shopper's answer."
    )
    answered_after_reminder: int = Field(
        ge=0, description="Answers that came after a COD reminder went out."
    )
    answered_after_reminder_share: Rate = Field(
        description="answered_after_reminder / answered (0 to 1)."
    )
    shipped: int = Field(ge=0, description="Orders that shipped.")
    delivered: int = Field(ge=0, description="Shipped orders delivered.")
    delivered_rate: Rate = Field(description="delivered / shipped (0 to 1).")
    returned: int = Field(ge=0, description="Shipped orders returned undelivered (RTO).")
    returned_rate: Rate = Field(description="returned / shipped (0 to 1).")
    carts_abandoned: int = Field(default=0, ge=0, description="Carts the store reported abandoned.")
    cart_recovery_messages: int = Field(
        default=0, ge=0, description="Cart recovery messages that went out for them."
    )
    carts_recovered: int = Field(
        default=0, ge=0, description="Of those carts, how many became an order."
    )


class AnalyticsOut(Contract):
    """GET /api/v1/analytics: the range asked for, its days and its summary."""

    from_date: dt.date = Field(description="First day of the range (inclusive).")
    to_date: dt.date = Field(description="Last day of the range (inclusive).")
    time_zone: str = Field(description="The business's time zone the days are counted in.")
    days: tuple[AnalyticsDay, ...] = Field(description="Every day of the range, oldest first.")
    summary: AnalyticsSummary
