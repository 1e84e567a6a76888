"""The `exam:` section of a review data file: pass mark, retake timing, notice periods, sittings and scorers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator

from .domain import ExamRules, Reviewer
from .domain.exam_rules import Sitting

CATEGORY_CODE = r"^[A-Z][A-Z/\-]{1,15}$"
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Sitting(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    on: date = Field(alias="date")  # `on` is a boolean in YAML 1.1
    registration_closes: date | None = Field(default=None, description="Default: `registration_closes_weeks` before.")


class _Scorer(_Strict):
    """Scorers are endorsed volunteers like reviewers: the same eligibility and conflict rules apply."""

    email: EmailStr
    name: Text
    category: Annotated[str, StringConstraints(pattern=CATEGORY_CODE)]
    trained: bool
    active: bool = True
    employer: Text | None = None
    declared_conflicts: list[EmailStr] = Field(default_factory=list)


class ExamSection(_Strict):
    pass_percent: int = Field(default=80, ge=1, le=100)
    retake_wait_months: int | None = Field(default=None, ge=0, le=120)
    retake_wait_days: int | None = Field(default=None, ge=0, le=3650, description="Older files: the wait in days.")
    retake_notice_weeks: int = Field(default=8, ge=0, le=104)
    registration_closes_weeks: int = Field(default=4, ge=0, le=104)
    accommodations_notice_weeks: int = Field(default=2, ge=0, le=104)
    scoring_days: int = Field(default=21, ge=1, le=365)
    sittings: list[_Sitting] = Field(default_factory=list, max_length=500)
    scorers: list[_Scorer] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_wait(self) -> ExamSection:
        if self.retake_wait_months is not None and self.retake_wait_days is not None:
            raise ValueError("give the retake wait in months or in days, not both")
        return self

    def rules(self, categories: Mapping[str, str]) -> ExamRules:
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
        scorers = [
            Reviewer(
                email=str(s.email),
                name=s.name,
                category=s.category,
                trained=s.trained,
                active=s.active,
                employer=s.employer,
                declared_conflicts=frozenset(str(e) for e in s.declared_conflicts),
            )
            for s in self.scorers
        ]
        if len({s.email for s in scorers}) != len(scorers):
            raise ValueError("exam: a scorer email is listed twice")
        return ExamRules(
            pass_percent=self.pass_percent,
            retake_wait_months=12 if self.retake_wait_months is None else self.retake_wait_months,
            retake_wait_days=self.retake_wait_days,
            retake_notice_weeks=self.retake_notice_weeks,
            accommodations_notice_weeks=self.accommodations_notice_weeks,
            scoring_days=self.scoring_days,
            sittings=sittings,
            scorers=MappingProxyType({s.email: s for s in scorers}),
        )
