"""`python -m sauda_gateway`: serve the public API."""

import uvicorn

from sauda_gateway.settings import GatewaySettings

if __name__ == "__main__":
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
    )
