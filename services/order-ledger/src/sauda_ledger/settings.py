"""Ledger settings (environment variables, documented in the README)."""

from pydantic import Field

from sauda_runtime.settings import CommonSettings


class LedgerSettings(CommonSettings):
    ledger_db_schema: str = Field(
        default="ledger", description="LEDGER_DB_SCHEMA: Postgres schema."
    )
    ledger_group_id: str = Field(default="ledger", description="LEDGER_GROUP_ID: consumer group.")
    ledger_health_port: int = Field(
        default=8101, description="LEDGER_HEALTH_PORT: /healthz, /readyz, /metrics."
    )
    ledger_batch_size: int = Field(
        default=500, ge=1, description="LEDGER_BATCH_SIZE: commands per transaction."
    )
