"""Review data per association from `config/reviews/<slug>.yaml`: policy, category rules, review cycles, renewal
window, roster, and the exam (pass mark, retake timing, notice periods, sittings and scorers).

An association without a file gets the walking skeleton's rules (one reviewer, the coordinator decides directly,
no exam, no emerging, no reviewers). Bad data stops the service from starting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, time, timedelta, tzinfo
from pathlib import Path
from types import MappingProxyType

from pydantic import ConfigDict, EmailStr, Field, field_validator, model_validator

from ..domain import Cadence, CategoryRules, CycleCalendar, ExaminationRules, MonthDay, Period, Reviewer
from ..domain.examination.rules import Sitting
from .files import CategoryCode, Strict, Text, read_model


class ReviewDataError(Exception):
    """A review data file is unreadable or invalid; the service refuses to start."""


class _Policy(Strict):
    sequential: bool = True
    blind: bool = True
    coordinator_decides_directly: bool = True
    denial_allowed: bool = False


class _Period(Strict):
    since: date | None = None
    until: date | None = None


class _Category(Strict):
    rank: int = Field(ge=1, le=100)
    exam_required: list[_Period] = Field(default_factory=list)
    emerging_years: int | None = Field(default=None, ge=1, le=10)


class _Renewal(Strict):
    window_opens: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")

    @field_validator("window_opens")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        if value is not None:
            MonthDay.parse(value)
        return value


class _Cycles(Strict):
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


class _Volunteer(Strict):
    """A reviewer, or an exam scorer: both are endorsed volunteers, with the same eligibility and conflict rules."""

    email: EmailStr
    name: Text
    category: CategoryCode
    trained: bool
    active: bool = True
    employer: Text | None = None
    declared_conflicts: list[EmailStr] = Field(default_factory=list)

    def reviewer(self) -> Reviewer:
        return Reviewer(email=str(self.email), name=self.name, category=self.category, trained=self.trained,
                        active=self.active, employer=self.employer,
                        declared_conflicts=frozenset(str(e) for e in self.declared_conflicts))


class _Sitting(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    on: date = Field(alias="date")  # `on` is a boolean in YAML 1.1
    registration_closes: date | None = Field(default=None, description="Default: `registration_closes_weeks` before.")


class ExaminationSection(Strict):
    """The `exam:` section."""

    pass_percent: int = Field(default=80, ge=1, le=100)
    retake_wait_months: int | None = Field(default=None, ge=0, le=120)
    retake_wait_days: int | None = Field(default=None, ge=0, le=3650, description="Older files: the wait in days.")
    retake_notice_weeks: int = Field(default=8, ge=0, le=104)
    registration_closes_weeks: int = Field(default=4, ge=0, le=104)
    accommodations_notice_weeks: int = Field(default=2, ge=0, le=104)
    scoring_days: int = Field(default=21, ge=1, le=365)
    sittings: list[_Sitting] = Field(default_factory=list, max_length=500)
    scorers: list[_Volunteer] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_wait(self) -> ExaminationSection:
        if self.retake_wait_months is not None and self.retake_wait_days is not None:
            raise ValueError("give the retake wait in months or in days, not both")
        return self

    def rules(self, categories: Mapping[str, str]) -> ExaminationRules:
        """In domain terms; ValueError names what is wrong (the caller adds the file)."""
        dates = [s.on for s in self.sittings]
        if len(set(dates)) != len(dates):
            raise ValueError("exam: a sitting date is listed twice")
        sittings = tuple(
            Sitting(s.on, s.registration_closes or s.on - timedelta(weeks=self.registration_closes_weeks))
            for s in sorted(self.sittings, key=lambda s: s.on)
        )
        unknown = {s.category for s in self.scorers} - set(categories)
        if unknown:
            raise ValueError(f"exam: scorer categories {sorted(unknown)} are not awarded by the association")
        scorers = [s.reviewer() for s in self.scorers]
        if len({s.email for s in scorers}) != len(scorers):
            raise ValueError("exam: a scorer email is listed twice")
        return ExaminationRules(
            pass_percent=self.pass_percent,
            retake_wait_months=12 if self.retake_wait_months is None else self.retake_wait_months,
            retake_wait_days=self.retake_wait_days,
            retake_notice_weeks=self.retake_notice_weeks,
            accommodations_notice_weeks=self.accommodations_notice_weeks,
            scoring_days=self.scoring_days,
            sittings=sittings,
            scorers=MappingProxyType({s.email: s for s in scorers}),
        )


class _ReviewFile(Strict):
    tenant: str
    policy: _Policy = _Policy()
    exam: ExaminationSection = ExaminationSection()
    categories: dict[CategoryCode, _Category] = Field(default_factory=dict)
    renewal: _Renewal = _Renewal()
    cycles: _Cycles = _Cycles()
    reviewers: list[_Volunteer] = Field(default_factory=list)


@dataclass(frozen=True)
class ReviewData:
    """What one association's review file says, in domain terms."""

    sequential: bool = True
    blind: bool = True
    coordinator_decides_directly: bool = True
    denial_allowed: bool = False
    exam: ExaminationRules = field(default_factory=ExaminationRules)
    categories: Mapping[str, CategoryRules] = field(default_factory=lambda: MappingProxyType({}))
    window_opens: MonthDay | None = None
    cycles: CycleCalendar | None = None
    """None: rolling intake (no review cycles)."""
    reviewers: Mapping[str, Reviewer] = field(default_factory=lambda: MappingProxyType({}))


def load_review_data(path: Path, *, slug: str, categories: Mapping[str, str], timezone: tzinfo = UTC) -> ReviewData:
    """Read one file; its categories and reviewers' categories must be the association's own. Cycle deadlines are
    on the association's clock (`timezone`)."""
    data = read_model(path, _ReviewFile, "review data", ReviewDataError)
    if data.tenant != slug:
        raise ReviewDataError(f"{path}: tenant {data.tenant!r} does not match the file name")
    unknown = {*data.categories, *(r.category for r in data.reviewers)} - set(categories)
    if unknown:
        raise ReviewDataError(f"{path}: categories {sorted(unknown)} are not awarded by {slug}")
    reviewers = [r.reviewer() for r in data.reviewers]
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
