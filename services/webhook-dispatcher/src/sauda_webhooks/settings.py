"""Webhook dispatcher settings (environment variables, documented in the README)."""

from pydantic import Field

from sauda_runtime.settings import CommonSettings


class WebhooksSettings(CommonSettings):
    webhooks_db_schema: str = Field(
        default="webhooks", description="WEBHOOKS_DB_SCHEMA: the dispatcher's Postgres schema."
    )
    webhooks_gateway_schema: str = Field(
        default="gateway",
        description="WEBHOOKS_GATEWAY_SCHEMA: schema of the merchant configuration (read-only).",
    )
    webhooks_group_id: str = Field(
        default="webhooks", description="WEBHOOKS_GROUP_ID: prefix of the consumer groups."
    )
    webhooks_health_port: int = Field(
        default=8104, description="WEBHOOKS_HEALTH_PORT: /healthz, /readyz, /metrics."
    )
    webhooks_batch_size: int = Field(
        default=100, ge=1, description="WEBHOOKS_BATCH_SIZE: records per consumer batch."
    )
    webhooks_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="WEBHOOKS_TIMEOUT_SECONDS: one attempt's whole budget (connect to last byte).",
    )
    webhooks_retry_scale: float = Field(
        default=1.0,
        gt=0,
        description="WEBHOOKS_RETRY_SCALE: multiplies the 1 s / 4 s / 16 s retry delays.",
    )
    webhooks_endpoint_concurrency: int = Field(
        default=4,
        ge=1,
        description="WEBHOOKS_ENDPOINT_CONCURRENCY: requests in flight per endpoint.",
    )
    webhooks_allow_private_urls: bool = Field(
        default=False,
        description="WEBHOOKS_ALLOW_PRIVATE_URLS: allow http and loopback/private receivers "
        "(development and tests only).",
    )
    webhooks_stale_seconds: float = Field(
        default=60.0,
        gt=0,
        description="WEBHOOKS_STALE_SECONDS: a delivery claimed this long ago without a result "
        "(a crashed sender) is sent again.",
    )
    webhooks_sweep_seconds: float = Field(
        default=5.0,
        gt=0,
        description="WEBHOOKS_SWEEP_SECONDS: how often stale deliveries are swept.",
    )
    webhooks_max_event_age_seconds: float = Field(
        default=86400.0,
        gt=0,
        description="WEBHOOKS_MAX_EVENT_AGE_SECONDS: an order event older than this when first "
        "seen (a replay, a backlog) is folded but sends nothing.",
    )
