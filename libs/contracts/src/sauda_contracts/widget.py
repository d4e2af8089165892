"""Bodies of the orders widget's API: publishable keys and widget sessions."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field, StringConstraints

from sauda_contracts.envelope import Contract

Origin = Annotated[str, StringConstraints(max_length=300)]


class WidgetKeyCreate(Contract):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    origins: list[Origin] = Field(
        max_length=20,
        description="The pages' origins the widget is embedded on, e.g. https://admin.shop.pk "
        "(https; http only on localhost).",
    )


class WidgetKeyOut(Contract):
    key_id: UUID
    name: str
    publishable_key: str = Field(
        description="Safe in a page: it opens only the orders panel, and only from `origins`."
    )
    origins: list[str]
    created_at: datetime
    revoked_at: datetime | None = None


class WidgetKeyList(Contract):
    widget_keys: list[WidgetKeyOut]


class WidgetSessionCreate(Contract):
    """The store's server asks for a session for the page it is about to serve."""

    origin: Origin = Field(description="The origin of the page that embeds the widget.")
    ttl_seconds: int | None = Field(default=None, description="60 to 43200; an hour when left out.")


class WidgetExchange(Contract):
    """A page with a publishable key asks for a session (its Origin header must be listed)."""

    publishable_key: Annotated[str, StringConstraints(max_length=200)]


class WidgetSessionOut(Contract):
    token: str = Field(description="The widget sends it as `Authorization: Bearer <token>`.")
    origin: str
    expires_at: datetime
