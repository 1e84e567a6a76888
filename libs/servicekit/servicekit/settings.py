"""Settings every service reads from its environment; missing required values fail at start-up."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .clock import check_clock_settings


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
    environment: str = Field(
        default="production",
        description="production (the default), development or test; only the last two admit CLOCK_OFFSET_FILE.",
    )
    clock_offset_file: str | None = Field(
        default=None,
        description="Development and tests only: a file holding seconds added to business time "
        "(servicekit.clock); refused with any other ENVIRONMENT.",
    )

    @model_validator(mode="after")
    def _movable_clock_outside_production_only(self) -> Self:
        check_clock_settings(self.environment, self.clock_offset_file)
        return self
