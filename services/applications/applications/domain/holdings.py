"""The Holding aggregate: one endorsement as the applications service knows it, from the reviews service's events.

Its id is the endorsement id. It follows grant, renewal, lapse, reinstatement and revocation (each applied once:
a second copy of the same review event changes nothing), records the holder's request for inactive status, and
decides whether a renewal (window open, one per renewal year) or a reinstatement (lapsed, one at a time) may start.

Inactive status (domain §5.2, IAITMH: hardship, keep membership, reactivate within 2 years) is recorded here only:
the sources say nothing of its effects at ITMHCA, so it changes no rule [assumption]. An inactive holder may still
renew, which reactivates the endorsement when the renewal is approved [assumption].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, CanMutateAggregate, event

from .legacy import applicant_text, is_erased
from .renewal_errors import (
    EndorsementNotActive,
    EndorsementRevoked,
    InvalidInactiveReason,
    NotLapsed,
    ReinstatementAlreadyOpen,
    RenewalAlreadyOpen,
    RenewalNotOpen,
)
from .renewals import ApplicationKind, RenewalDates
from .values import Applicant, PersonalText

MAX_REASON = 1000
IsOpen = Callable[[UUID], bool]
"""Whether an application (by id) is still open: neither withdrawn nor decided."""


class HoldingStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    LAPSED = "lapsed"
    REVOKED = "revoked"


HELD = frozenset({HoldingStatus.ACTIVE, HoldingStatus.INACTIVE})
"""The holder still holds the endorsement (a second application in its category is refused)."""
RENEWABLE = HELD


@dataclass(frozen=True)
class HoldingChange:
    """One line of the holding's history."""

    on: date
    what: str
    """`granted`, `renewed`, `lapsed`, `reinstated`, `revoked`, `inactive`, `renewal_started`,
    `reinstatement_started`."""
    status: HoldingStatus
    detail: str


@dataclass(frozen=True)
class StartedApplication:
    """A renewal or reinstatement application started for this holding."""

    application_id: UUID
    kind: ApplicationKind
    renewal_year: int | None
    lapse_number: int
    """Reinstatements: which lapse (1 for the first) it answers."""


def _seal_reason(state: dict[str, Any]) -> None:
    """Version 1 stored the reason in plaintext (`reason`): now sealed under the holder, None once they are erased
    (the store's mapper names the holder, from the holding's `Granted`)."""
    state["why"] = applicant_text(state, state.pop("reason"))


class Holding(Aggregate):
    class Event(Aggregate.Event):
        tenant: str

    class SealedReasonEvent(Event):
        """An event with a reason about the holder (`why`), sealed under the holder: None once they are erased.
        Version 1 stored the reason in plaintext (`reason`)."""

        class_version = 2
        why: PersonalText

        upcast_v1_v2 = staticmethod(_seal_reason)

        @property
        def reason(self) -> str | None:
            return self.why.text

    class Granted(Aggregate.Created):
        class_version = 2
        tenant: str
        holder: Applicant
        """Sealed under the holder's account (`applicant_v2`)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 may hold the holder in plaintext (the `applicant` transcoding): stored again, it is sealed;
            an erased holder's plaintext reads as erased."""
            holder: Applicant = state["holder"]
            if is_erased(holder.subject):
                state["holder"] = replace(holder, name=None, email=None)
        category: str
        category_name: str
        application_id: UUID
        effective_date: date
        renewal_date: date
        removal_date: date | None
        emerging: bool
        designation: str | None

    class Renewed(Event):
        renewal_id: UUID
        renewed_on: date
        renewal_date: date
        removal_date: date | None

        def apply(self, aggregate: Any) -> None:
            aggregate.applied.add(self.renewal_id)
            aggregate.status = HoldingStatus.ACTIVE
            aggregate.inactive_reason = None
            aggregate.renewal_date, aggregate.removal_date = self.renewal_date, self.removal_date
            aggregate._log(self.renewed_on, "renewed", f"next renewal due {self.renewal_date.isoformat()}")

    class Lapsed(SealedReasonEvent):
        """`why`: the reviews service's reason."""

        lapsed_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.status = HoldingStatus.LAPSED
            aggregate.lapsed_on = self.lapsed_on
            aggregate.lapses += 1
            aggregate._log(self.lapsed_on, "lapsed", self.why.text or "")

    class Reinstated(Event):
        reinstatement_id: UUID
        reinstated_on: date
        renewal_date: date
        removal_date: date | None

        def apply(self, aggregate: Any) -> None:
            aggregate.applied.add(self.reinstatement_id)
            aggregate.status = HoldingStatus.ACTIVE
            aggregate.renewal_date, aggregate.removal_date = self.renewal_date, self.removal_date
            aggregate._log(self.reinstated_on, "reinstated", f"next renewal due {self.renewal_date.isoformat()}")

    class Revoked(SealedReasonEvent):
        """`why`: the reviews service's reason."""

        revoked_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.status = HoldingStatus.REVOKED
            aggregate._log(self.revoked_on, "revoked", self.why.text or "")

    class MadeInactive(SealedReasonEvent):
        """`why`: the holder's own words."""

        requested_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.status = HoldingStatus.INACTIVE
            aggregate.inactive_reason = self.why.text
            """The holder's words; None once they are erased."""
            aggregate._log(self.requested_on, "inactive", self.why.text or "")

    class RenewalStarted(Event):
        application_id: UUID
        renewal_year: int
        started_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.started.append(
                StartedApplication(self.application_id, ApplicationKind.RENEWAL, self.renewal_year, aggregate.lapses))
            aggregate._log(self.started_on, "renewal_started",
                           f"{self.renewal_year} renewal: application {self.application_id}")

    class ReinstatementStarted(Event):
        application_id: UUID
        lapse_number: int
        started_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.started.append(
                StartedApplication(self.application_id, ApplicationKind.REINSTATEMENT, None, self.lapse_number))
            aggregate._log(self.started_on, "reinstatement_started", f"application {self.application_id}")

    @event(Granted)
    def __init__(
        self,
        id: UUID,
        tenant: str,
        holder: Applicant,
        category: str,
        category_name: str,
        application_id: UUID,
        effective_date: date,
        renewal_date: date,
        removal_date: date | None,
        emerging: bool,
        designation: str | None,
    ) -> None:
        self.tenant = tenant
        self.holder = holder
        self.category = category
        self.category_name = category_name
        self.application_id = application_id
        self.effective_date = effective_date
        self.renewal_date = renewal_date
        self.removal_date = removal_date
        self.emerging = emerging
        self.designation = designation
        self.status = HoldingStatus.ACTIVE
        self.lapsed_on: date | None = None
        self.lapses = 0
        self.inactive_reason: str | None = None
        self.applied: set[UUID] = set()
        """Renewal and reinstatement ids already applied (their copies change nothing)."""
        self.started: list[StartedApplication] = []
        self.history: list[HoldingChange] = [
            HoldingChange(effective_date, "granted", self.status, f"{category} endorsement granted")
        ]

    # Following the reviews service's events (each returns whether it changed anything) ----------------------

    @classmethod
    def grant(
        cls,
        endorsement_id: UUID,
        tenant: str,
        holder: Applicant,
        category: str,
        category_name: str,
        application_id: UUID,
        effective_date: date,
        renewal_date: date,
        removal_date: date | None,
        emerging: bool = False,
        designation: str | None = None,
    ) -> Holding:
        return cls(
            id=endorsement_id,
            tenant=tenant,
            holder=holder,
            category=category,
            category_name=category_name,
            application_id=application_id,
            effective_date=effective_date,
            renewal_date=renewal_date,
            removal_date=removal_date,
            emerging=emerging,
            designation=designation,
        )

    def renew(self, renewal_id: UUID, renewed_on: date, renewal_date: date, removal_date: date | None) -> bool:
        if self.status is HoldingStatus.REVOKED or renewal_id in self.applied:
            return False
        self.trigger_event(
            self.Renewed, renewal_id=renewal_id, renewed_on=renewed_on, renewal_date=renewal_date,
            removal_date=removal_date,
        )
        return True

    def lapse(self, lapsed_on: date, reason: str | None) -> bool:
        """`reason` is None when the holder is erased here (nothing can be sealed for them any more)."""
        if self.status in (HoldingStatus.REVOKED, HoldingStatus.LAPSED):
            return False
        self.trigger_event(self.Lapsed, lapsed_on=lapsed_on, why=self._sealed(reason))
        return True

    def reinstate(
        self, reinstatement_id: UUID, reinstated_on: date, renewal_date: date, removal_date: date | None
    ) -> bool:
        if self.status is HoldingStatus.REVOKED or reinstatement_id in self.applied:
            return False
        self.trigger_event(
            self.Reinstated,
            reinstatement_id=reinstatement_id,
            reinstated_on=reinstated_on,
            renewal_date=renewal_date,
            removal_date=removal_date,
        )
        return True

    def revoke(self, revoked_on: date, reason: str | None) -> bool:
        """`reason` is None when the holder is erased here (nothing can be sealed for them any more)."""
        if self.status is HoldingStatus.REVOKED:
            return False
        self.trigger_event(self.Revoked, revoked_on=revoked_on, why=self._sealed(reason))
        return True

    # The holder's commands ----------------------------------------------------------------------------------

    def make_inactive(self, reason: str, on: date) -> None:
        """Record the holder's request for inactive status (an active endorsement only)."""
        reason = reason.strip()
        if not reason or len(reason) > MAX_REASON:
            raise InvalidInactiveReason(f"give a reason of 1 to {MAX_REASON} characters")
        if self.status is not HoldingStatus.ACTIVE:
            raise EndorsementNotActive(f"an endorsement that is {self.status} cannot be made inactive")
        self.trigger_event(self.MadeInactive, requested_on=on, why=self._sealed(reason))

    def start_renewal(self, application_id: UUID, dates: RenewalDates, today: date, is_open: IsOpen) -> None:
        """Admit a renewal for the year now due, while its window is open and no other one for it is open."""
        if self.status is HoldingStatus.REVOKED:
            raise EndorsementRevoked("a revoked endorsement cannot be renewed")
        if self.status not in RENEWABLE:
            raise EndorsementNotActive(f"a {self.status} endorsement cannot be renewed; apply for reinstatement")
        if dates.year != self.renewal_date.year:
            raise ValueError(f"the renewal due is the one of {self.renewal_date.year}, not {dates.year}")
        if not dates.is_open_on(today):
            opens = f"from {dates.opens.isoformat()} " if dates.opens else ""
            raise RenewalNotOpen(
                f"the {dates.year} renewal (due {dates.due.isoformat()}) can be started {opens}"
                f"until {dates.removal.isoformat()}; today is {today.isoformat()}"
            )
        if any(
            s.kind is ApplicationKind.RENEWAL and s.renewal_year == dates.year and is_open(s.application_id)
            for s in self.started
        ):
            raise RenewalAlreadyOpen(f"a {dates.year} renewal of this endorsement is already open")
        self.trigger_event(self.RenewalStarted, application_id=application_id, renewal_year=dates.year,
                           started_on=today)

    def start_reinstatement(self, application_id: UUID, today: date, is_open: IsOpen) -> None:
        """Admit a reinstatement of a lapsed endorsement when none is open for the same lapse."""
        if self.status is HoldingStatus.REVOKED:
            raise EndorsementRevoked("a revoked endorsement cannot be reinstated")
        if self.status is not HoldingStatus.LAPSED:
            raise NotLapsed(f"only a lapsed endorsement can be reinstated; this one is {self.status}")
        if any(
            s.kind is ApplicationKind.REINSTATEMENT and s.lapse_number == self.lapses and is_open(s.application_id)
            for s in self.started
        ):
            raise ReinstatementAlreadyOpen("a reinstatement of this endorsement is already open")
        self.trigger_event(self.ReinstatementStarted, application_id=application_id, lapse_number=self.lapses,
                           started_on=today)

    def trigger_event(self, event_class: type[CanMutateAggregate[UUID]], **kwargs: Any) -> None:
        if issubclass(event_class, Holding.Event):
            kwargs.setdefault("tenant", self.tenant)
        super().trigger_event(event_class, **kwargs)

    # Queries ------------------------------------------------------------------------------------------------

    def is_holder(self, account_id: UUID) -> bool:
        return self.holder.account_id == account_id

    @property
    def held(self) -> bool:
        return self.status in HELD

    def _sealed(self, reason: str | None) -> PersonalText:
        """A reason about the holder: stored sealed under their subject, like the rest of their file."""
        return PersonalText(self.holder.subject, reason)

    # Helpers of the events' apply ---------------------------------------------------------------------------

    def _log(self, on: date, what: str, detail: str) -> None:
        self.history.append(HoldingChange(on, what, self.status, detail))
