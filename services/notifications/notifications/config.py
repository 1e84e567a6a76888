"""Settings from the environment and the tenant data this service needs (config/tenants/*.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import Field, field_validator
from servicekit.settings import ServiceSettings

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


@dataclass(frozen=True)
class Tenant:
    """What emails say about an association: its name and where replies go."""

    slug: str
    name: str
    contact_email: str
    timezone: str = "UTC"


def load_tenants(directory: str | Path) -> dict[str, Tenant]:
    """Every tenant file in `directory`, by slug; fails at start-up on a file without the needed fields."""
    tenants: dict[str, Tenant] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        try:
            tenant = Tenant(
                slug=str(data["slug"]),
                name=str(data["name"]),
                contact_email=str(data["contact_email"]),
                timezone=str(data.get("timezone", "UTC")),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"tenant file {path} lacks {exc}") from None
        try:
            ZoneInfo(tenant.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"tenant file {path}: unknown timezone {tenant.timezone!r}") from exc
        tenants[tenant.slug] = tenant
    if not tenants:
        raise ValueError(f"no tenant files (*.yaml) in {directory}")
    return tenants
