"""Settings from the environment and tenant (association) data from `TENANTS_DIR`; both fail fast."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator
from servicekit.settings import ServiceSettings

from .domain import (
    DEFAULT_POLICY,
    CycleCalendar,
    FirstRenewal,
    MonthDay,
    RenewalRule,
    RenewalTerms,
    Reviewer,
    ReviewPolicy,
)
from .review_config import ReviewData, ReviewDataError, load_review_data

SERVICE_NAME = "reviews"
SCHEMA = "reviews"
EVENT_SOURCE = "/services/reviews"
CONSUMER_GROUP = "reviews"

TENANT_SLUG = r"^[a-z][a-z0-9-]{1,39}$"
CATEGORY_CODE = r"^[A-Z][A-Z/\-]{1,15}$"  # the integration contracts' pattern


class ReviewsSettings(ServiceSettings):
    port: int = 8002
    reviews_consumer_group: str = Field(default=CONSUMER_GROUP, min_length=1,
                                        description="Kafka consumer group; tests use their own.")
    reviews_config_dir: str | None = Field(
        default=None, description="Directory of review data files (default: `reviews` next to TENANTS_DIR)."
    )
    lapse_sweep_seconds: float = Field(default=300.0, gt=0, description="How often lapsed endorsements are sought.")
    competencies_file: str | None = Field(
        default=None, description="The Competency Guidelines® ids (default: `rulesets/competencies.yaml` next to "
        "TENANTS_DIR, i.e. config/rulesets/competencies.yaml), for reviewers' checklists."
    )


class TenantDataError(Exception):
    """A tenant file is missing, unreadable or invalid; the service refuses to start."""


CategoryCode = Annotated[str, StringConstraints(pattern=CATEGORY_CODE)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _RenewalSection(BaseModel):
    model_config = ConfigDict(extra="ignore")

    due: str = Field(pattern=r"^\d{2}-\d{2}$")
    first_renewal: FirstRenewal = FirstRenewal.NEXT_YEAR
    removal: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")

    @field_validator("due", "removal")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        if value is not None:
            MonthDay.parse(value)
        return value


class _ReviewSection(BaseModel):
    model_config = ConfigDict(extra="ignore")

    reviewers_per_case: int = Field(default=1, ge=1, le=2)


class _TenantFile(BaseModel):
    """The parts of a tenant file this service reads; other services' sections are ignored."""

    model_config = ConfigDict(extra="ignore")

    slug: str = Field(pattern=TENANT_SLUG)
    name: DisplayName
    timezone: str
    categories: dict[CategoryCode, DisplayName] = Field(min_length=1)
    renewal: _RenewalSection
    review: _ReviewSection = _ReviewSection()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value


@dataclass(frozen=True)
class Tenant:
    slug: str
    name: str
    timezone: ZoneInfo
    categories: Mapping[str, str]
    renewal: RenewalRule
    terms: RenewalTerms
    policy: ReviewPolicy = DEFAULT_POLICY
    reviewers: Mapping[str, Reviewer] = field(default_factory=lambda: MappingProxyType({}))
    cycles: CycleCalendar | None = None
    """The association's review cycles; None: rolling intake."""

    def today(self, now: datetime | None = None) -> date:
        """Today's date on the association's clock."""
        return (now or datetime.now(self.timezone)).astimezone(self.timezone).date()

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.timezone).date()


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


def load_tenants(directory: str | Path, reviews_dir: str | Path | None = None) -> TenantCatalog:
    """Read every `*.yaml`/`*.yml` in `directory`; each file's `slug` must match its file name.

    Review data comes from `<reviews_dir>/<slug>.yaml` (default: the `reviews` folder next to `directory`).
    """
    folder = Path(directory)
    review_folder = Path(reviews_dir) if reviews_dir is not None else folder.resolve().parent / "reviews"
    if not folder.is_dir():
        raise TenantDataError(f"tenant directory {folder.resolve()} does not exist")
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not files:
        raise TenantDataError(f"no tenant files (*.yaml) in {folder.resolve()}")
    tenants: dict[str, Tenant] = {}
    for path in files:
        tenant = _load_tenant(path, review_folder)
        if tenant.slug in tenants:
            raise TenantDataError(f"{path}: tenant {tenant.slug!r} is defined twice")
        tenants[tenant.slug] = tenant
    return TenantCatalog(tenants)


def _load_tenant(path: Path, review_folder: Path) -> Tenant:
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
    zone = ZoneInfo(data.timezone)
    review_file = review_folder / f"{data.slug}.yaml"
    try:
        review = (load_review_data(review_file, slug=data.slug, categories=data.categories, timezone=zone)
                  if review_file.is_file() else ReviewData())
    except ReviewDataError as exc:
        raise TenantDataError(str(exc)) from exc
    rule = RenewalRule.parse(data.renewal.due, data.renewal.first_renewal)
    removal = None if data.renewal.removal is None else MonthDay.parse(data.renewal.removal)
    return Tenant(
        slug=data.slug,
        name=data.name,
        timezone=zone,
        categories=MappingProxyType(dict(data.categories)),
        renewal=rule,
        terms=RenewalTerms(rule, removal=removal, window_opens=review.window_opens),
        policy=ReviewPolicy(
            reviewers_per_case=data.review.reviewers_per_case, sequential=review.sequential, blind=review.blind,
            coordinator_decides_directly=review.coordinator_decides_directly, denial_allowed=review.denial_allowed,
            exam=review.exam, categories=review.categories, timezone=zone,
        ),
        reviewers=review.reviewers,
        cycles=review.cycles,
    )
