"""Settings from the environment and tenant (association) data from `TENANTS_DIR`; both fail fast.

Rule sets (`RULESETS_DIR`) are loaded by `applications.rulesets`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator
from servicekit.settings import ServiceSettings

from .documents.settings import DocumentSettings
from .domain import CategoryOffer
from .reference_settings import ReferenceSettings

SERVICE_NAME = "applications"
SCHEMA = "applications"
EVENT_SOURCE = "/services/applications"
CONSUMER_GROUP = "applications"

TENANT_SLUG = r"^[a-z][a-z0-9-]{1,39}$"
UTC_ZONE = ZoneInfo("UTC")
CATEGORY_CODE = r"^[A-Z][A-Z/\-]{1,15}$"  # the integration contracts' pattern, so every category can be published


class ApplicationsSettings(ServiceSettings, DocumentSettings, ReferenceSettings):
    port: int = 8001
    rulesets_dir: str = Field(default="config/rulesets",
                              description="Directory of rule sets per tenant and category, and competencies.yaml.")
    applications_consumer_group: str = Field(default=CONSUMER_GROUP, min_length=1,
                                             description="Kafka consumer group of the review-outcome consumer; "
                                             "tests use their own.")


class TenantDataError(Exception):
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
    """Read every `*.yaml`/`*.yml` in `directory`; each file's `slug` must match its file name."""
    folder = Path(directory)
    if not folder.is_dir():
        raise TenantDataError(f"tenant directory {folder.resolve()} does not exist")
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not files:
        raise TenantDataError(f"no tenant files (*.yaml) in {folder.resolve()}")
    tenants: dict[str, Tenant] = {}
    for path in files:
        tenant = _load_tenant(path)
        if tenant.slug in tenants:
            raise TenantDataError(f"{path}: tenant {tenant.slug!r} is defined twice")
        tenants[tenant.slug] = tenant
    return TenantCatalog(tenants)


def _load_tenant(path: Path) -> Tenant:
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TenantDataError(f"{path}: cannot read tenant data: {exc}") from exc
    try:
        data = _TenantFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '<file>'}: {e['msg']}" for e in exc.errors())
        raise TenantDataError(f"{path}: invalid tenant data: {problems}") from exc
    if data.slug != path.stem:
        raise TenantDataError(f"{path}: slug {data.slug!r} does not match the file name")
    return Tenant(slug=data.slug, name=data.name, categories=MappingProxyType(dict(data.categories)),
                  timezone=ZoneInfo(data.timezone),
                  one_category_at_a_time=data.applications.one_category_at_a_time)
