"""Review data per association from `config/reviews/<slug>.yaml`: policy, category rules, review cycles, renewal
window, roster.

An association without a file gets the walking skeleton's rules (one reviewer, the coordinator decides directly,
no exam, no emerging, no reviewers). Bad data stops the service from starting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, time, tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, ValidationError, field_validator

from .domain import Cadence, CategoryRules, CycleCalendar, ExamRules, MonthDay, Period, Reviewer
from .exam_config import ExamSection

CATEGORY_CODE = r"^[A-Z][A-Z/\-]{1,15}$"
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ReviewDataError(Exception):
    """A review data file is unreadable or invalid; the service refuses to start."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Policy(_Strict):
    sequential: bool = True
    blind: bool = True
    coordinator_decides_directly: bool = True
    denial_allowed: bool = False


class _Period(_Strict):
    since: date | None = None
    until: date | None = None


class _Category(_Strict):
    rank: int = Field(ge=1, le=100)
    exam_required: list[_Period] = Field(default_factory=list)
    emerging_years: int | None = Field(default=None, ge=1, le=10)


class _Renewal(_Strict):
    window_opens: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")

    @field_validator("window_opens")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        if value is not None:
            MonthDay.parse(value)
        return value


class _Cycles(_Strict):
    cadence: Cadence = Cadence.ROLLING
    deadline_day: int | None = Field(default=None, ge=1, le=92)
    deadline_time: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    periods: list[int] = Field(default_factory=list, max_length=12)

    def calendar(self, zone: tzinfo) -> CycleCalendar | None:
        if self.cadence is Cadence.ROLLING:
            if self.deadline_day is not None or self.deadline_time is not None or self.periods:
                raise ValueError("rolling intake has no deadlines or periods")
            return None
        closes = None if self.deadline_time is None else time.fromisoformat(self.deadline_time)
        return CycleCalendar(cadence=self.cadence, timezone=zone, deadline_day=self.deadline_day,
                             deadline_time=closes, periods=frozenset(self.periods))


class _Reviewer(_Strict):
    email: EmailStr
    name: Text
    category: Annotated[str, StringConstraints(pattern=CATEGORY_CODE)]
    trained: bool
    active: bool = True
    employer: Text | None = None
    declared_conflicts: list[EmailStr] = Field(default_factory=list)


class _ReviewFile(_Strict):
    tenant: str
    policy: _Policy = _Policy()
    exam: ExamSection = ExamSection()
    categories: dict[Annotated[str, StringConstraints(pattern=CATEGORY_CODE)], _Category] = Field(default_factory=dict)
    renewal: _Renewal = _Renewal()
    cycles: _Cycles = _Cycles()
    reviewers: list[_Reviewer] = Field(default_factory=list)


@dataclass(frozen=True)
class ReviewData:
    """What one association's review file says, in domain terms."""

    sequential: bool = True
    blind: bool = True
    coordinator_decides_directly: bool = True
    denial_allowed: bool = False
    exam: ExamRules = field(default_factory=ExamRules)
    categories: Mapping[str, CategoryRules] = field(default_factory=lambda: MappingProxyType({}))
    window_opens: MonthDay | None = None
    cycles: CycleCalendar | None = None
    """None: rolling intake (no review cycles)."""
    reviewers: Mapping[str, Reviewer] = field(default_factory=lambda: MappingProxyType({}))


def load_review_data(path: Path, *, slug: str, categories: Mapping[str, str], timezone: tzinfo = UTC) -> ReviewData:
    """Read one file; its categories and reviewers' categories must be the association's own. Cycle deadlines are
    on the association's clock (`timezone`)."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = _ReviewFile.model_validate(raw)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ReviewDataError(f"{path}: cannot read review data: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '<file>'}: {e['msg']}" for e in exc.errors())
        raise ReviewDataError(f"{path}: invalid review data: {problems}") from exc
    if data.tenant != slug:
        raise ReviewDataError(f"{path}: tenant {data.tenant!r} does not match the file name")
    unknown = {*data.categories, *(r.category for r in data.reviewers)} - set(categories)
    if unknown:
        raise ReviewDataError(f"{path}: categories {sorted(unknown)} are not awarded by {slug}")
    reviewers = [_reviewer(r) for r in data.reviewers]
    if len({r.email for r in reviewers}) != len(reviewers):
        raise ReviewDataError(f"{path}: a reviewer email is listed twice")
    try:
        rules = {code: _category(c) for code, c in data.categories.items()}
        cycles = data.cycles.calendar(timezone)
        exam = data.exam.rules(categories)
    except ValueError as exc:
        raise ReviewDataError(f"{path}: {exc}") from exc
    return ReviewData(
        sequential=data.policy.sequential, blind=data.policy.blind,
        coordinator_decides_directly=data.policy.coordinator_decides_directly,
        denial_allowed=data.policy.denial_allowed,
        exam=exam,
        categories=MappingProxyType(rules),
        window_opens=None if data.renewal.window_opens is None else MonthDay.parse(data.renewal.window_opens),
        cycles=cycles,
        reviewers=MappingProxyType({r.email: r for r in reviewers}),
    )


def _category(data: _Category) -> CategoryRules:
    periods = tuple(Period(p.since, p.until) for p in data.exam_required)
    return CategoryRules(rank=data.rank, exam_required=periods, emerging_years=data.emerging_years)


def _reviewer(data: _Reviewer) -> Reviewer:
    return Reviewer(email=str(data.email), name=data.name, category=data.category, trained=data.trained,
                    active=data.active, employer=data.employer,
                    declared_conflicts=frozenset(str(e) for e in data.declared_conflicts))
