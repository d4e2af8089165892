"""The envelope every topic message wears: ids, type, version, time, tenant and tracing."""

from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer


class Contract(BaseModel):
    """Base of every wire model: immutable, and unknown fields are an error, not a surprise."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Additive(Contract):
    """A v1 contract that gained optional fields (`ADDED`) after it was on the wire: they are
    left out of its JSON while unset, so a record that does not use them is written exactly as
    before, and a consumer built before them (which forbids unknown fields) still reads it."""

    ADDED: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _leave_out_unset_additions(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name in self.ADDED:
                if data.get(name) is None:
                    data.pop(name, None)
        return data


class Envelope(Contract):
    """Fields shared by every command, event and rejection; subclasses add `type` and `body`."""

    event_id: UUID = Field(description="Unique id of this message; consumers drop repeats by it.")
    type: str = Field(description="Message type name, e.g. `OrderPlaced`.")
    schema_version: int = Field(default=1, ge=1, description="Version of this type's body schema.")
    occurred_at: datetime = Field(description="When the fact happened (UTC, ISO 8601).")
    business_id: UUID = Field(description="The tenant (merchant business) this message belongs to.")
    correlation_id: str = Field(
        max_length=200,
        description="Id of the request that started this chain (taken from `X-Request-ID`).",
    )
    causation_id: str | None = Field(
        default=None,
        max_length=200,
        description="`event_id` of the message that directly caused this one, if any.",
    )

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()


def type_name(record: type[Envelope]) -> str:
    """The wire `type` of a record class (the default of its `type` literal): the one spelling
    of an event's name, so no consumer writes "OrderPlaced" by hand."""
    name = record.model_fields["type"].default
    if not isinstance(name, str):
        raise TypeError(f"{record.__name__} has no fixed type name")
    return name
