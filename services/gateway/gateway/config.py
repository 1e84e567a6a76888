"""The gateway's settings, read from the environment; anything missing or unsafe stops start-up."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .domain.accounts import MIN_PASSWORD_LENGTH
from .domain.client_addresses import Network, parse_networks

UPSTREAM_NAMES = ("applications", "reviews", "credentials", "notifications")


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", hide_input_in_errors=True)

    database_url: str = Field(description="PostgreSQL URL; the gateway keeps its tables in schema `gateway`.")
    gateway_signing_key: SecretStr = Field(description="Ed25519 private key (PEM) that signs identity tokens.")
    gateway_seed_password: SecretStr | None = Field(
        default=None, description="Initial password of the staff accounts listed in the tenant files."
    )
    kafka_bootstrap_servers: str = Field(description="Kafka brokers (host:port, comma-separated) for the outbox.")
    kafka_enable_idempotence: bool = Field(default=True, description="Idempotent producer; false on tansu.")
    outbox_poll_seconds: float = Field(default=0.5, gt=0, le=60,
                                       description="How often the outbox relay looks for unpublished events.")
    public_base_url: str = Field(default="http://127.0.0.1:8000",
                                 description="Where people reach the gateway; emailed links start with it.")
    portal_url: str = Field(default="http://127.0.0.1:8005",
                            description="The portal: every path no gateway or service route takes goes there.")
    require_verified_email: bool = Field(default=True, description=(
        "Applicants must confirm their email before any change (POST/PUT/PATCH/DELETE) through the services."))
    tenants_dir: Path = Path("config/tenants")
    applications_url: str = "http://127.0.0.1:8001"
    reviews_url: str = "http://127.0.0.1:8002"
    credentials_url: str = "http://127.0.0.1:8003"
    notifications_url: str = "http://127.0.0.1:8004"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    session_ttl_hours: int = Field(default=12, ge=1, le=24 * 30)
    upstream_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    health_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=11 * 1024 * 1024, ge=1024, description=(
        "Body limit of document uploads (UPLOAD_PATHS); at least the applications service's DOCUMENTS_MAX_BYTES "
        "plus room for the multipart form around the file."))
    login_max_failures_per_account: int = Field(default=10, ge=1, description=(
        "Failed log-ins (and wrong current passwords) for one account, from any address, that lock the account."))
    login_max_failures_per_address: int = Field(default=30, ge=1, description=(
        "Failed log-ins from one client address, for any account, that lock the address."))
    login_failure_window_minutes: int = Field(default=5, ge=1, le=24 * 60, description=(
        "Failures count in fixed windows this long; a lock ends with its window (short: see the README on "
        "locking someone out on purpose)."))
    trusted_proxies: str = Field(default="", description=(
        "Addresses/CIDRs (comma-separated) whose X-Forwarded-For and X-Forwarded-Proto are believed; none by "
        "default. The client is the right-most X-Forwarded-For address that no trusted proxy owns."))

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str) -> str:
        if urlparse(value).scheme not in ("postgres", "postgresql"):
            raise ValueError("DATABASE_URL must be a postgresql:// URL")
        return value

    @field_validator("gateway_signing_key")
    @classmethod
    def _ed25519_private_key(cls, value: SecretStr) -> SecretStr:
        pem = value.get_secret_value().replace("\\n", "\n").strip() + "\n"
        try:
            key = load_pem_private_key(pem.encode(), password=None)
        except (ValueError, TypeError) as exc:
            raise ValueError("GATEWAY_SIGNING_KEY must be an unencrypted PEM private key") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("GATEWAY_SIGNING_KEY must be an Ed25519 key")
        return SecretStr(pem)

    @field_validator("gateway_seed_password")
    @classmethod
    def _strong_seed_password(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"GATEWAY_SEED_PASSWORD must have at least {MIN_PASSWORD_LENGTH} characters")
        return value

    @field_validator("kafka_bootstrap_servers")
    @classmethod
    def _some_broker(cls, value: str) -> str:
        if not [server for server in value.split(",") if server.strip()]:
            raise ValueError("KAFKA_BOOTSTRAP_SERVERS must name at least one host:port")
        return value

    @field_validator("applications_url", "reviews_url", "credentials_url", "notifications_url", "portal_url",
                     "public_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        url = urlparse(value)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("service URLs must be http(s)://host[:port]")
        return value.rstrip("/")

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        parse_networks(value)
        return value

    def trusted_proxy_networks(self) -> tuple[Network, ...]:
        return parse_networks(self.trusted_proxies)

    def upstream_urls(self) -> dict[str, str]:
        return {name: str(getattr(self, f"{name}_url")) for name in UPSTREAM_NAMES}
