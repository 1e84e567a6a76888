"""What the requirement checker answers: for each requirement, met or not, progress and reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..spans import format_number


@dataclass(frozen=True)
class Progress:
    have: Decimal
    need: Decimal
    unit: str
    """`hours`, `days`, `families`, `cents`."""

    def __str__(self) -> str:
        return f"{format_number(self.have)} of {format_number(self.need)} {self.unit}"


@dataclass(frozen=True)
class Reason:
    """Why a requirement is not met; `code` is stable, `message` is for people."""

    code: str
    message: str
    params: Mapping[str, str | int | float] = field(default_factory=dict, compare=False, hash=False)
    """The numbers, dates and names `message` mentions (e.g. `have`, `need`, `window_months`), so a reader can
    phrase the reason in another language; dates are ISO strings."""


@dataclass(frozen=True)
class RequirementResult:
    code: str
    """Stable requirement code, e.g. `RSC_HOURS`."""
    tab: str
    """Where the applicant fixes it: `education`, `work`, `training`, `rsc`, `membership`, `attestations`, `fees`,
    `registration`."""
    met: bool
    detail: str
    progress: Progress | None = None
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class RequirementReport:
    rule_set_version: str
    on: date
    results: tuple[RequirementResult, ...]
    exam_required: bool
    not_checked: tuple[str, ...] = ()
    """Parts of the rule set this service does not check yet (e.g. references)."""

    @property
    def unmet(self) -> tuple[RequirementResult, ...]:
        return tuple(r for r in self.results if not r.met)

    @property
    def all_met(self) -> bool:
        return not self.unmet
