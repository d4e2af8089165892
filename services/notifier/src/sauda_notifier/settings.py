"""Notifier settings (environment variables, documented in the README)."""

from pydantic import Field

from sauda_runtime.settings import CommonSettings


class NotifierSettings(CommonSettings):
    notifier_db_schema: str = Field(
        default="notifier", description="NOTIFIER_DB_SCHEMA: the notifier's Postgres schema."
    )
    notifier_gateway_schema: str = Field(
        default="gateway",
        description="NOTIFIER_GATEWAY_SCHEMA: schema of the merchant configuration (read-only).",
    )
    notifier_group_id: str = Field(
        default="notifier", description="NOTIFIER_GROUP_ID: prefix of the consumer groups."
    )
    notifier_health_port: int = Field(
        default=8103, description="NOTIFIER_HEALTH_PORT: /healthz, /readyz, /metrics."
    )
    notifier_batch_size: int = Field(
        default=100, ge=1, description="NOTIFIER_BATCH_SIZE: records per consumer batch."
    )
    notifier_reminder_after_seconds: float = Field(
        default=21600.0,
        ge=0,
        description="NOTIFIER_REMINDER_AFTER_SECONDS: COD reminder after this long without a reply.",
    )
    notifier_reminder_poll_seconds: float = Field(
        default=1.0,
        gt=0,
        description="NOTIFIER_REMINDER_POLL_SECONDS: how often due reminders and stalled "
        "sends are looked for.",
    )
    notifier_max_event_age_seconds: float = Field(
        default=86400.0,
        gt=0,
        description="NOTIFIER_MAX_EVENT_AGE_SECONDS: an order event older than this when the "
        "notifier first sees it (a backlog, a replay) is recorded but sends nothing.",
    )
    notifier_stale_sending_seconds: float = Field(
        default=60.0,
        gt=0,
        description="NOTIFIER_STALE_SENDING_SECONDS: a message claimed for sending this long "
        "ago without a result is sent again.",
    )
    notifier_template_sync_seconds: float = Field(
        default=300.0, gt=0, description="NOTIFIER_TEMPLATE_SYNC_SECONDS: template sync period."
    )
    notifier_cart_minute_seconds: float = Field(
        default=60.0, gt=0, le=60.0,
        description="NOTIFIER_CART_MINUTE_SECONDS: how long one minute of a business's "
        "cart_recovery_delay_minutes lasts (60; tests and demos shorten it).",
    )  # fmt: skip
    notifier_mps: float = Field(
        default=80.0, gt=0, description="NOTIFIER_MPS: sends per second per business number."
    )
    notifier_broadcast_rate: float = Field(
        default=80.0,
        gt=0,
        description="NOTIFIER_BROADCAST_RATE: a broadcast's messages per second per business "
        "number (never above NOTIFIER_MPS, which every send obeys).",
    )
    notifier_broadcast_round_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="NOTIFIER_BROADCAST_ROUND_SECONDS: one broadcaster round's worth of "
        "recipients (rate × this) is recorded per transaction; also how often it looks for work.",
    )
    notifier_pair_per_minute: float = Field(
        default=10.0,
        gt=0,
        description="NOTIFIER_PAIR_PER_MINUTE: sends per minute to one shopper from one number.",
    )
    notifier_pair_burst: int = Field(
        default=20, ge=1, description="NOTIFIER_PAIR_BURST: burst allowed above that rate."
    )
    notifier_retry_scale: float = Field(
        default=1.0,
        gt=0,
        description="NOTIFIER_RETRY_SCALE: multiplies the 5 s / 30 s / 120 s retry delays.",
    )
    notifier_send_timeout: float = Field(
        default=10.0, gt=0, description="NOTIFIER_SEND_TIMEOUT: Graph API call timeout (s)."
    )
    notifier_account_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="NOTIFIER_ACCOUNT_CACHE_SECONDS: how long a WhatsApp account lookup is reused.",
    )
