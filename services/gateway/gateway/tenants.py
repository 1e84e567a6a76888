"""Tenants (associations) from config/tenants/*.yaml: only the parts the gateway needs, checked at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    model_validator,
)
from servicekit.tenant_files import TenantFileError, read_tenant_files

from .domain.accounts import normalise_email

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
ROLE_PATTERN = r"^[a-z][a-z_-]{0,39}$"


class TenantConfigError(TenantFileError):
    """The tenant files cannot be used; the gateway must not start."""


Language = Literal["en", "es"]
Role = Annotated[str, StringConstraints(pattern=ROLE_PATTERN)]


class StaffMember(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    email: Annotated[EmailStr, AfterValidator(normalise_email)]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    roles: Annotated[frozenset[Role], Field(min_length=1)]


RetentionYears = Annotated[int, Field(strict=True, ge=1, le=100)]


class ErasureSection(BaseModel):
    """`erasure:` (docs/erasure.md, "Legal holds and retention"); a value left out means never."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inactive_account_years: RetentionYears | None = None
    """After how many years without activity the platform files the erasure of an applicant's account."""
    register_retention_years: RetentionYears | None = None
    """How long an ended endorsement's register entry keeps the holder's name. Reviews applies it (it knows when
    entries ended) and publishes `ErasureDue`, which the gateway files; read here only so that the shared file
    is checked the same way."""


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
    erasure: ErasureSection = ErasureSection()

    @model_validator(mode="after")
    def _default_language_is_offered(self) -> Self:
        if self.default_language not in self.languages:
            raise ValueError(f"default_language {self.default_language!r} is not among languages")
        return self

    @model_validator(mode="after")
    def _staff_listed_once(self) -> Self:
        emails = [member.email for member in self.staff]
        if len(emails) != len(set(emails)):
            raise ValueError("a staff email is listed twice")
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
    """Every tenant file in `directory` (`servicekit.tenant_files`); any problem raises TenantConfigError."""
    return TenantDirectory(list(read_tenant_files(directory, Tenant, error=TenantConfigError).values()))
