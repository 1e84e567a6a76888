"""Renewal and reinstatement applications (domain §5): what kind an application is, the renewal calendar, and
the commands only those kinds have.

A renewal is an application of kind `renewal` for one endorsement and one renewal year; a reinstatement is one
of kind `reinstatement` for a lapsed endorsement. Both start from a `Holding` (see `holdings.py`), which decides
whether they may start. `RenewalsMixin` is mixed into the `Application` aggregate: its event becomes
`Application.RscProvisionDeclared` (stored topic `applications.domain.model:Application.RscProvisionDeclared`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Self
from uuid import UUID

from eventsourcing.domain import Aggregate

from .renewal_errors import NotARenewal
from .rules import RenewalRule
from .values import Applicant


class ApplicationKind(StrEnum):
    INITIAL = "initial"
    RENEWAL = "renewal"
    REINSTATEMENT = "reinstatement"


@dataclass(frozen=True)
class RenewalDates:
    """One renewal year's calendar under the association's renewal rule (domain §5.2).

    The renewal due in `year` may be started from `opens` (any time when the rule names no opening day) until
    `removal`; after `due` it is late (late fee). Its training and RSC count from `period_start`, the day after
    the previous year's due date.
    """

    year: int
    due: date
    removal: date
    opens: date | None
    period_start: date

    @classmethod
    def of(cls, rule: RenewalRule, year: int) -> RenewalDates:
        due = rule.due.in_year(year)
        return cls(
            year=year,
            due=due,
            removal=rule.removal.on_or_after(due),
            opens=rule.opens.on_or_before(due) if rule.opens else None,
            period_start=rule.due.in_year(year - 1) + timedelta(days=1),
        )

    def is_open_on(self, day: date) -> bool:
        return (self.opens is None or self.opens <= day) and day <= self.removal

    def is_late_on(self, day: date) -> bool:
        return day > self.due


@dataclass(frozen=True)
class RenewalContext:
    """What a renewal or reinstatement is judged against besides its entries (see `checks.renewal`)."""

    kind: ApplicationKind
    endorsement_id: UUID
    renewal_year: int | None = None
    """Renewals: the year whose renewal this is."""
    lapsed_on: date | None = None
    """Reinstatements: when the endorsement lapsed (references must be completed after it)."""
    provides_rsc: bool | None = None
    """The holder's declaration that they provide RSC (3 of the hours must then be about providing it)."""


class RenewalsMixin:
    """Kind-specific state and commands; the aggregate provides `tenant`, `_ensure_editable` and `trigger_event`."""

    kind: ApplicationKind = ApplicationKind.INITIAL
    endorsement_id: UUID | None = None
    renewal_year: int | None = None
    lapsed_on: date | None = None
    provides_rsc: bool | None = None
    """Class-level defaults: applications stored before renewals existed read back as initial applications."""

    if TYPE_CHECKING:

        def __init__(self, **kwargs: Any) -> None: ...

        def _ensure_editable(self) -> None: ...

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

    class RscProvisionDeclared(Aggregate.Event):
        provides_rsc: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.provides_rsc = self.provides_rsc

    @classmethod
    def open_for_holding(
        cls,
        kind: ApplicationKind,
        tenant: str,
        applicant: Applicant,
        category: str,
        category_name: str,
        endorsement_id: UUID,
        *,
        renewal_year: int | None = None,
        lapsed_on: date | None = None,
    ) -> Self:
        """A renewal (for `renewal_year`) or a reinstatement (of the lapse on `lapsed_on`) of an endorsement."""
        if kind is ApplicationKind.INITIAL:
            raise ValueError("initial applications are started with `Application.start`")
        if (kind is ApplicationKind.RENEWAL) != (renewal_year is not None):
            raise ValueError("a renewal, and only a renewal, names its renewal year")
        if (kind is ApplicationKind.REINSTATEMENT) != (lapsed_on is not None):
            raise ValueError("a reinstatement, and only a reinstatement, names the lapse date")
        return cls(
            tenant=tenant,
            applicant=applicant,
            category=category,
            category_name=category_name,
            kind=kind.value,
            endorsement_id=endorsement_id,
            renewal_year=renewal_year,
            lapsed_on=lapsed_on,
        )

    def _set_kind(
        self, kind: str, endorsement_id: UUID | None, renewal_year: int | None, lapsed_on: date | None
    ) -> None:
        """Called by `__init__` (the `Started` event) with what the application was started as."""
        self.kind = ApplicationKind(kind)
        self.endorsement_id = endorsement_id
        self.renewal_year = renewal_year
        self.lapsed_on = lapsed_on

    def declare_rsc_provision(self, provides_rsc: bool) -> None:
        """The holder says whether they provide RSC to others this renewal period."""
        self._ensure_editable()
        if self.kind is ApplicationKind.INITIAL:
            raise NotARenewal("only renewals and reinstatements declare whether the holder provides RSC")
        if provides_rsc is not self.provides_rsc:
            self.trigger_event(self.RscProvisionDeclared, provides_rsc=provides_rsc)

    def renewal_context(self) -> RenewalContext | None:
        """None for an initial application."""
        if self.kind is ApplicationKind.INITIAL or self.endorsement_id is None:
            return None
        return RenewalContext(
            kind=self.kind,
            endorsement_id=self.endorsement_id,
            renewal_year=self.renewal_year,
            lapsed_on=self.lapsed_on,
            provides_rsc=self.provides_rsc,
        )
