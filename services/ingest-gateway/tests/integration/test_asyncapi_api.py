"""The topics' AsyncAPI document as the gateway serves it: the JSON at /asyncapi.json and a page
at /asyncapi that names every topic and every message type."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx

from sauda_contracts import TOPICS
from sauda_contracts.registry import records_by_type

Api = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


async def test_the_document_and_its_page_name_every_topic_and_record_type(api: Api) -> None:
    async with api(kafka_bootstrap_servers="kafka-1.internal:9092") as http:
        answer = await http.get("/asyncapi.json")
        page = await http.get("/asyncapi")
    assert answer.status_code == 200
    document = answer.json()
    assert document["asyncapi"] == "3.0.0"
    assert document["servers"]["kafka"] == {
        "host": "kafka-1.internal:9092",
        "protocol": "kafka",
        "description": "The broker of this installation (KAFKA_BOOTSTRAP_SERVERS).",
    }
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {spec.name for spec in TOPICS}
    assert set(document["components"]["messages"]) == set(records_by_type())

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for spec in TOPICS:
        assert f"<code>{spec.name}</code>" in page.text
    for name in records_by_type():
        assert f'<h3 id="{name}">{name}</h3>' in page.text
    assert (
        "<td>order-ledger</td><td>ingest-gateway, conversation, notifier, webhook-dispatcher</td>"
        in page.text
    )
    assert "script-src 'self'" in page.headers["content-security-policy"]
