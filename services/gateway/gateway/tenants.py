"""Tenants (associations) from config/tenants/*.yaml: only the parts the gateway needs, checked at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal, Self

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from .domain.accounts import normalise_email

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
ROLE_PATTERN = r"^[a-z][a-z_-]{0,39}$"


class TenantConfigError(Exception):
    """The tenant files cannot be used; the gateway must not start."""


Language = Literal["en", "es"]
Role = Annotated[str, StringConstraints(pattern=ROLE_PATTERN)]


class StaffMember(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    email: Annotated[EmailStr, AfterValidator(normalise_email)]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    roles: Annotated[frozenset[Role], Field(min_length=1)]


class Tenant(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    slug: Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    short_name: str | None = None
    contact_email: str | None = None
    website: str | None = None
    timezone: str = "UTC"
    languages: tuple[Language, ...] = ("en",)
    default_language: Language = "en"
    categories: dict[str, str] = Field(default_factory=dict)
    """Category code -> display name."""
    staff: tuple[StaffMember, ...] = ()

    @model_validator(mode="after")
    def _default_language_is_offered(self) -> Self:
        if self.default_language not in self.languages:
            raise ValueError(f"default_language {self.default_language!r} is not among languages")
        return self


class TenantDirectory:
    """The known tenants by slug."""

    def __init__(self, tenants: list[Tenant]) -> None:
        self._by_slug = {t.slug: t for t in tenants}

    def get(self, slug: str) -> Tenant | None:
        return self._by_slug.get(slug)

    def __iter__(self) -> Iterator[Tenant]:
        return iter(sorted(self._by_slug.values(), key=lambda t: t.slug))

    def __len__(self) -> int:
        return len(self._by_slug)

    @property
    def lists_staff(self) -> bool:
        return any(t.staff for t in self)


def load_tenants(directory: Path) -> TenantDirectory:
    """Read every `*.yaml` in `directory`; any problem raises TenantConfigError."""
    if not directory.is_dir():
        raise TenantConfigError(f"tenant directory {directory} does not exist")
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise TenantConfigError(f"no tenant files (*.yaml) in {directory}")
    return TenantDirectory([_load_tenant(path) for path in files])


def _load_tenant(path: Path) -> Tenant:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        tenant = Tenant.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise TenantConfigError(f"{path}: {exc}") from exc
    if tenant.slug != path.stem:
        raise TenantConfigError(f"{path}: slug {tenant.slug!r} must match the file name")
    emails = [member.email for member in tenant.staff]
    if len(emails) != len(set(emails)):
        raise TenantConfigError(f"{path}: a staff email is listed twice")
    return tenant
