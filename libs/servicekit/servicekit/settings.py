"""Settings every service reads from its environment; missing required values fail at start-up."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    database_url: str = Field(description="PostgreSQL URL; the service keeps its data in its own schema.")
    kafka_bootstrap_servers: str
    kafka_enable_idempotence: bool = Field(
        default=True, description="Idempotent producer; off on tansu, whose aiokafka support lacks it."
    )
    kafka_session_timeout_ms: int = 10_000
    kafka_heartbeat_interval_ms: int = 3_000
    kafka_fetch_max_wait_ms: int = 50
    gateway_public_key: str = Field(description="PEM Ed25519 public key that signs internal identity tokens.")
    host: str = "127.0.0.1"
    port: int
    tenants_dir: str = Field(default="config/tenants", description="Directory of tenant data files.")
    relay_poll_seconds: float = 0.1
