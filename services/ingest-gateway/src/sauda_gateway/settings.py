"""Gateway settings (environment variables, documented in the README)."""

from pydantic import Field

from sauda_runtime.settings import CommonSettings


class GatewaySettings(CommonSettings):
    db_pool_size: int = Field(
        default=20, ge=1, description="DB_POOL_SIZE: connections per process."
    )
    gateway_host: str = Field(
        default="127.0.0.1", description="GATEWAY_HOST: address to listen on."
    )
    gateway_port: int = Field(
        default=8000, description="GATEWAY_PORT: HTTP port of the public API."
    )
    gateway_workers: int = Field(
        default=1, ge=1, description="GATEWAY_WORKERS: uvicorn worker processes."
    )
    gateway_db_schema: str = Field(
        default="gateway", description="GATEWAY_DB_SCHEMA: Postgres schema."
    )
    gateway_view_group_id: str = Field(
        default="gateway-orders-view",
        description="GATEWAY_VIEW_GROUP_ID: consumer group of the query view.",
    )
    ingest_wait_ms: int = Field(
        default=2000,
        ge=0,
        description="INGEST_WAIT_MS: how long an ingest waits for the ledger before a 202.",
    )
    status_wait_ms: int = Field(
        default=5000,
        ge=0,
        description="STATUS_WAIT_MS: how long a status change waits before a 202.",
    )
    whatsapp_send_wait_ms: int = Field(
        default=3000,
        ge=0,
        le=60_000,
        description="WHATSAPP_SEND_WAIT_MS: how long a messaging API send waits for the "
        "notifier's record (Meta's wamid) before answering with the message still queued.",
    )
    whatsapp_graph_url: str = Field(
        default="https://graph.facebook.com",
        description="WHATSAPP_GRAPH_URL: the Graph API a number connected through the API "
        "(PUT /api/v1/whatsapp, /api/v1/whatsapp/account/connect) is called at.",
    )
    rate_limit_enabled: bool = Field(
        default=True,
        description="RATE_LIMIT_ENABLED: count requests against each business's hourly allowance.",
    )
    api_key_cache_seconds: float = Field(
        default=30.0, ge=0, description="API_KEY_CACHE_SECONDS: how long a verified key is cached."
    )
    gateway_messages_group_id: str = Field(
        default="gateway-messages-view",
        description="GATEWAY_MESSAGES_GROUP_ID: consumer group of the message log and notices view.",
    )
    whatsapp_app_secret: str = Field(
        default="",
        description="WHATSAPP_APP_SECRET: your Meta app's secret; it signs Meta's webhooks "
        "(X-Hub-Signature-256). Empty: every webhook is refused.",
    )
    whatsapp_verify_token: str = Field(
        default="",
        description="WHATSAPP_VERIFY_TOKEN: the token you gave Meta for the webhook handshake.",
    )
    sandbox_url: str = Field(
        default="http://127.0.0.1:8090",
        description="SANDBOX_URL: the WhatsApp sandbox `sauda business create --whatsapp sandbox` uses.",
    )
    webhooks_allow_private_urls: bool = Field(
        default=False,
        description="WEBHOOKS_ALLOW_PRIVATE_URLS: development only: accept http:// and loopback or "
        "private webhook URLs and store import addresses (make run and the tests set it).",
    )
    catalog_import_max_pages: int = Field(
        default=500,
        ge=1,
        description="CATALOG_IMPORT_MAX_PAGES: HTTP requests one store import may make (probes, "
        "sitemaps and pages together).",
    )
    catalog_import_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="CATALOG_IMPORT_TIMEOUT_SECONDS: time for one request of an import, body "
        "included.",
    )
    catalog_import_max_bytes: int = Field(
        default=5_000_000,
        ge=1024,
        description="CATALOG_IMPORT_MAX_BYTES: the largest response an import reads (a larger "
        "page is skipped).",
    )
    catalog_import_concurrency: int = Field(
        default=8, ge=1, le=64, description="CATALOG_IMPORT_CONCURRENCY: requests in parallel."
    )
    catalog_import_budget_seconds: float = Field(
        default=120.0,
        gt=0,
        description="CATALOG_IMPORT_BUDGET_SECONDS: time for a whole import; pages not fetched "
        "by then are reported as skipped.",
    )
    catalog_import_stale_seconds: float = Field(
        default=60.0,
        ge=1,
        description="CATALOG_IMPORT_STALE_SECONDS: a running import job whose heartbeat is older "
        "than this (its gateway died) is shown as interrupted, and a new one may start.",
    )
    gateway_cookie_secure: bool = Field(
        default=True,
        description="GATEWAY_COOKIE_SECURE: mark the dashboard's session cookie Secure (sent over "
        "https only); development over plain http sets it false (make run does).",
    )
    gateway_session_hours: float = Field(
        default=12.0,
        gt=0,
        le=24 * 90,
        description="GATEWAY_SESSION_HOURS: how long a dashboard session lasts after its login.",
    )
    widget_allow_http_origins: bool = Field(
        default=False,
        description="WIDGET_ALLOW_HTTP_ORIGINS: let widget keys and sessions name http:// pages "
        "beyond localhost (development only; https is required otherwise).",
    )
    gateway_web_dir: str = Field(
        default="",
        description="GATEWAY_WEB_DIR: the dashboard's built files (index.html, assets/); empty: "
        "services/ingest-gateway/web/dist, which `make web` builds.",
    )
    gateway_public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="GATEWAY_PUBLIC_URL: the address people reach the gateway (and its dashboard) "
        "at, without a trailing slash; invite links are built on it.",
    )
    gateway_stream_ping_seconds: float = Field(
        default=15.0,
        gt=0,
        description="GATEWAY_STREAM_PING_SECONDS: how often GET /api/v1/stream sends a `: ping` "
        "comment while nothing happens (keeps proxies from closing it).",
    )
    gateway_stream_queue: int = Field(
        default=100,
        ge=1,
        description="GATEWAY_STREAM_QUEUE: events one live stream may fall behind by before it "
        "is dropped (its browser reconnects and reloads).",
    )
    gateway_shutdown_seconds: int = Field(
        default=8,
        ge=1,
        description="GATEWAY_SHUTDOWN_SECONDS: how long a stopping gateway lets requests in "
        "flight finish (longer than STATUS_WAIT_MS); open live streams are ended after it.",
    )
