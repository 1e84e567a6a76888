"""The portal's settings, read from the environment; anything missing or unsafe stops start-up."""

from __future__ import annotations

from urllib.parse import urlparse

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SESSION_KEY_LENGTH = 32


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", hide_input_in_errors=True)

    gateway_url: str = Field(default="http://127.0.0.1:8000", description="The gateway's public API.")
    database_url: str = Field(description="PostgreSQL URL; the portal keeps its sessions in schema `portal`.")
    portal_session_key: SecretStr = Field(
        description="Secret (at least 32 characters) that encrypts the bearer tokens kept in the sessions table.")
    portal_tenant: str | None = Field(
        default=None, description="The association this portal serves; default: the first one GET /tenants lists.")
    host: str = "127.0.0.1"
    port: int = Field(default=8005, ge=1, le=65535)
    session_ttl_hours: int = Field(default=12, ge=1, le=24 * 30)
    environment: str = Field(
        default="production", description="production (the default: the cookie is always Secure) | development | test")
    gateway_timeout_seconds: float = Field(default=15.0, gt=0, le=120)
    verify_max_bytes: int = Field(default=256 * 1024, ge=1024, description="Largest credential file /verify takes.")

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str) -> str:
        if urlparse(value).scheme not in ("postgres", "postgresql"):
            raise ValueError("DATABASE_URL must be a postgresql:// URL")
        return value

    @field_validator("gateway_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        url = urlparse(value)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("GATEWAY_URL must be http(s)://host[:port]")
        return value.rstrip("/")

    @field_validator("portal_session_key")
    @classmethod
    def _long_secret(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if len(secret) < MIN_SESSION_KEY_LENGTH:
            raise ValueError(f"PORTAL_SESSION_KEY must have at least {MIN_SESSION_KEY_LENGTH} characters")
        if len(set(secret)) < 8:
            raise ValueError("PORTAL_SESSION_KEY looks like a placeholder; use a random secret")
        return value
