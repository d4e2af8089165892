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
