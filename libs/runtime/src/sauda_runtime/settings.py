"""Settings every service shares; each service extends these with its own."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    database_url: str = Field(
        default="postgresql://sauda@127.0.0.1:55432/sauda",
        description="PostgreSQL DSN (DATABASE_URL).",
    )
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092", description="Kafka bootstrap servers (KAFKA_BOOTSTRAP_SERVERS)."
    )
    log_level: str = Field(default="INFO", description="LOG_LEVEL: DEBUG, INFO, WARNING, ERROR.")
    health_host: str = Field(
        default="127.0.0.1",
        description="HEALTH_HOST: the address a consumer service's /healthz, /readyz and "
        "/metrics listen on (0.0.0.0 in Kubernetes, for the kubelet's probes).",
    )
    db_pool_size: int = Field(
        default=10, ge=1, description="DB_POOL_SIZE: connections per process."
    )
    sauda_secret_key: str = Field(
        default="",
        description="SAUDA_SECRET_KEY: Fernet key(s) that encrypt WhatsApp access tokens at rest "
        "(comma-separated, newest first). `make run` and `make test` create one.",
    )
