"""`python -m sauda_gateway`: serve the public API."""

import uvicorn

from sauda_gateway.settings import GatewaySettings
from sauda_runtime.gc_tuning import tune_gc

if __name__ == "__main__":
    tune_gc()
    settings = GatewaySettings()
    uvicorn.run(
        "sauda_gateway.bootstrap:create_app",
        factory=True,
        host=settings.gateway_host,
        port=settings.gateway_port,
        workers=settings.gateway_workers,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        # Open live streams (GET /api/v1/stream) never finish on their own: a stopping gateway
        # gives requests in flight this long, then ends what is left.
        timeout_graceful_shutdown=settings.gateway_shutdown_seconds,
    )
