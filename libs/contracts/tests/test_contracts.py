"""Contracts: the seed body parses, bad input names its field, messages round-trip, schemas export."""

import json
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from pydantic import ValidationError

from sauda_contracts import (
    TOPICS,
    Customer,
    OrderStatus,
    Topic,
    parse_order_command,
    parse_order_event,
)
from sauda_contracts.api import IngestRequest
from sauda_contracts.message_templates import (
    TemplateRecorded,
    TemplateRecordedBody,
    TemplateStatus,
    template_key,
)
from sauda_contracts.order_stream import ChangeOrderStatus, OrderConfirmed
from sauda_contracts.registry import TOPIC_RECORDS
from sauda_contracts.schemas import MODELS, write_schemas
from sauda_contracts.testing import seed_ingest_body
from sauda_contracts.whatsapp import parse_notifier_event

SEED = seed_ingest_body()


def test_the_seed_body_is_accepted() -> None:
    request = IngestRequest.model_validate(SEED)
    assert request.customer.phone == "923001234567"
    assert request.order.items[0].qty == 2


def test_phone_on_the_wire_is_international_digits() -> None:
    assert Customer(phone="+92 300-1234567").phone == "923001234567"
    for bad in ("12ab", "0300", "+0 300 1234567"):
        with pytest.raises(ValidationError):
            Customer(phone=bad)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"order": {"items": []}}, ("order", "items")),
        ({"order": {"items": [{"name": "x", "qty": 0, "price": 1}]}}, ("order", "items", 0, "qty")),
        (
            {"order": {"items": [{"name": "x", "qty": 1, "price": -5}]}},
            ("order", "items", 0, "price"),
        ),
        ({"customer": {"name": "no phone"}}, ("customer", "phone")),
        ({"customer": {"phone": ""}}, ("customer", "phone")),
        ({"event_type": "order_deleted"}, ("event_type",)),
        ({"surprise": 1}, ("surprise",)),
    ],
)
def test_bad_input_names_the_offending_field(
    change: dict[str, object], field: tuple[object, ...]
) -> None:
    with pytest.raises(ValidationError) as bad:
        IngestRequest.model_validate({**SEED, **change})
    assert bad.value.errors()[0]["loc"] == field


def test_messages_round_trip_through_their_wire_form() -> None:
    common = {
        "event_id": uuid4(),
        "occurred_at": datetime.now(UTC),
        "business_id": uuid4(),
        "correlation_id": "req-1",
    }
    command = ChangeOrderStatus.model_validate(
        {**common, "body": {"order_id": uuid4(), "status": "shipped", "actor": "merchant"}}
    )
    assert parse_order_command(command.to_bytes()) == command
    event = OrderConfirmed.model_validate(
        {
            **common,
            "body": {
                "order_id": uuid4(),
                "version": 2,
                "status": "confirmed",
                "previous_status": "pending",
                "actor": "customer",
            },
        }
    )
    assert parse_order_event(event.to_bytes()) == event
    wire = json.loads(event.to_bytes())
    assert set(wire) == {
        "event_id",
        "type",
        "schema_version",
        "occurred_at",
        "business_id",
        "correlation_id",
        "causation_id",
        "body",
    }


def test_unknown_message_types_are_refused() -> None:
    with pytest.raises(ValidationError):
        parse_order_event(b'{"type": "OrderTeleported"}')


def test_every_topic_is_versioned_and_order_topics_have_twelve_partitions() -> None:
    specs = {s.name: s for s in TOPICS}
    assert set(specs) == {t.value for t in Topic}
    for name in (Topic.ORDERS_COMMANDS, Topic.ORDERS_EVENTS, Topic.ORDERS_REJECTIONS):
        assert specs[name].partitions == 12
    assert specs[Topic.ORDERS_EVENTS].config["retention.ms"] == "-1"


def test_every_status_has_an_event_type() -> None:
    from sauda_contracts import STATUS_EVENT_TYPES

    assert set(STATUS_EVENT_TYPES) == set(OrderStatus) - {OrderStatus.PENDING}


def test_schemas_are_written_for_every_model(tmp_path: Path) -> None:
    paths = write_schemas(tmp_path)
    assert len(paths) == len(MODELS)
    schema = json.loads((tmp_path / "IngestRequest.schema.json").read_text())
    assert "idempotency_key" in schema["properties"]
    assert schema["properties"]["idempotency_key"]["description"]


def test_a_template_snapshot_travels_on_the_notifier_topic_and_round_trips() -> None:
    business_id = uuid4()
    recorded = TemplateRecorded(
        event_id=uuid4(), occurred_at=datetime.now(UTC), business_id=business_id,
        correlation_id="template-sync",
        body=TemplateRecordedBody(
            waba_id="1029384756", name="sauda_order_shipped", language="ur",
            status=TemplateStatus.REJECTED, category="UTILITY", template_id="77",
            rejected_reason="INVALID_FORMAT", revision=3, recorded_at=datetime.now(UTC),
        ),
    )  # fmt: skip
    assert TemplateRecorded in TOPIC_RECORDS[Topic.NOTIFIER_EVENTS]
    assert parse_notifier_event(recorded.to_bytes()) == recorded
    assert template_key(business_id) == str(business_id).encode()
    with pytest.raises(ValidationError):  # a status Meta does not have is no status
        TemplateRecordedBody.model_validate({**recorded.body.model_dump(), "status": "MAYBE"})
