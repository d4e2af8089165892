"""Sandbox settings (environment variables, documented in the README)."""

from pathlib import Path

from pydantic import Field

from sauda_runtime.settings import CommonSettings


class SandboxSettings(CommonSettings):
    sandbox_host: str = Field(default="127.0.0.1", description="SANDBOX_HOST: address to bind.")
    sandbox_port: int = Field(default=8090, description="SANDBOX_PORT: HTTP port.")
    sandbox_app_secret: str = Field(
        default="sandbox-app-secret",
        description="SANDBOX_APP_SECRET: key of the X-Hub-Signature-256 HMAC on every webhook.",
    )
    sandbox_webhook_url: str = Field(
        default="http://127.0.0.1:8000/webhooks/whatsapp",
        description="SANDBOX_WEBHOOK_URL: where webhooks are POSTed (a number may override it).",
    )
    sandbox_state_file: Path | None = Field(
        default=None,
        description="SANDBOX_STATE_FILE: JSON file keeping numbers and templates across restarts.",
    )
    sandbox_mps: float = Field(
        default=80, gt=0, description="SANDBOX_MPS: sends per second per number (130429 beyond)."
    )
    sandbox_pair_burst: int = Field(
        default=20, ge=1, description="SANDBOX_PAIR_BURST: sends to one shopper in a burst."
    )
    sandbox_pair_per_minute: float = Field(
        default=10,
        gt=0,
        description="SANDBOX_PAIR_PER_MINUTE: refill of the number→shopper bucket (131056 beyond).",
    )
    sandbox_template_missing_status: int = Field(
        default=400, description="SANDBOX_TEMPLATE_MISSING_STATUS: HTTP status sent with 132001."
    )
    sandbox_status_delay_ms: int = Field(
        default=100, ge=0, description="SANDBOX_STATUS_DELAY_MS: pause between sent and delivered."
    )
    sandbox_webhook_batch: int = Field(
        default=1,
        ge=1,
        description="SANDBOX_WEBHOOK_BATCH: up to this many waiting webhooks of one number go in "
        "one POST's `changes` (default 1: one change per POST, as Meta sends them; clients such "
        "as pywa read only the first change).",
    )
    sandbox_webhook_attempts: int = Field(
        default=10, ge=1, description="SANDBOX_WEBHOOK_ATTEMPTS: tries per webhook before dropping."
    )
    sandbox_webhook_backoff_s: float = Field(
        default=0.5, gt=0, description="SANDBOX_WEBHOOK_BACKOFF_S: first retry pause (doubles)."
    )
