"""Liveness and readiness: is the process up, can it reach Postgres and Kafka."""

from fastapi import APIRouter
from fastapi.responses import Response

from sauda_contracts.api import Readiness
from sauda_gateway.api.deps import PoolDep, ProducerDep
from sauda_gateway.api.responses import json_response

health = APIRouter()


@health.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok", "service": "ingest-gateway"}


@health.get("/readyz", responses={200: {"model": Readiness}, 503: {"model": Readiness}})
async def readyz(pool: PoolDep, producer: ProducerDep) -> Response:
    failures: dict[str, str] = {}
    try:
        await pool.fetchval("SELECT 1")
    except Exception as exc:
        failures["postgres"] = repr(exc)
    try:
        await producer.client.fetch_all_metadata()
    except Exception as exc:
        failures["kafka"] = repr(exc)
    return json_response(
        {"ready": not failures, "failures": failures}, status_code=503 if failures else 200
    )
