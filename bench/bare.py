"""The baseline: a bare FastAPI endpoint that takes the same body and answers 202, nothing else."""

from typing import Any

from fastapi import FastAPI, Request, Response

from sauda_contracts.api import IngestRequest

app = FastAPI()


@app.post("/api/v1/events/ingest", status_code=202)
async def ingest(request: Request) -> Response:
    body: Any = await request.body()
    return Response(
        b'{"status":"accepted"}',
        status_code=202,
        media_type="application/json",
        headers={"X-Size": str(len(body))},
    )


# The baseline of bench/pipeline.py: the same seed body, validated by the same contract model.
validating = FastAPI()


@validating.post("/api/v1/events/ingest", status_code=202)
async def ingest_validated(request: Request) -> Response:
    order = IngestRequest.model_validate_json(await request.body())
    return Response(
        b'{"status":"accepted","idempotency_key":"%s"}' % order.idempotency_key.encode(),
        status_code=202,
        media_type="application/json",
    )
