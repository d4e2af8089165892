"""The registry: every topic's record types, every record's schema, one spelling of each name."""

import inspect
import json
from pathlib import Path
from uuid import uuid4

from sauda_contracts import (
    TOPICS,
    OrderCancelled,
    OrderPlaced,
    Topic,
    api,
    bob,
    carts,
    catalog,
    dead_letters,
    message_templates,
    order_review,
    order_stream,
    orders,
    type_name,
    webhooks,
    whatsapp,
)
from sauda_contracts.envelope import Envelope
from sauda_contracts.registry import TOPIC_RECORDS, body_types, record_types, records_by_type
from sauda_contracts.schemas import MODELS, write_schemas
from sauda_contracts.testing import order_placed


def test_a_type_name_is_the_wire_type_of_its_class() -> None:
    assert type_name(OrderPlaced) == "OrderPlaced" == order_placed(uuid4()).type
    assert type_name(OrderCancelled) == "OrderCancelled"


def test_every_topic_has_its_record_types_and_every_record_type_has_a_topic() -> None:
    assert set(TOPIC_RECORDS) == set(Topic) == {spec.name for spec in TOPICS}
    envelopes = {
        cls
        for module in (
            api,
            bob,
            carts,
            catalog,
            dead_letters,
            message_templates,
            order_review,
            order_stream,
            orders,
            webhooks,
            whatsapp,
        )
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Envelope) and cls is not Envelope
    }
    assert envelopes == set(record_types())


def test_records_are_found_by_their_wire_type() -> None:
    by_type = records_by_type()
    assert by_type["OrderPlaced"] is OrderPlaced
    assert by_type["DeadLetter"] is dead_letters.DeadLetter
    assert len(by_type) == len(record_types())


def test_a_schema_is_written_for_every_record_type_and_every_body(tmp_path: Path) -> None:
    written = {p.name for p in write_schemas(tmp_path)}

    assert written == {f"{m.__name__}.schema.json" for m in MODELS}
    assert {f"{r.__name__}.schema.json" for r in record_types()} <= written
    assert {"IngestRequest.schema.json", "WebhookEndpointIn.schema.json"} <= written
    assert "ShopifyOrder.schema.json" in written  # BusinessOnBot's shape
    for record in record_types():
        schema = json.loads((tmp_path / f"{record.__name__}.schema.json").read_text())
        assert schema["properties"]["type"]["const"] == type_name(record)
        assert {"event_id", "business_id", "body"} <= set(schema["required"])


def test_body_names_are_unique() -> None:
    names = [m.__name__ for m in body_types()]
    assert len(names) == len(set(names))
