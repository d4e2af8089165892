"""The metrics' labels: lag from a batch and the watermarks, topic kinds, webhook outcomes, and
HTTP requests counted by route template (never the raw path)."""

from aiokafka import ConsumerRecord
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from sauda_runtime.http_metrics import HttpMetricsMiddleware, metrics_router
from sauda_runtime.metrics import batch_lag, delivery_labels, graph_labels, topic_kind


def rec(topic: str, partition: int, offset: int) -> ConsumerRecord:
    return ConsumerRecord(topic, partition, offset, 0, 0, b"k", b"v", None, 1, 1, ())


def test_lag_is_the_watermark_less_the_next_offset_of_each_partition() -> None:
    records = [rec("t", 0, 4), rec("t", 0, 5), rec("t", 1, 9), rec("u", 0, 0)]
    lag = batch_lag(records, {("t", 0): 10, ("t", 1): 10, ("u", 0): None})
    assert lag == {("t", 0): 4, ("t", 1): 0}


def test_retry_and_dead_letter_topics_are_known_by_their_names() -> None:
    assert topic_kind("notifier.retry.30s") == "retry"
    assert topic_kind("webhooks.dlq.v1") == "dlq"
    assert topic_kind("orders.events.v1") == "other"
    assert topic_kind("retry.orders") == "other"


def test_webhook_attempts_and_graph_calls_get_bounded_labels() -> None:
    assert delivery_labels(204, None, False) == ("delivered", "2xx")
    assert delivery_labels(503, "HTTP 503", False) == ("rejected", "5xx")
    assert delivery_labels(None, "timed out after 10 s", False) == ("timeout", "none")
    assert delivery_labels(None, "refused URL: private", True) == ("refused", "none")
    assert delivery_labels(None, "ConnectError: refused", False) == ("error", "none")
    assert graph_labels(400, 131026) == ("400", "131026")
    assert graph_labels(None, 0) == ("0", "0")


def test_requests_are_counted_by_route_template() -> None:
    app = FastAPI()

    @app.get("/things/{thing_id}")
    async def thing(thing_id: str) -> dict[str, str]:
        return {"id": thing_id}

    app.include_router(metrics_router)
    app.add_middleware(HttpMetricsMiddleware, service="unit-http", routes=app.router.routes)
    client = TestClient(app)
    for thing_id in ("a", "b", "c"):
        assert client.get(f"/things/{thing_id}").status_code == 200
    assert client.post("/things/a").status_code == 405
    assert client.get("/no/such/path/123").status_code == 404
    served = client.get("/metrics").text

    def count(route: str, method: str, status: str) -> float | None:
        labels = {"service": "unit-http", "method": method, "route": route, "status": status}
        return REGISTRY.get_sample_value("sauda_http_requests_total", labels)

    assert count("/things/{thing_id}", "GET", "200") == 3
    assert count("/things/{thing_id}", "POST", "405") == 1
    assert count("unmatched", "GET", "404") == 1
    assert "/things/a" not in served and 'route="/things/{thing_id}"' in served
