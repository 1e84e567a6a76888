"""The gateway's settings, read from the environment; anything missing or unsafe stops start-up."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlparse

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from servicekit.clock import MOVABLE_ENVIRONMENTS
from servicekit.service_identity import parse_public_keys
from servicekit.settings import MissingMasterKey, MissingRaterIndexKeyError, MissingServiceIdentity
from servicekit.shredding import parse_master_key

from .domain.accounts import MIN_PASSWORD_LENGTH
from .domain.client_addresses import Network, parse_networks
from .domain.subjects import development_rater_index_key

UPSTREAM_NAMES = ("applications", "reviews", "credentials", "notifications")
SERVICE_NAME = "gateway"
"""The gateway as a producer of sealed fields: the audience of the service tokens its `/internal/unseal` takes."""


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", hide_input_in_errors=True)

    database_url: str = Field(description="PostgreSQL URL; the gateway keeps its tables in schema `gateway`.")
    gateway_signing_key: SecretStr = Field(description="Ed25519 private key (PEM) that signs identity tokens.")
    gateway_seed_password: SecretStr | None = Field(
        default=None, description="Initial password of the staff accounts listed in the tenant files."
    )
    kafka_bootstrap_servers: str = Field(description="Kafka brokers (host:port, comma-separated) for the outbox.")
    kafka_enable_idempotence: bool = Field(default=True, description="Idempotent producer; false on tansu.")
    kafka_session_timeout_ms: int = Field(
        default=10_000, ge=1_000, le=300_000,
        description="The erasures consumer's group session timeout (as the services'); on tansu a group join takes "
                    "about half of it, and a consumer stopped while joining waits for the join to end.")
    kafka_heartbeat_interval_ms: int = Field(default=3_000, ge=100, le=100_000,
                                             description="The erasures consumer's heartbeat interval.")
    outbox_poll_seconds: float = Field(default=0.5, gt=0, le=60,
                                       description="How often the outbox relay looks for unpublished events.")
    public_base_url: str = Field(default="http://127.0.0.1:8000",
                                 description="Where people reach the gateway; emailed links start with it.")
    portal_url: str = Field(default="http://127.0.0.1:8005",
                            description="The portal: every path no gateway or service route takes goes there.")
    require_verified_email: bool = Field(default=True, description=(
        "Applicants must confirm their email before any change (POST/PUT/PATCH/DELETE) through the services."))
    tenants_dir: Path = Path("config/tenants")
    applications_url: str = Field(default="http://127.0.0.1:8001", description=(
        "The applications service; several replicas as a comma-separated list (taken in turn, with fail-over)."))
    reviews_url: str = Field(default="http://127.0.0.1:8002", description="The reviews service (list: replicas).")
    credentials_url: str = Field(default="http://127.0.0.1:8003",
                                 description="The credentials service (list: replicas).")
    notifications_url: str = Field(default="http://127.0.0.1:8004",
                                   description="The notifications service (list: replicas).")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    session_ttl_hours: int = Field(default=12, ge=1, le=24 * 30)
    upstream_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    health_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    readiness_max_outbox_backlog: int = Field(default=10_000, ge=1, description=(
        "Account events waiting for the broker beyond which /readyz (and /healthz) report the gateway not ready."))
    database_timeout_seconds: float = Field(default=2.0, gt=0, le=60, description=(
        "Longest a request waits to connect to the database before answering 503 with Retry-After."))
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
    signup_max_per_address: int = Field(default=20, ge=1, description=(
        "Sign-ups (POST /auth/signup, whatever their outcome) one client address may send per window."))
    password_reset_requests_max_per_address: int = Field(default=20, ge=1, description=(
        "Password reset requests (POST /auth/password-reset/request) one client address may send per window."))
    address_limit_window_minutes: int = Field(default=60, ge=1, le=24 * 60, description=(
        "The fixed window of the sign-up and password reset request limits per address."))
    idempotency_key_ttl_hours: int = Field(default=24, ge=1, le=24 * 7, description=(
        "How long the answer to a POST with an Idempotency-Key is kept for repeats of that request."))
    trusted_proxies: str = Field(default="", description=(
        "Addresses/CIDRs (comma-separated) whose X-Forwarded-For and X-Forwarded-Proto are believed; none by "
        "default. The client is the right-most X-Forwarded-For address that no trusted proxy owns."))
    rater_index_key: SecretStr | None = Field(default=None, description=(
        "32 bytes in base64: the HMAC key of raters' subject ids (`rater:<tenant>:<hex HMAC>`), the SAME value as "
        "the applications service's. Required outside ENVIRONMENT development/test, which derive a fixed one."))
    personal_data_master_key: SecretStr | None = Field(default=None, description=(
        "The gateway's crypto-shredding master key, 32 bytes in base64 (docs/erasure.md): it wraps the per-account "
        "keys that seal `endorsement.accounts.v2`; never shared with a service. Required outside ENVIRONMENT "
        "development/test, which derive one from DATABASE_URL when it is unset."))
    publish_v1_events: bool = Field(default=False, description=(
        "Migration only (docs/erasure.md, slice 7b): true publishes each account event on the plaintext "
        "`endorsement.accounts.v1` as well as its sealed `accounts.v2` twin; every consumer reads v2."))
    personal_data_previous_master_keys: list[SecretStr] = Field(default_factory=list, description=(
        "Master key rotation (docs/erasure.md): the gateway's retiring master keys, a JSON list of base64 values; "
        "account keys wrapped under them still open until `SubjectKeys.rewrap` moves them."))
    service_public_keys: str = Field(default="", description=(
        "The services allowed to call the gateway's `/internal/unseal`: `<service>=<base64 of the raw 32-byte "
        "Ed25519 key>`, comma separated. Required outside ENVIRONMENT development/test."))
    environment: str = Field(default="production", description=(
        "production (the default), development or test; only the last two may leave RATER_INDEX_KEY, "
        "PERSONAL_DATA_MASTER_KEY and SERVICE_PUBLIC_KEYS unset."))
    erasures_consumer_group: str = Field(default="gateway-erasures", min_length=1, max_length=200, description=(
        "Kafka consumer group reading the services' ErasureCompleted answers (every replica in the same group)."))
    retention_sweep_seconds: float = Field(default=24 * 60 * 60, gt=0, le=7 * 24 * 60 * 60, description=(
        "How often the retention job files the erasures of inactive applicant accounts (tenant files, "
        "`erasure.inactive_account_years`); one gateway at a time runs it."))

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

    @field_validator("rater_index_key")
    @classmethod
    def _32_bytes_of_base64(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                parse_master_key(value.get_secret_value())
            except ValueError as exc:
                raise ValueError(f"RATER_INDEX_KEY: {str(exc).replace('the master key', 'it')}") from None
        return value

    @field_validator("personal_data_master_key")
    @classmethod
    def _master_key_is_32_bytes_of_base64(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                parse_master_key(value.get_secret_value())
            except ValueError as exc:
                raise ValueError(f"PERSONAL_DATA_MASTER_KEY: {str(exc).replace('the master key', 'it')}") from None
        return value

    @field_validator("service_public_keys")
    @classmethod
    def _public_keys(cls, value: str) -> str:
        parse_public_keys(value)  # ValueError names the entry at fault
        return value

    @field_validator("kafka_bootstrap_servers")
    @classmethod
    def _some_broker(cls, value: str) -> str:
        if not [server for server in value.split(",") if server.strip()]:
            raise ValueError("KAFKA_BOOTSTRAP_SERVERS must name at least one host:port")
        return value

    @field_validator("portal_url", "public_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return _checked_url(value)

    @field_validator("applications_url", "reviews_url", "credentials_url", "notifications_url")
    @classmethod
    def _replica_urls(cls, value: str) -> str:
        urls = [_checked_url(part.strip()) for part in value.split(",")]
        if len(set(urls)) != len(urls):
            raise ValueError("a service URL is listed twice")
        return ",".join(urls)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        parse_networks(value)
        return value

    def rater_index_key_bytes(self) -> bytes:
        """The raters' HMAC key; call it at start-up, where a missing key outside development/test must fail."""
        if self.rater_index_key is not None:
            return parse_master_key(self.rater_index_key.get_secret_value())
        if self.environment.strip().lower() not in MOVABLE_ENVIRONMENTS:
            raise MissingRaterIndexKeyError(
                f"RATER_INDEX_KEY is required with ENVIRONMENT {self.environment!r}: set it to 32 random bytes in "
                "base64 (e.g. `openssl rand -base64 32`), the same value as the applications service's")
        return development_rater_index_key()

    def previous_master_keys(self) -> list[bytes]:
        return [parse_master_key(key.get_secret_value()) for key in self.personal_data_previous_master_keys]

    def master_key(self) -> bytes:
        """The crypto-shredding master key (as `ServiceSettings.master_key`); call it at start-up, where a missing key
        outside development/test must fail. Development and tests derive a stable key per database."""
        if self.personal_data_master_key is not None:
            return parse_master_key(self.personal_data_master_key.get_secret_value())
        if not self._development():
            raise MissingMasterKey(
                f"PERSONAL_DATA_MASTER_KEY is required with ENVIRONMENT {self.environment!r}: set it to 32 random "
                "bytes in base64 (e.g. `openssl rand -base64 32`), the gateway's own, kept in the secret store")
        return hashlib.sha256(b"servicekit development master key\x00" + self.database_url.encode()).digest()

    def peer_public_keys(self) -> dict[str, Ed25519PublicKey]:
        """The services allowed to call `/internal/unseal`; none outside development/test raises
        MissingServiceIdentity (nobody could read the gateway's sealed account events)."""
        peers = parse_public_keys(self.service_public_keys)
        if not peers and not self._development():
            raise MissingServiceIdentity(
                f"SERVICE_PUBLIC_KEYS is required with ENVIRONMENT {self.environment!r}: the public keys of the "
                "services that unseal the gateway's account events")
        return peers

    def _development(self) -> bool:
        return self.environment.strip().lower() in MOVABLE_ENVIRONMENTS

    def trusted_proxy_networks(self) -> tuple[Network, ...]:
        return parse_networks(self.trusted_proxies)

    def upstream_urls(self) -> dict[str, str]:
        """Each service's first replica."""
        return {name: urls[0] for name, urls in self.upstream_replicas().items()}

    def upstream_replicas(self) -> dict[str, tuple[str, ...]]:
        """Each service's replicas, as listed."""
        return {name: tuple(str(getattr(self, f"{name}_url")).split(",")) for name in UPSTREAM_NAMES}


def _checked_url(value: str) -> str:
    url = urlparse(value)
    _ = url.port  # a port that is no number raises ValueError here
    if url.scheme not in ("http", "https") or not url.hostname or url.query or url.fragment:
        raise ValueError("service URLs must be http(s)://host[:port][/path]")
    return value.rstrip("/")
