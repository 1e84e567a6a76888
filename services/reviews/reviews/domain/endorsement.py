"""The Endorsement aggregate: the register entry an approval creates, through renewals, lapse, reinstatement and
revocation. Its id is the endorsement id the approval published."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .case import ReviewCase, endorsement_id_for
from .erasure import SURRENDER_REASON
from .errors import (
    EndorsementNotActive,
    EndorsementNotLapsed,
    InvalidReasons,
    NotYetRemovable,
    RenewalAlreadyApproved,
    RenewalNotOpen,
    RenewalTooLate,
)
from .renewal import RenewalTerms
from .values import MAX_ITEM_LENGTH, Actor, Applicant, Described


class EndorsementStatus(StrEnum):
    ACTIVE = "active"
    LAPSED = "lapsed"
    REVOKED = "revoked"


def renewal_id_for(endorsement_id: UUID, renewal_year: int) -> UUID:
    """One renewal per endorsement and year of the due date, whoever approves it and however often."""
    return uuid5(NAMESPACE_URL, f"renewal/{endorsement_id}/{renewal_year}")


def reinstatement_id_for(endorsement_id: UUID, lapse_number: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"reinstatement/{endorsement_id}/{lapse_number}")


class Endorsement(Aggregate):
    class Granted(Aggregate.Created):
        tenant: str
        review_case_id: UUID
        application_id: UUID
        holder: Applicant
        category: str
        category_name: str
        designation: str | None
        effective_date: date
        renewal_date: date
        removal_date: date
        emerging_until: date | None
        granted_by: Actor

        def describe(self) -> Described:
            details = {"review_case_id": str(self.review_case_id), "renewal_date": self.renewal_date.isoformat()}
            return Described("granted", "coordinator", self.granted_by, details)

    class RenewalApproved(Aggregate.Event):
        renewal_id: UUID
        renewal_year: int
        renewed_on: date
        renewal_date: date
        removal_date: date
        by: Actor

        def apply(self, aggregate: Any) -> None:
            aggregate.renewal_date = self.renewal_date
            aggregate.removal_date = self.removal_date
            aggregate.renewals.append(self.renewal_year)

        def describe(self) -> Described:
            return Described("renewal_approved", "coordinator", self.by,
                             {"renewal_year": str(self.renewal_year), "renewal_date": self.renewal_date.isoformat()})

    class Lapsed(Aggregate.Event):
        lapsed_on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.status = EndorsementStatus.LAPSED
            aggregate.lapses += 1
            aggregate.ended_on = self.lapsed_on

        def describe(self) -> Described:
            return Described("lapsed", "system", None, {"lapsed_on": self.lapsed_on.isoformat(), "reason": self.reason})

    class Reinstated(Aggregate.Event):
        reinstatement_id: UUID
        reinstated_on: date
        renewal_date: date
        removal_date: date
        application_id: UUID | None
        by: Actor

        def apply(self, aggregate: Any) -> None:
            aggregate.status = EndorsementStatus.ACTIVE
            aggregate.renewal_date = self.renewal_date
            aggregate.removal_date = self.removal_date
            aggregate.ended_on = None

        def describe(self) -> Described:
            return Described("reinstated", "coordinator", self.by,
                             {"reinstated_on": self.reinstated_on.isoformat(),
                              "renewal_date": self.renewal_date.isoformat()})

    class Revoked(Aggregate.Event):
        revoked_on: date
        reason: str
        by: Actor

        def apply(self, aggregate: Any) -> None:
            aggregate.status = EndorsementStatus.REVOKED
            aggregate.ended_on = self.revoked_on  # a lapsed one's register entry changed again: counted from now

        def describe(self) -> Described:
            if self.reason == SURRENDER_REASON:  # the holder surrendered it by asking to be erased
                return Described("revoked", "applicant", self.by, {"reason": self.reason})
            return Described("revoked", "coordinator", self.by, {"reason": self.reason})

    @classmethod
    def create_id(cls, review_case_id: UUID) -> UUID:
        return endorsement_id_for(review_case_id)

    @event(Granted)
    def __init__(self, *, tenant: str, review_case_id: UUID, application_id: UUID, holder: Applicant, category: str,
                 category_name: str, designation: str | None, effective_date: date, renewal_date: date,
                 removal_date: date, emerging_until: date | None, granted_by: Actor) -> None:
        self.tenant = tenant
        self.review_case_id = review_case_id
        self.application_id = application_id
        self.holder = holder
        self.category = category
        self.category_name = category_name
        self.designation = designation
        self.effective_date = effective_date
        self.renewal_date = renewal_date
        self.removal_date = removal_date
        self.emerging_until = emerging_until
        self.status = EndorsementStatus.ACTIVE
        self.renewals: list[int] = []
        self.lapses = 0
        self.ended_on: date | None = None
        """When it stopped being in force (its latest lapse or revocation); None while it is in force."""

    # Commands -----------------------------------------------------------------------------------

    def approve_renewal(self, by: Actor, *, today: date, terms: RenewalTerms, renewal_year: int | None = None) -> None:
        """Approve the renewal due on the current renewal date; the next falls due a year later."""
        if self.status is not EndorsementStatus.ACTIVE:
            raise EndorsementNotActive(f"the endorsement is {self.status}; a lapsed one is reinstated, not renewed")
        due_year = self.renewal_date.year
        year = renewal_year or due_year
        if year < due_year:
            raise RenewalAlreadyApproved(f"the {year} renewal was already approved; the next is due "
                                         f"{self.renewal_date}")
        opens = terms.opens_on(self.renewal_date)
        if year > due_year or (opens is not None and today < opens):
            raise RenewalNotOpen(f"the renewal due {self.renewal_date} opens on {opens}; today is {today}")
        if today > self.removal_date:
            raise RenewalTooLate(f"the removal date {self.removal_date} has passed; the endorsement must lapse and "
                                 "be reinstated")
        next_due = terms.rule.next_due_date(self.renewal_date)
        self.trigger_event(self.RenewalApproved, renewal_id=renewal_id_for(self.id, year), renewal_year=year,
                           renewed_on=today, renewal_date=next_due, removal_date=terms.removal_date(next_due), by=by)

    def lapse(self, today: date) -> None:
        """Remove an endorsement whose renewal was not completed by the removal date."""
        if self.status is not EndorsementStatus.ACTIVE:
            raise EndorsementNotActive(f"the endorsement is {self.status}")
        if not self.is_lapse_due(today):
            raise NotYetRemovable(f"the removal date is {self.removal_date}; today is {today}")
        self.trigger_event(self.Lapsed, lapsed_on=today,
                           reason=f"the renewal due {self.renewal_date} was not completed by {self.removal_date}")

    def reinstate(self, by: Actor, *, today: date, terms: RenewalTerms, application_id: UUID | None = None) -> None:
        """Reinstate a lapsed endorsement after its reinstatement was approved; renewals restart like a grant's."""
        if self.status is not EndorsementStatus.LAPSED:
            raise EndorsementNotLapsed(f"the endorsement is {self.status}; only a lapsed one can be reinstated")
        due = terms.rule.first_renewal_date(today)
        self.trigger_event(self.Reinstated, reinstatement_id=reinstatement_id_for(self.id, self.lapses),
                           reinstated_on=today, renewal_date=due, removal_date=terms.removal_date(due),
                           application_id=application_id, by=by)

    def revoke(self, by: Actor, *, today: date, reason: str) -> None:
        """Revoke permanently (active or lapsed), with the reason recorded."""
        if self.status is EndorsementStatus.REVOKED:
            raise EndorsementNotActive("the endorsement is already revoked")
        cleaned = " ".join(reason.split())
        if not cleaned or len(cleaned) > MAX_ITEM_LENGTH:
            raise InvalidReasons(f"a revocation needs a reason of 1 to {MAX_ITEM_LENGTH} characters")
        self.trigger_event(self.Revoked, revoked_on=today, reason=cleaned, by=by)

    def surrender(self, today: date) -> bool:
        """The holder was erased: the endorsement is revoked (reason `erasure`, by the holder's account), so their
        credential shows as revoked to verifiers. False when it was revoked already (nothing recorded)."""
        if self.status is EndorsementStatus.REVOKED:
            return False
        self.trigger_event(self.Revoked, revoked_on=today, reason=SURRENDER_REASON,
                           by=Actor(self.holder.account_id, None))
        return True

    # Queries ------------------------------------------------------------------------------------

    def is_lapse_due(self, today: date) -> bool:
        return self.status is EndorsementStatus.ACTIVE and today > self.removal_date


def granted_endorsement(case: ReviewCase, terms: RenewalTerms) -> Endorsement:
    """The register entry of an approved case (saved with the approval, in one transaction)."""
    if (case.endorsement_id is None or case.decided_by is None or case.effective_date is None
            or case.renewal_date is None):
        raise ValueError("only an approved case grants an endorsement")
    return Endorsement(
        tenant=case.tenant, review_case_id=case.id, application_id=case.application_id, holder=case.applicant,
        category=case.category, category_name=case.category_name, designation=case.designation,
        effective_date=case.effective_date, renewal_date=case.renewal_date,
        removal_date=terms.removal_date(case.renewal_date), emerging_until=case.emerging_until,
        granted_by=case.decided_by,
    )
