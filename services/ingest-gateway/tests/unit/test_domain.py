"""Gateway decisions: deterministic order ids, request fingerprints, order numbers, key hashing."""

from uuid import UUID

from sauda_contracts.api import IngestRequest
from sauda_gateway.domain import (
    format_order_number,
    hash_api_key,
    order_id_for,
    request_fingerprint,
)

B1 = UUID("11111111-1111-4111-8111-111111111111")
B2 = UUID("33333333-3333-4333-8333-333333333333")


def seed_request(**changes: object) -> IngestRequest:
    body = {
        "event_type": "order_created",
        "idempotency_key": "order-abc-123",
        "customer": {"phone": "923001234567", "name": "Ali Khan", "consent": True},
        "order": {
            "items": [{"name": "Widget Pro", "qty": 2, "price": 1500}],
            "total": 3000,
            "external_order_id": "WC-456",
        },
    }
    body.update(changes)
    return IngestRequest.model_validate(body)


def test_a_key_always_names_the_same_order_and_only_within_its_business() -> None:
    assert order_id_for(B1, "k") == order_id_for(B1, "k")
    assert order_id_for(B1, "k") != order_id_for(B1, "k2")
    assert order_id_for(B1, "k") != order_id_for(B2, "k")


def test_fingerprint_ignores_formatting_but_not_content() -> None:
    same = IngestRequest.model_validate_json(seed_request().model_dump_json(indent=4))
    assert request_fingerprint(seed_request()) == request_fingerprint(same)
    changed = seed_request(customer={"phone": "923001234568", "name": "Ali Khan", "consent": True})
    assert request_fingerprint(seed_request()) != request_fingerprint(changed)


def test_order_numbers_are_zero_padded_and_keep_growing() -> None:
    assert format_order_number(42) == "ORD-000042"
    assert format_order_number(1_234_567) == "ORD-1234567"


def test_keys_are_stored_as_sha256_hex() -> None:
    assert hash_api_key("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
