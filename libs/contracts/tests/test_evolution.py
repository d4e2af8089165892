"""The v1 topics are replayed from offset 0: today's contracts must read every record written
under the schemas released for v1 (committed in sauda_contracts/released/v1)."""

from enum import StrEnum
from typing import Literal

import pytest
from pydantic import Field

from sauda_contracts.envelope import Contract
from sauda_contracts.evolution import current_schemas, narrowings, released_schemas


def test_every_released_v1_record_type_is_still_readable_by_todays_contracts() -> None:
    released, current = released_schemas("v1"), current_schemas()
    assert len(released) >= 28  # the v1 release: every record type on every topic
    missing = sorted(set(released) - set(current))
    assert missing == [], f"record types gone from every topic (old records hold them): {missing}"
    broken = {name: narrowings(schema, current[name]) for name, schema in released.items()}
    assert {name: found for name, found in broken.items() if found} == {}, (
        "an incompatible change to a v1 contract: make the change compatible, or publish the "
        "new shape on a .v2 topic"
    )


def test_every_record_type_on_a_topic_has_its_released_schema() -> None:
    """A new record type is released with its first shape (`uv run sauda schemas --release`),
    so from then on it is guarded like the others."""
    unreleased = sorted(set(current_schemas()) - set(released_schemas("v1")))
    assert unreleased == [], "run `uv run sauda schemas --release` and commit the new files"


class Kind(StrEnum):
    A = "a"
    B = "b"


class Item(Contract):
    sku: str = Field(max_length=40)


class Released(Contract):
    phone: str = Field(pattern=r"^\d{8,15}$")
    note: str | None = Field(default=None, max_length=100)
    kind: Kind
    qty: int = Field(ge=1)
    items: tuple[Item, ...] = ()


class Widened(Contract):  # every change here is compatible
    phone: str | None = Field(default=None, pattern=r"^\d{8,15}$")  # may be absent now
    note: str | None = Field(default=None, max_length=500)  # a longer limit
    kind: Literal["a", "b", "c"]  # one value more
    qty: float = Field(ge=0)  # any number, zero too
    items: tuple[Item, ...] = ()
    user_id: str | None = None  # a new optional field


def test_compatible_changes_are_accepted() -> None:
    assert narrowings(Released.model_json_schema(), Widened.model_json_schema()) == []


class FieldRemoved(Contract):
    phone: str = Field(pattern=r"^\d{8,15}$")
    kind: Kind
    qty: int = Field(ge=1)
    items: tuple[Item, ...] = ()


class Narrowed(Contract):
    phone: int  # was a string
    note: str = Field(max_length=50)  # now required, shorter, never null
    kind: Literal["a"]  # lost "b"
    qty: int = Field(ge=2)
    items: tuple[Item, ...] = ()


class NewRequired(Released):
    channel: str


class PatternChanged(Contract):
    phone: str = Field(pattern=r"^\+\d{8,15}$")
    note: str | None = Field(default=None, max_length=100)
    kind: Kind
    qty: int = Field(ge=1)
    items: tuple[Item, ...] = ()


class ItemNarrowed(Contract):
    sku: str = Field(max_length=10)


class NestedNarrowed(Contract):
    phone: str = Field(pattern=r"^\d{8,15}$")
    note: str | None = Field(default=None, max_length=100)
    kind: Kind
    qty: int = Field(ge=1)
    items: tuple[ItemNarrowed, ...] = ()


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (FieldRemoved, ["note: removed"]),
        (
            Narrowed,
            [
                "phone: type ['string'] became ['integer']",
                "note: maxLength 100 became 50",
                "note: type ['null'] became ['string']",
                "kind: ['b'] no longer allowed",
                "qty: minimum 1 became 2",
                "note: now required",
            ],
        ),
        (NewRequired, ["channel: now required"]),
        (PatternChanged, ["phone: pattern '^\\\\d{8,15}$' became '^\\\\+\\\\d{8,15}$'"]),
        (NestedNarrowed, ["items[].sku: maxLength 40 became 10"]),
    ],
)
def test_incompatible_changes_are_named(today: type[Contract], expected: list[str]) -> None:
    assert narrowings(Released.model_json_schema(), today.model_json_schema()) == expected
