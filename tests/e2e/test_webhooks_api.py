"""Merchant webhook endpoints over the real gateway: create (secret once), the limit of 5,
change, reactivate, delete, rotate, test and redeliver requests, store callbacks, SSRF rules."""

import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from sauda_runtime.testing import free_ports


def auth(business: dict[str, str]) -> dict[str, str]:
    return {"X-API-Key": business["api_key"]}


async def test_endpoint_lifecycle(client: httpx.AsyncClient, business: dict[str, str]) -> None:
    created = await client.post("/api/v1/webhooks", headers=auth(business),
                                json={"url": "http://127.0.0.1:9/hooks/sauda"})  # fmt: skip
    assert created.status_code == 201, created.text
    endpoint = created.json()
    assert endpoint["secret"].startswith("whsec_")
    assert endpoint["events"] == ["order_created", "order_status_changed"]  # the seed's two
    assert endpoint["active"] is True and endpoint["consecutive_failures"] == 0

    listed = (await client.get("/api/v1/webhooks", headers=auth(business))).json()["webhooks"]
    assert [w["id"] for w in listed] == [endpoint["id"]]
    assert "secret" not in listed[0]  # shown once, at creation

    changed = await client.patch(f"/api/v1/webhooks/{endpoint['id']}", headers=auth(business),
                                 json={"events": ["order_created", "order_payment_changed"],
                                       "active": False})  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert changed.json()["events"] == ["order_created", "order_payment_changed"]
    assert changed.json()["active"] is False

    rotated = await client.post(
        f"/api/v1/webhooks/{endpoint['id']}/rotate-secret", headers=auth(business)
    )
    assert rotated.status_code == 200
    assert (
        rotated.json()["secret"].startswith("whsec_")
        and rotated.json()["secret"] != endpoint["secret"]
    )

    test = await client.post(f"/api/v1/webhooks/{endpoint['id']}/test", headers=auth(business))
    assert test.status_code == 202 and test.json()["code"] == "test_queued"
    log = await client.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=auth(business))
    assert log.status_code == 200 and log.json()["limit"] == 20
    unknown = await client.post(
        f"/api/v1/webhooks/{endpoint['id']}/deliveries/{endpoint['id']}/redeliver",
        headers=auth(business),
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "delivery_not_found"

    assert (
        await client.delete(f"/api/v1/webhooks/{endpoint['id']}", headers=auth(business))
    ).status_code == 204
    gone = await client.patch(
        f"/api/v1/webhooks/{endpoint['id']}", headers=auth(business), json={"active": True}
    )
    assert gone.status_code == 404 and gone.json()["code"] == "webhook_not_found"


async def test_at_most_five_endpoints(client: httpx.AsyncClient, business: dict[str, str]) -> None:
    for n in range(5):
        made = await client.post("/api/v1/webhooks", headers=auth(business),
                                 json={"url": f"http://127.0.0.1:9/hook/{n}"})  # fmt: skip
        assert made.status_code == 201, made.text
    sixth = await client.post("/api/v1/webhooks", headers=auth(business),
                              json={"url": "http://127.0.0.1:9/hook/6"})  # fmt: skip
    assert sixth.status_code == 409
    assert sixth.json()["code"] == "webhook_limit_reached"


async def test_tenants_never_see_each_others_endpoints(
    client: httpx.AsyncClient, business: dict[str, str], make_business: Any
) -> None:
    other = await make_business()
    made = (await client.post("/api/v1/webhooks", headers=auth(other),
                              json={"url": "http://127.0.0.1:9/other"})).json()  # fmt: skip
    assert (await client.get("/api/v1/webhooks", headers=auth(business))).json()["webhooks"] == []
    for call in (
        client.patch(
            f"/api/v1/webhooks/{made['id']}", headers=auth(business), json={"active": False}
        ),
        client.delete(f"/api/v1/webhooks/{made['id']}", headers=auth(business)),
        client.get(f"/api/v1/webhooks/{made['id']}/deliveries", headers=auth(business)),
        client.post(f"/api/v1/webhooks/{made['id']}/rotate-secret", headers=auth(business)),
    ):
        assert (await call).status_code == 404


async def test_bad_endpoints_are_refused_with_the_field(
    client: httpx.AsyncClient, business: dict[str, str]
) -> None:
    for body, code, field in (
        ({"url": "ftp://shop.example/hook"}, "unsafe_url", "url"),
        (
            {"url": "http://127.0.0.1:9/x", "events": ["order_teleported"]},
            "invalid_field",
            "events.0",
        ),
        ({"url": "http://127.0.0.1:9/x", "events": []}, "invalid_field", "events"),
        ({"events": ["order_created"]}, "missing_field", "url"),
    ):
        refused = await client.post("/api/v1/webhooks", headers=auth(business), json=body)
        assert refused.status_code == 400, refused.text
        assert (refused.json()["code"], refused.json()["field"]) == (code, field)


async def test_store_cancel_callback_is_set_once_with_a_secret(
    client: httpx.AsyncClient, business: dict[str, str]
) -> None:
    assert (await client.get("/api/v1/store-callbacks", headers=auth(business))).status_code == 404
    first = await client.put("/api/v1/store-callbacks", headers=auth(business),
                             json={"cancel_url": "http://127.0.0.1:9/orders/cancel"})  # fmt: skip
    assert first.status_code == 200 and first.json()["secret"].startswith("whsec_")
    again = await client.put("/api/v1/store-callbacks", headers=auth(business),
                             json={"cancel_url": "http://127.0.0.1:9/v2/cancel"})  # fmt: skip
    assert again.json()["secret"] is None and again.json()["cancel_url"].endswith("/v2/cancel")
    assert again.json()["id"] == first.json()["id"]
    # Not one of the merchant's 5 endpoints.
    assert (await client.get("/api/v1/webhooks", headers=auth(business))).json()["webhooks"] == []
    assert (
        await client.delete("/api/v1/store-callbacks", headers=auth(business))
    ).status_code == 204


@pytest.fixture
async def strict_gateway(stack: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway as in production: https only, no private addresses."""
    [port] = free_ports(1)
    strict = stack.service("ingest-gateway-strict", "sauda_gateway", port,
                           GATEWAY_PORT=str(port), WEBHOOKS_ALLOW_PRIVATE_URLS="false")  # fmt: skip
    strict.start()
    try:
        await strict.ready()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            yield http
    finally:
        strict.kill()


async def test_private_addresses_are_refused_when_the_development_setting_is_off(
    strict_gateway: httpx.AsyncClient, business: dict[str, str]
) -> None:
    assert os.environ["WEBHOOKS_ALLOW_PRIVATE_URLS"] == "true"  # the main stack's, for receivers
    for url, why in (
        ("http://shop.example/hook", "must use https"),
        ("https://127.0.0.1/hook", "loopback"),
        ("https://localhost/hook", "loopback"),
        ("https://10.0.0.5/hook", "private"),
        ("https://169.254.169.254/latest/meta-data", "cloud metadata"),
        ("https://metadata.google.internal/", "cloud metadata"),
    ):
        refused = await strict_gateway.post(
            "/api/v1/webhooks", headers=auth(business), json={"url": url}
        )
        assert refused.status_code == 400, (url, refused.text)
        assert refused.json()["code"] == "unsafe_url" and why in refused.json()["message"], url
