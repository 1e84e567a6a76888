"""Settings from the environment and the tenant data this service needs (config/tenants/*.yaml)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import Field, field_validator
from servicekit.settings import ServiceSettings

from .domain import Recipient

SERVICE_NAME = "notifications"
SCHEMA = "notifications"


class Settings(ServiceSettings):
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


def load_tenants(directory: str | Path) -> dict[str, Tenant]:
    """Every tenant file in `directory`, by slug; fails at start-up on a file without the needed fields."""
    tenants: dict[str, Tenant] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        try:
            tenant = _tenant(data)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"tenant file {path} lacks {exc}") from None
        try:
            ZoneInfo(tenant.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"tenant file {path}: unknown timezone {tenant.timezone!r}") from exc
        if not tenant.languages or not all(LANGUAGE_CODE.match(code) for code in tenant.languages):
            raise ValueError(f"tenant file {path}: languages must be two-letter codes, e.g. [en, es]")
        if tenant.default_language not in tenant.languages:
            raise ValueError(f"tenant file {path}: default_language {tenant.default_language!r} is not in languages")
        tenants[tenant.slug] = tenant
    if not tenants:
        raise ValueError(f"no tenant files (*.yaml) in {directory}")
    return tenants


def _tenant(data: dict[str, Any]) -> Tenant:
    staff = data.get("staff") or []
    return Tenant(
        slug=str(data["slug"]),
        name=str(data["name"]),
        contact_email=str(data["contact_email"]),
        timezone=str(data.get("timezone", "UTC")),
        categories={str(code): str(name) for code, name in (data.get("categories") or {}).items()},
        coordinators=tuple(
            Recipient(address=str(member["email"]), name=str(member.get("name") or member["email"]))
            for member in staff
            if "coordinator" in (member.get("roles") or ())
        ),
        languages=tuple(str(code) for code in data.get("languages") or ("en",)),
        default_language=str(data.get("default_language", "en")),
    )
