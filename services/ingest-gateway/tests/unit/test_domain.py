"""Gateway decisions: deterministic order ids, request fingerprints, order numbers, key hashing."""

from uuid import UUID

from sauda_contracts.api import IngestRequest
from sauda_contracts.testing import seed_ingest_body
from sauda_gateway.merchant.domain import hash_api_key, plan_allowing, rate_decision, window_start
from sauda_gateway.orders.domain import format_order_number, order_id_for, request_fingerprint

B1 = UUID("11111111-1111-4111-8111-111111111111")
B2 = UUID("33333333-3333-4333-8333-333333333333")


def seed_request(**changes: object) -> IngestRequest:
    body = seed_ingest_body() | changes
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


def test_the_window_is_the_clock_hour() -> None:
    assert window_start(7200) == window_start(10_799.9) == 7200
    assert window_start(10_800) == 10_800


def test_requests_within_the_allowance_pass_and_count_down() -> None:
    first = rate_decision(used=1, limit=60, window=7200, now_epoch=7210)
    last = rate_decision(used=60, limit=60, window=7200, now_epoch=7210)
    assert (first.allowed, first.remaining) == (True, 59)
    assert (last.allowed, last.remaining) == (True, 0)
    assert last.headers() == {
        "X-RateLimit-Limit": "60",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "10800",
    }


def test_the_request_past_the_allowance_waits_for_the_next_hour() -> None:
    refused = rate_decision(used=61, limit=60, window=7200, now_epoch=10_000.2)
    assert not refused.allowed
    assert refused.retry_after == 800
    assert refused.headers()["Retry-After"] == "800"


def test_a_zero_allowance_refuses_everything() -> None:
    assert not rate_decision(used=1, limit=0, window=0, now_epoch=1).allowed


def test_the_cheapest_plan_with_the_api_is_named() -> None:
    plans = [("free", [], 0), ("gold", ["store_api"], 5), ("business", ["store_api"], 2)]
    assert plan_allowing("store_api", plans) == "business"
    assert plan_allowing("reports", plans) is None
