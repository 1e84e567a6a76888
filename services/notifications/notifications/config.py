"""Settings from the environment and the tenant data this service needs (config/tenants/*.yaml)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from servicekit.clock import MOVABLE_ENVIRONMENTS
from servicekit.settings import MissingRaterIndexKeyError, ServiceSettings
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, parse_rater_index_key
from servicekit.tenant_files import TenantFileError, read_tenant_files

from .domain import Recipient

SERVICE_NAME = "notifications"
SCHEMA = "notifications"


class NotificationsSettings(ServiceSettings):
    port: int = 8004
    consumer_group: str = Field(default="notifications", description="Kafka consumer group of the event handlers.")
    smtp_url: str = Field(
        description="smtp://host:port, smtp://user:pass@host:port?starttls=1, or smtps://host:port (implicit TLS).",
    )
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "no-reply@endorsement.example"
    mail_poll_seconds: float = 0.2
    mail_retry_max_seconds: float = Field(default=60.0, description="Longest wait between SMTP retries.")
    public_base_url: str = "http://127.0.0.1:8000"
    rater_index_key: SecretStr | None = Field(
        default=None,
        description="32 bytes in base64: the HMAC key of the subject ids of people known by address only "
        "(`rater:<tenant>:<hex HMAC>`), the SAME value as the gateway's and the applications service's. Required "
        "outside ENVIRONMENT development/test, which use the fixed `servicekit.subjects.DEVELOPMENT_RATER_INDEX_KEY`.",
    )

    @field_validator("rater_index_key")
    @classmethod
    def _rater_index_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_rater_index_key(value.get_secret_value())  # ValueError names the fault, never the value
        return value

    def rater_index_key_bytes(self) -> bytes:
        """The raters' HMAC key; call it at start-up, where a missing key outside development/test must fail."""
        if self.rater_index_key is not None:
            return parse_rater_index_key(self.rater_index_key.get_secret_value())
        if self.environment.strip().lower() not in MOVABLE_ENVIRONMENTS:
            raise MissingRaterIndexKeyError(
                f"RATER_INDEX_KEY is required with ENVIRONMENT {self.environment!r}: the same 32 bytes in base64 as "
                "the gateway's and the applications service's")
        return DEVELOPMENT_RATER_INDEX_KEY

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://host:port or smtps://host:port")
        return value

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str) -> str:
        local, at, domain = value.rpartition("@")
        if not at or not local or "." not in domain:
            raise ValueError("MAIL_FROM must be an email address like no-reply@example.org")
        return value

    @field_validator("public_base_url")
    @classmethod
    def _public_base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("PUBLIC_BASE_URL must be an absolute http(s) URL")
        return value.rstrip("/")


LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class Tenant:
    """What emails say about an association: its name, where replies go, who coordinates, in which languages."""

    slug: str
    name: str
    contact_email: str
    timezone: str = "UTC"
    categories: Mapping[str, str] = field(default_factory=dict)
    coordinators: tuple[Recipient, ...] = ()
    languages: tuple[str, ...] = ("en",)
    default_language: str = "en"

    def category_name(self, code: str) -> str:
        """The display name of a category code (the code itself when the tenant file does not name it)."""
        return self.categories.get(code, code)

    def language_for(self, preferred: str | None) -> str:
        """The person's preferred language when the association writes in it, else the association's default."""
        return preferred if preferred in self.languages else self.default_language

    @property
    def coordinator_recipients(self) -> tuple[Recipient, ...]:
        """Who must act on coordinator steps: the staff with the coordinator role, else the contact address."""
        return self.coordinators or (Recipient(address=self.contact_email, name=self.name),)


class TenantDataError(TenantFileError, ValueError):
    """A tenant file, or the directory of them, cannot be used; the service refuses to start."""


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class _StaffMember(_Lenient):
    email: str
    name: str | None = None
    roles: tuple[str, ...] = ()

    @field_validator("roles", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return value or ()


class _TenantFile(_Lenient):
    """The parts of a tenant file this service reads; other services' sections are ignored."""

    slug: str
    name: str
    contact_email: str
    timezone: str = "UTC"
    categories: dict[str, str] = Field(default_factory=dict)
    staff: tuple[_StaffMember, ...] = ()
    languages: tuple[str, ...] = ("en",)
    default_language: str = "en"

    @field_validator("categories", mode="before")
    @classmethod
    def _no_categories(cls, value: object) -> object:
        return {} if value is None else value

    @field_validator("staff", mode="before")
    @classmethod
    def _no_staff(cls, value: object) -> object:
        return () if value is None else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @field_validator("languages", mode="before")
    @classmethod
    def _language_codes(cls, value: object) -> object:
        if not value:
            return ("en",)
        if not isinstance(value, (list, tuple)) or not all(
                isinstance(code, str) and LANGUAGE_CODE.match(code) for code in value):
            raise ValueError("languages must be two-letter codes, e.g. [en, es]")
        return value

    @model_validator(mode="after")
    def _default_language_is_offered(self) -> Self:
        if self.default_language not in self.languages:
            raise ValueError(f"default_language {self.default_language!r} is not in languages")
        return self


def load_tenants(directory: str | Path) -> dict[str, Tenant]:
    """Every tenant file in `directory` (`servicekit.tenant_files`), by slug; fails at start-up on a bad one."""
    files = read_tenant_files(directory, _TenantFile, error=TenantDataError)
    return {slug: _tenant(data) for slug, data in files.items()}


def _tenant(data: _TenantFile) -> Tenant:
    return Tenant(
        slug=data.slug,
        name=data.name,
        contact_email=data.contact_email,
        timezone=data.timezone,
        categories=dict(data.categories),
        coordinators=tuple(
            Recipient(address=member.email, name=member.name or member.email)
            for member in data.staff
            if "coordinator" in member.roles
        ),
        languages=data.languages,
        default_language=data.default_language,
    )
