"""Settings from the environment (the service's, its documents' and its rater links') and tenant (association) data
from `TENANTS_DIR`; both fail fast.

Rule sets (`RULESETS_DIR`) are loaded by `applications.rulesets`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict
from servicekit.clock import MOVABLE_ENVIRONMENTS
from servicekit.settings import MissingRaterIndexKeyError, ServiceSettings
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, parse_rater_index_key
from servicekit.tenant_files import TenantFileError, read_tenant_files

from .domain import CategoryOffer
from .domain.reference_data import ReferencePolicy
from .domain.reference_links import MIN_KEY_BYTES, ReferenceLinks

SERVICE_NAME = "applications"
SCHEMA = "applications"
EVENT_SOURCE = "/services/applications"
CONSUMER_GROUP = "applications"

TENANT_SLUG = r"^[a-z][a-z0-9-]{1,39}$"
UTC_ZONE = ZoneInfo("UTC")
CATEGORY_CODE = r"^[A-Z][A-Z/\-]{1,15}$"  # the integration contracts' pattern, so every category can be published


# What an upload may be, in the settings' terms (`documents/media.py` checks each upload against them)
PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SHORT_NAMES = {"pdf": PDF, "png": PNG, "jpeg": JPEG, "docx": DOCX}
"""The media types `DOCUMENTS_ALLOWED_TYPES` may name."""
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ExpansionLimits:
    """Settings `DOCUMENTS_MAX_EXPANDED_BYTES`, `DOCUMENTS_MAX_EXPANSION_RATIO`, `DOCUMENTS_MAX_ARCHIVE_ENTRIES`."""

    max_total: int = 50 * 1024 * 1024
    max_ratio: int = 100
    max_entries: int = 2000


class DocumentSettings(BaseSettings):
    """Where document bytes live and what an upload may be (`bootstrap.open_document_store` opens the store;
    `documents.media.DocumentPolicy.from_settings` holds uploads to the limits)."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    documents_storage: Literal["postgres", "filesystem"] = Field(
        default="postgres", description="Where document bytes live: the service's schema, or DOCUMENTS_DIR.")
    documents_dir: str | None = Field(default=None, description="Directory of the filesystem store.")
    documents_max_bytes: int = Field(default=DEFAULT_MAX_BYTES, ge=1024, le=100 * 1024 * 1024)
    documents_allowed_types: str = Field(default="pdf,png,jpeg,docx",
                                         description="Comma-separated, among: pdf, png, jpeg, docx.")
    documents_max_per_application: int = Field(default=50, ge=1, le=1000)
    documents_max_expanded_bytes: int = Field(
        default=ExpansionLimits.max_total, ge=1024 * 1024, le=1024 * 1024 * 1024,
        description="A DOCX may inflate to at most this many bytes in all (measured while inflating).")
    documents_max_expansion_ratio: int = Field(
        default=ExpansionLimits.max_ratio, ge=10, le=10_000,
        description="No DOCX part over 1 MiB may inflate more than this many times its compressed size.")
    documents_max_archive_entries: int = Field(default=ExpansionLimits.max_entries, ge=10, le=100_000,
                                               description="A DOCX may hold at most this many parts.")

    @field_validator("documents_allowed_types")
    @classmethod
    def _known_types(cls, value: str) -> str:
        names = [n.strip().lower() for n in value.split(",") if n.strip()]
        unknown = sorted(set(names) - SHORT_NAMES.keys())
        if not names or unknown:
            raise ValueError(f"DOCUMENTS_ALLOWED_TYPES takes some of {', '.join(SHORT_NAMES)}; unknown: {unknown}")
        return ",".join(names)

    @model_validator(mode="after")
    def _directory_for_files(self) -> Self:
        if self.documents_storage == "filesystem" and not self.documents_dir:
            raise ValueError("DOCUMENTS_STORAGE=filesystem needs DOCUMENTS_DIR")
        return self


class ReferenceSettings(BaseSettings):
    """The rater links' key and public URL, link lifetime and reminders."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    public_base_url: str = Field(default="http://localhost:8000",
                                 description="Where the gateway is reachable from outside: the rater links' base.")
    reference_link_key: SecretStr = Field(
        description=f"Secret (at least {MIN_KEY_BYTES} characters) the rater links' tokens are derived from; "
        "changing it breaks the links already sent.")
    reference_link_days: int = Field(default=30, ge=1, le=365, description="How long a rater link works.")
    reference_reminder_after_days: float = Field(
        default=7, gt=0, le=365, description="A rater who has not answered this long after the last email is "
        "reminded, with a new link.")
    reference_max_reminders: int = Field(default=2, ge=0, le=9,
                                         description="Reminders after each email the applicant sends.")
    reference_reminder_sweep_seconds: float = Field(default=3600, gt=0,
                                                    description="How often the reminder sweep runs.")

    @field_validator("reference_link_key")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value().encode()) < MIN_KEY_BYTES:
            raise ValueError(f"REFERENCE_LINK_KEY needs at least {MIN_KEY_BYTES} characters (e.g. 64 hex digits)")
        return value

    def reference_links(self) -> ReferenceLinks:
        return ReferenceLinks(self.reference_link_key.get_secret_value().encode(), self.public_base_url)

    def reference_policy(self) -> ReferencePolicy:
        return ReferencePolicy(link_lifetime=timedelta(days=self.reference_link_days),
                               remind_after=timedelta(days=self.reference_reminder_after_days),
                               max_reminders=self.reference_max_reminders)


class ApplicationsSettings(ServiceSettings, DocumentSettings, ReferenceSettings):
    port: int = 8001
    rulesets_dir: str = Field(default="config/rulesets",
                              description="Directory of rule sets per tenant and category, and competencies.yaml.")
    applications_consumer_group: str = Field(default=CONSUMER_GROUP, min_length=1,
                                             description="Kafka consumer group of the review-outcome consumer; "
                                             "tests use their own.")
    rater_index_key: SecretStr | None = Field(
        default=None,
        description="32 bytes in base64: the HMAC key of raters' subject ids (`rater:<tenant>:<hex HMAC>`), the SAME "
        "value as the gateway's and the notifications service's. Required outside ENVIRONMENT development/test, "
        "which use the fixed `servicekit.subjects.DEVELOPMENT_RATER_INDEX_KEY`.")

    @field_validator("rater_index_key")
    @classmethod
    def _rater_index_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_rater_index_key(value.get_secret_value())  # ValueError names the fault, never the value
        return value

    def rater_index_key_bytes(self) -> bytes:
        """The raters' HMAC key; called at start-up, where a missing key outside development/test must fail."""
        if self.rater_index_key is not None:
            return parse_rater_index_key(self.rater_index_key.get_secret_value())
        if self.environment.strip().lower() not in MOVABLE_ENVIRONMENTS:
            raise MissingRaterIndexKeyError(
                f"RATER_INDEX_KEY is required with ENVIRONMENT {self.environment!r}: the same 32 bytes in base64 as "
                "the gateway's and the notifications service's")
        return DEVELOPMENT_RATER_INDEX_KEY


class TenantDataError(TenantFileError):
    """A tenant file is missing, unreadable or invalid; the service refuses to start."""


CategoryCode = Annotated[str, StringConstraints(pattern=CATEGORY_CODE)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _ApplicationsSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    one_category_at_a_time: bool = False


class _TenantFile(BaseModel):
    """The parts of a tenant file this service reads; other services' sections are ignored."""

    model_config = ConfigDict(extra="ignore")

    slug: str = Field(pattern=TENANT_SLUG)
    name: DisplayName
    categories: dict[CategoryCode, DisplayName] = Field(min_length=1)
    timezone: str = "UTC"
    applications: _ApplicationsSection = _ApplicationsSection()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


@dataclass(frozen=True)
class Tenant:
    slug: str
    name: str
    categories: Mapping[str, str]
    timezone: ZoneInfo = UTC_ZONE
    """The association's time zone: its dates (rule versions in force, "today") are local dates."""
    one_category_at_a_time: bool = False
    """A second category's application may start only when no other is open (domain §2.7, ITMHCA)."""

    @property
    def offer(self) -> CategoryOffer:
        return CategoryOffer(self.categories)


class TenantCatalog:
    """Every association this deployment serves, by slug."""

    def __init__(self, tenants: Mapping[str, Tenant]) -> None:
        self._tenants = MappingProxyType(dict(tenants))

    def get(self, slug: str) -> Tenant | None:
        return self._tenants.get(slug)

    def __iter__(self) -> Iterator[Tenant]:
        return iter(self._tenants.values())

    def __len__(self) -> int:
        return len(self._tenants)


def load_tenants(directory: str | Path) -> TenantCatalog:
    """Every tenant file in `directory` (`servicekit.tenant_files`: `*.yaml`/`*.yml`, slug = file name)."""
    files = read_tenant_files(directory, _TenantFile, error=TenantDataError)
    return TenantCatalog({slug: _tenant(data) for slug, data in files.items()})


def _tenant(data: _TenantFile) -> Tenant:
    return Tenant(slug=data.slug, name=data.name, categories=MappingProxyType(dict(data.categories)),
                  timezone=ZoneInfo(data.timezone),
                  one_category_at_a_time=data.applications.one_category_at_a_time)
