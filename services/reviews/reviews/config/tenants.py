"""Tenant (association) data from `TENANTS_DIR`, with each association's review data; both fail fast."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from servicekit.tenant_files import TenantFileError, read_tenant_files

from ..domain import (
    DEFAULT_POLICY,
    CycleCalendar,
    FirstRenewal,
    MonthDay,
    RenewalRule,
    RenewalTerms,
    Reviewer,
    ReviewPolicy,
)
from .files import CategoryCode
from .review_data import ReviewData, ReviewDataError, load_review_data

TENANT_SLUG = r"^[a-z][a-z0-9-]{1,39}$"


class TenantDataError(TenantFileError):
    """A tenant file is missing, unreadable or invalid; the service refuses to start."""


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


RetentionYears = Annotated[int, Field(strict=True, ge=1, le=100)]


class _ErasureSection(BaseModel):
    """`erasure:` (docs/erasure.md, "Legal holds and retention"): this service applies `register_retention_years`;
    the gateway reads the same section for its own rules (`inactive_account_years`), so other keys are its to check."""

    model_config = ConfigDict(extra="ignore")

    register_retention_years: RetentionYears | None = None


class _TenantFile(BaseModel):
    """The parts of a tenant file this service reads; other services' sections are ignored."""

    model_config = ConfigDict(extra="ignore")

    slug: str = Field(pattern=TENANT_SLUG)
    name: DisplayName
    timezone: str
    categories: dict[CategoryCode, DisplayName] = Field(min_length=1)
    renewal: _RenewalSection
    review: _ReviewSection = _ReviewSection()
    erasure: _ErasureSection = _ErasureSection()

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
    register_retention_years: int | None = None
    """How long an ended endorsement's register entry keeps its holder before the holder's erasure is due
    (`domain.retention`); None: never."""

    def today(self, now: datetime) -> date:
        """The date `now` (the business clock's) falls on at the association."""
        return now.astimezone(self.timezone).date()

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
    """Every tenant file in `directory` (`servicekit.tenant_files`: `*.yaml`/`*.yml`, slug = file name).

    Review data comes from `<reviews_dir>/<slug>.yaml` (default: the `reviews` folder next to `directory`).
    """
    folder = Path(directory)
    review_folder = Path(reviews_dir) if reviews_dir is not None else folder.resolve().parent / "reviews"
    files = read_tenant_files(folder, _TenantFile, error=TenantDataError)
    return TenantCatalog({slug: _tenant(data, review_folder) for slug, data in files.items()})


def _tenant(data: _TenantFile, review_folder: Path) -> Tenant:
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
        register_retention_years=data.erasure.register_retention_years,
    )
