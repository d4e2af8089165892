"""Conversation settings (environment variables, documented in the README)."""

from pydantic import Field

from sauda_runtime.settings import CommonSettings


class ConversationSettings(CommonSettings):
    conversation_db_schema: str = Field(
        default="conversation", description="CONVERSATION_DB_SCHEMA: Postgres schema."
    )
    conversation_group_id: str = Field(
        default="conversation", description="CONVERSATION_GROUP_ID: consumer group."
    )
    conversation_health_port: int = Field(
        default=8102, description="CONVERSATION_HEALTH_PORT: /healthz, /readyz, /metrics."
    )
    conversation_gateway_schema: str = Field(
        default="gateway",
        description="CONVERSATION_GATEWAY_SCHEMA: schema of the merchant catalog and FAQs "
        "(read-only).",
    )
    conversation_catalog_cache_seconds: float = Field(
        default=2.0,
        ge=0,
        description="CONVERSATION_CATALOG_CACHE_SECONDS: how long a business's products and "
        "FAQs are reused before they are read again.",
    )
    conversation_cart_ttl_hours: float = Field(
        default=72.0,
        ge=24,
        description="CONVERSATION_CART_TTL_HOURS: a silent shopper's cart is kept this long "
        "(at least 24 hours).",
    )
