"""The gateway serves `/metrics` without a key, like `/healthz`, and counts its requests by route
template (a path no route knows as `unmatched`); the route is not part of the public OpenAPI document."""

from uuid import uuid4

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from sauda_gateway.app import build_app


def test_metrics_are_served_unauthenticated_and_count_requests_by_route() -> None:
    client = TestClient(build_app())
    assert client.get("/healthz").status_code == 200
    probe = f"/no-such-page-{uuid4().hex}"
    missing = client.get(probe)

    response = client.get("/metrics")

    assert missing.status_code == 404
    assert response.status_code == 200
    samples = [
        s.labels
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
        if s.name == "sauda_http_requests_total" and s.labels["service"] == "ingest-gateway"
    ]
    assert {
        "service": "ingest-gateway",
        "method": "GET",
        "route": "/healthz",
        "status": "200",
    } in samples
    assert {
        "service": "ingest-gateway",
        "method": "GET",
        "route": "unmatched",
        "status": "404",
    } in samples
    assert probe not in response.text  # a raw path never becomes a label
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]
