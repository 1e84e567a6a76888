"""Settings every service reads from its environment; missing required values fail at start-up."""

from __future__ import annotations

import hashlib
from typing import Self

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .clock import MOVABLE_ENVIRONMENTS, check_clock_settings
from .postgres import DEFAULT_COMMAND_TIMEOUT_SECONDS, DEFAULT_DATABASE_WAIT_SECONDS
from .service_identity import parse_identity_key, parse_public_keys
from .shredding import parse_master_key
from .unseal import parse_unseal_urls


class MissingMasterKey(RuntimeError):
    """PERSONAL_DATA_MASTER_KEY is unset where no development key may stand in for it."""


class MissingRaterIndexKeyError(RuntimeError):
    """RATER_INDEX_KEY is unset where no development key may stand in for it (the services that compute rater
    subject ids, `servicekit.subjects`, raise it at start-up)."""


class MissingServiceIdentity(RuntimeError):
    """SERVICE_IDENTITY_KEY (or SERVICE_PUBLIC_KEYS) is unset where no development stand-in is allowed."""


class ServiceSettings(BaseSettings):
    # hide_input_in_errors: a start-up error must not print the other settings, secrets among them
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", hide_input_in_errors=True)

    database_url: str = Field(description="PostgreSQL URL; the service keeps its data in its own schema.")
    kafka_bootstrap_servers: str
    kafka_enable_idempotence: bool = Field(
        default=True, description="Idempotent producer; off on tansu, whose aiokafka support lacks it."
    )
    kafka_session_timeout_ms: int = 10_000
    kafka_heartbeat_interval_ms: int = 3_000
    kafka_fetch_max_wait_ms: int = Field(
        default=500, ge=1, le=30_000,
        description="How long a fetch waits on the broker for new records. Kafka answers as soon as a record arrives "
                    "(long poll), so 500 ms costs no latency there; tansu (development only) waits it out every "
                    "time, so the devstack sets 50.")
    gateway_public_key: str = Field(description="PEM Ed25519 public key that signs internal identity tokens.")
    host: str = "127.0.0.1"
    port: int
    tenants_dir: str = Field(default="config/tenants", description="Directory of tenant data files.")
    log_poll_seconds: float = Field(
        default=1.0, gt=0, le=60,
        description="Longest the outbox relays and projections wait before reading the service's log again: they "
                    "are woken at once when events are committed (servicekit.wakeups), so this only bounds the delay "
                    "when a wake-up is lost.")
    database_timeout_seconds: float = Field(
        default=DEFAULT_DATABASE_WAIT_SECONDS, gt=0, le=60,
        description="Longest a request waits for a database connection before answering 503 (with Retry-After).",
    )
    database_command_timeout_seconds: float = Field(
        default=DEFAULT_COMMAND_TIMEOUT_SECONDS, gt=0, le=600,
        description="Longest one asyncpg command (projections, read models) may take before it is abandoned.",
    )
    readiness_timeout_seconds: float = Field(
        default=1.0, gt=0, le=30, description="Each /readyz check (database, broker) must answer within this."
    )
    readiness_broker_cache_seconds: float = Field(
        default=5.0, ge=0, le=300, description="How long a broker check's answer is reused by later /readyz calls."
    )
    readiness_max_relay_backlog: int = Field(
        default=10_000, ge=1,
        description="Stored events not yet relayed to Kafka beyond which the service reports itself not ready.",
    )
    environment: str = Field(
        default="production",
        description="production (the default), development or test; only the last two admit CLOCK_OFFSET_FILE.",
    )
    clock_offset_file: str | None = Field(
        default=None,
        description="Development and tests only: a file holding seconds added to business time "
        "(servicekit.clock); refused with any other ENVIRONMENT.",
    )

    fault_crash_after_publish: str | None = Field(
        default=None,
        description="Development and tests only (servicekit.faults): the name of a relay that exits the process "
        "right after its next publication, before recording its position; refused in production.",
    )

    personal_data_master_key: SecretStr | None = Field(
        default=None,
        description="This service's crypto-shredding master key, 32 bytes in base64 (docs/erasure.md); never "
        "shared between services. Required outside development and tests, which derive one when it is unset.",
    )

    personal_data_previous_master_keys: list[SecretStr] = Field(
        default_factory=list,
        description="Master key rotation (docs/erasure.md): the master keys being retired, as a JSON list of base64 "
        "values; subject keys wrapped under them still open until `python -m <service> rewrap-keys` moves them under "
        "PERSONAL_DATA_MASTER_KEY.",
    )

    publish_v1_events: bool = Field(
        default=False,
        description="Migration only (docs/erasure.md, slice 7b): true makes a producer publish each event on its "
        "plaintext v1 topic as well as its sealed v2 twin, for consumers not yet moved to v2. Every consumer of "
        "this platform reads v2, so the default publishes v2 alone.",
    )

    service_identity_key: SecretStr | None = Field(
        default=None,
        description="This service's Ed25519 private key in PEM, which signs its calls to other services' "
        "`/internal/unseal` (servicekit.service_identity). Required outside development and tests where the "
        "service unseals; there a key is derived per service when it is unset.",
    )
    service_public_keys: str = Field(
        default="",
        description="The public keys of the services allowed to call this one's `/internal/unseal`: "
        "`<service>=<base64 of the raw 32-byte Ed25519 key>`, comma separated.",
    )
    unseal_urls: str = Field(
        default="",
        description="Where each producer answers `/internal/unseal`: `<service>=<url>[,<url>...]`, comma separated; "
        "a URL without a name is another replica of the producer named before it.",
    )

    @model_validator(mode="after")
    def _movable_clock_outside_production_only(self) -> Self:
        check_clock_settings(self.environment, self.clock_offset_file)
        return self

    @model_validator(mode="after")
    def _master_key_is_32_bytes_of_base64(self) -> Self:
        if self.personal_data_master_key is not None:
            parse_master_key(self.personal_data_master_key.get_secret_value())  # ValueError names the fault
        self.previous_master_keys()
        return self

    @model_validator(mode="after")
    def _service_identity_settings_parse(self) -> Self:
        if self.service_identity_key is not None:
            parse_identity_key(self.service_identity_key.get_secret_value())  # ValueError names the fault
        parse_public_keys(self.service_public_keys)
        parse_unseal_urls(self.unseal_urls)
        return self

    def previous_master_keys(self) -> list[bytes]:
        """The master keys being retired (rotation); a malformed one fails when the settings are built."""
        return [parse_master_key(key.get_secret_value()) for key in self.personal_data_previous_master_keys]

    def master_key(self) -> bytes:
        """The crypto-shredding master key; call it at start-up, where a missing key outside dev/test must fail."""
        if self.personal_data_master_key is not None:
            return parse_master_key(self.personal_data_master_key.get_secret_value())
        if self.environment.strip().lower() not in MOVABLE_ENVIRONMENTS:
            raise MissingMasterKey(
                f"PERSONAL_DATA_MASTER_KEY is required with ENVIRONMENT {self.environment!r}: set it to 32 random "
                f"bytes in base64 (e.g. `openssl rand -base64 32`), one per service, kept in the secret store")
        # development and tests: a stable key per database, so data sealed before a restart still opens
        return hashlib.sha256(b"servicekit development master key\x00" + self.database_url.encode()).digest()

    def identity_key(self, service: str) -> Ed25519PrivateKey:
        """`service`'s identity key; call it at start-up where the service unseals (a missing key outside dev/test
        raises MissingServiceIdentity). Development and tests derive one from the service name and database."""
        if self.service_identity_key is not None:
            return parse_identity_key(self.service_identity_key.get_secret_value())
        if not self._development():
            raise MissingServiceIdentity(
                f"SERVICE_IDENTITY_KEY is required with ENVIRONMENT {self.environment!r}: an Ed25519 private key in "
                f"PEM (e.g. `openssl genpkey -algorithm ed25519`), one per service, kept in the secret store")
        seed = hashlib.sha256(b"servicekit development identity key\x00" + service.encode() + b"\x00"
                              + self.database_url.encode()).digest()
        return Ed25519PrivateKey.from_private_bytes(seed)

    def peer_public_keys(self) -> dict[str, Ed25519PublicKey]:
        """The services allowed to call this one's `/internal/unseal`; none outside dev/test raises
        MissingServiceIdentity (nobody could read this producer's sealed fields)."""
        peers = parse_public_keys(self.service_public_keys)
        if not peers and not self._development():
            raise MissingServiceIdentity(f"SERVICE_PUBLIC_KEYS is required with ENVIRONMENT {self.environment!r}: "
                                         f"the public keys of the services that unseal this one's tokens")
        return peers

    def unseal_urls_by_producer(self) -> dict[str, tuple[str, ...]]:
        return parse_unseal_urls(self.unseal_urls)

    def _development(self) -> bool:
        return self.environment.strip().lower() in MOVABLE_ENVIRONMENTS
