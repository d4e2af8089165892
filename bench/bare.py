"""The baseline: a bare FastAPI endpoint that takes the same body and answers 202, nothing else."""

from typing import Any

from fastapi import FastAPI, Request, Response

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
