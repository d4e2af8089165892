"""Calls to the (fake) Graph API are counted by HTTP status and Meta error code, as the
notifier's `/metrics` shows them."""

from uuid import uuid4

import httpx
from prometheus_client.parser import text_string_to_metric_families

from sauda_contracts.language import Language
from sauda_notifier.adapters.graph import GraphClient
from sauda_notifier.domain.facts import Account
from sauda_runtime.service import health_app

from .conftest import FakeGraph


async def graph_calls() -> dict[tuple[str, str, str], float]:
    transport = httpx.ASGITransport(app=health_app("notifier", {}))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        text = (await client.get("/metrics")).text
    return {
        (s.labels["method"], s.labels["status"], s.labels["code"]): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "sauda_graph_api_requests_total"
    }


async def test_graph_calls_are_counted_by_status_and_meta_error_code(graph: FakeGraph) -> None:
    account = Account(
        business_id=uuid4(), business_name="Chai Wala", phone_number_id="1555", waba_id="9",
        graph_url=graph.url, api_version="v21.0", access_token="token", admin_phone=None,
        language=Language("en"),
    )  # fmt: skip
    before = await graph_calls()
    client = GraphClient(timeout=5.0)
    graph.fail_next(2, status=400, code=131026)
    graph.fail_next(1, status=502)
    try:
        outcomes = [await client.send(account, {"to": "923001234567"}) for _ in range(4)]
    finally:
        await client.aclose()
    after = await graph_calls()

    def added(key: tuple[str, str, str]) -> float:
        return after.get(key, 0) - before.get(key, 0)

    assert [type(o).__name__ for o in outcomes] == ["SendFailure"] * 3 + ["Sent"]
    assert added(("POST", "400", "131026")) == 2
    assert added(("POST", "502", "502")) == 1
    assert added(("POST", "200", "")) == 1


async def test_a_token_no_header_can_carry_fails_that_call_as_an_invalid_token(
    graph: FakeGraph,
) -> None:
    """Not an exception that would fail the whole batch (and every batch after it, forever)."""
    account = Account(
        business_id=uuid4(), business_name="Chai Wala", phone_number_id="1555", waba_id="9",
        graph_url=graph.url, api_version="v21.0", access_token="tök\x19en", admin_phone=None,
        language=Language("en"),
    )  # fmt: skip
    client = GraphClient(timeout=5.0)
    try:
        outcome = await client.send(account, {"to": "923001234567"})
    finally:
        await client.aclose()
    assert type(outcome).__name__ == "SendFailure"
    assert (outcome.error.code, outcome.http_status) == (190, 401)  # type: ignore[union-attr]
