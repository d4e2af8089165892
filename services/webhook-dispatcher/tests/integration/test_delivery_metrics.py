"""Webhook POSTs to a real local endpoint are counted by outcome and status class, as the
dispatcher's `/metrics` shows them."""

import httpx
from prometheus_client.parser import text_string_to_metric_families

from sauda_runtime.endpoints import receivers
from sauda_runtime.service import health_app
from sauda_webhooks.adapters.http import HttpSender


async def deliveries() -> dict[tuple[str, str], float]:
    transport = httpx.ASGITransport(app=health_app("webhooks", {}))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        text = (await client.get("/metrics")).text
    return {
        (s.labels["outcome"], s.labels["status_class"]): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "sauda_webhook_deliveries_total"
    }


async def test_deliveries_are_counted_by_outcome_and_status_class() -> None:
    before = await deliveries()
    sender = HttpSender(timeout=5.0, allow_private=True)
    strict = HttpSender(timeout=5.0, allow_private=False)  # http to loopback: refused, not sent
    try:
        async with receivers() as make:
            endpoint = await make(script=[503, 410, 204])
            results = [await sender.post(endpoint.url, b"{}", {}) for _ in range(3)]
        refused = await strict.post("http://127.0.0.1:1/hook", b"{}", {})
    finally:
        await sender.aclose()
        await strict.aclose()
    after = await deliveries()

    def added(key: tuple[str, str]) -> float:
        return after.get(key, 0) - before.get(key, 0)

    assert [r.status_code for r in results] == [503, 410, 204]
    assert refused.permanent
    assert added(("rejected", "5xx")) == 1
    assert added(("rejected", "4xx")) == 1
    assert added(("delivered", "2xx")) == 1
    assert added(("refused", "none")) == 1
