"""Settings from the environment and the tenant data this service needs (config/tenants/*.yaml)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from servicekit.settings import ServiceSettings
from servicekit.tenant_files import TenantFileError, read_tenant_files

from credentials.vc.openbadge import CompetencyAlignment


class ConfigurationError(RuntimeError):
    """The service cannot start with this configuration."""


class CredentialsSettings(ServiceSettings):
    port: int = 8003
    credentials_signing_keys: dict[str, list[SecretStr]] = Field(
        description='JSON {"<tenant>": ["<Ed25519 seed as hex or multibase>", ...]}: the newest key last signs; '
        "every listed key is published in the tenant's DID document.",
    )
    credentials_consumer_group: str = Field(
        default="credentials", description="Kafka consumer group of the grant consumer (tests use their own)."
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where the gateway is reachable from outside: gives the issuers' did:web and verification URLs.",
    )
    credentials_status_list_max_age_seconds: int = Field(
        default=300, ge=0, le=86_400,
        description="How long clients may cache a status list (Cache-Control max-age and the list's ttl).",
    )
    credentials_expiry_sweep_seconds: float = Field(
        default=60.0, gt=0, description="How often the sweep looks for credentials whose validUntil has passed."
    )
    credentials_webhook_poll_seconds: float = Field(default=0.5, gt=0, description="Webhook fan-out/sender poll.")
    credentials_webhook_retry_base_seconds: float = Field(
        default=10.0, gt=0, description="First retry delay of a failed webhook delivery; doubled on each retry."
    )
    credentials_webhook_retry_max_seconds: float = Field(default=3600.0, gt=0, description="Longest retry delay.")
    credentials_webhook_max_attempts: int = Field(
        default=12, ge=1, le=100, description="Attempts before a delivery becomes a dead letter."
    )
    credentials_webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    credentials_webhook_allow_insecure_urls: bool = Field(
        default=False,
        description="Accept http:// and loopback/private addresses as webhook URLs (development and tests only).",
    )
    credentials_webhook_secret_key: SecretStr | None = Field(
        default=None,
        description="32 bytes (64 hex digits or base64) that encrypt webhook secrets at rest (AES-256-GCM); "
        "required once any webhook is registered (checked at start-up, without echoing the value).",
    )
    credentials_webhook_previous_secret_keys: list[SecretStr] = Field(
        default_factory=list,
        description='JSON ["<key>", ...]: earlier keys, still read while start-up re-seals with the current one.',
    )

    credentials_verify_rate_per_second: float = Field(
        default=5.0, gt=0, description="Sustained POST /credentials/verify requests per second per client."
    )
    credentials_verify_burst: int = Field(
        default=20, ge=1, description="Verification requests a client may make at once before the rate applies."
    )
    credentials_trusted_proxies: list[str] = Field(
        default=["127.0.0.1/32", "::1/128"],
        description="Addresses or networks (JSON list) whose X-Forwarded-For names the client (the gateway); "
        "requests from anywhere else are limited by their own address.",
    )
    credentials_verify_workers: int = Field(
        default=2, ge=0, le=32,
        description="Worker processes that canonicalize presented credentials (0: in the request's thread).",
    )
    credentials_verify_deadline_seconds: float = Field(
        default=5.0, gt=0, le=60,
        description="Longest wait for a canonicalization, queue included, before 503 VERIFIER_BUSY.",
    )

    @field_validator("credentials_trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            ipaddress.ip_network(entry.strip(), strict=False)  # ValueError names the bad entry
        return value


@dataclass(frozen=True)
class TenantProfile:
    """An association as the credentials it issues present it."""

    slug: str
    name: str
    timezone: ZoneInfo
    categories: Mapping[str, str]
    issuer_name: str
    endorsement_name_template: str
    description: str | None
    criteria: str | None
    alignments: tuple[CompetencyAlignment, ...] = ()
    default_language: str = "en"
    """The tenant file's `default_language`: the public pages' language when the reader asks for none."""

    def endorsement_name(self, category_name: str) -> str:
        return self.endorsement_name_template.format(category_name=category_name)


class TenantConfigurationError(ConfigurationError, TenantFileError):
    """A tenant file, or the directory of them, cannot be used."""


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class _AlignmentSection(_Lenient):
    framework: str
    url: str
    domains: dict[str, str]


class _CredentialsSection(_Lenient):
    issuer_name: str | None = None
    endorsement_name_template: str = "{category_name}"
    description: str | None = None
    criteria: str | None = None
    alignment: _AlignmentSection | None = None

    @field_validator("alignment", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return value or None

    @field_validator("endorsement_name_template")
    @classmethod
    def _formats(cls, value: str) -> str:
        try:
            value.format(category_name="check")  # a broken template fails at start-up, not at issue time
        except (KeyError, IndexError, ValueError) as error:
            raise ValueError(f"must name only {{category_name}}: {error!r}") from None
        return value

    @field_validator("description", "criteria")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return (value.strip() or None) if value is not None else None


class _TenantFile(_Lenient):
    """The parts of a tenant file this service reads; other services' sections are ignored."""

    slug: str
    name: str
    timezone: str
    categories: dict[str, str]
    default_language: str | None = None
    credentials: _CredentialsSection | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value


def load_tenants(directory: str | Path) -> dict[str, TenantProfile]:
    """Every tenant file in `directory` (`servicekit.tenant_files`), by slug; raises TenantConfigurationError."""
    files = read_tenant_files(directory, _TenantFile, error=TenantConfigurationError)
    return {slug: _profile(data) for slug, data in files.items()}


def _profile(data: _TenantFile) -> TenantProfile:
    section = data.credentials or _CredentialsSection()
    alignment = section.alignment
    return TenantProfile(
        slug=data.slug,
        name=data.name,
        timezone=ZoneInfo(data.timezone),
        categories=dict(data.categories),
        issuer_name=section.issuer_name if section.issuer_name is not None else data.name,
        endorsement_name_template=section.endorsement_name_template,
        description=section.description,
        criteria=section.criteria,
        alignments=() if alignment is None else tuple(
            CompetencyAlignment(name=name, url=alignment.url, code=code, framework=alignment.framework)
            for code, name in alignment.domains.items()
        ),
        default_language=data.default_language or "en",
    )
