"""Stored events of the references tab; each applies itself to the Application's `references`.

Guards live in the commands (`references.py`); an event only records what was decided. Only a SHA-256 of each
link's secret is stored: the secret itself is derived again when the link is sent (see `reference_links`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from .legacy import address_subject, applicant_text, unless_erased
from .reference_data import Answer, LinkRequest, Rater, RaterIdentity, Reference, Vetting, VoidReason
from .rules import RaterRole
from .values import PersonalText


class ReferenceEvent(Aggregate.Event):
    tenant: str
    reference_id: UUID
    at: datetime
    """When it happened (the command's clock, so tests can place it exactly)."""

    def reference(self, aggregate: Any) -> Reference:
        found: Reference = aggregate.references[self.reference_id]
        return found

    def put(self, aggregate: Any, reference: Reference) -> None:
        aggregate.references[self.reference_id] = reference


class RaterNamed(ReferenceEvent):
    """The applicant named a rater for a slot; the first email (request 1) goes out with its link."""

    class_version = 2
    slot: int
    rater: RaterIdentity
    """Name and address, sealed under the rater's subject (None once the rater is erased)."""
    rater_kind: str
    endorsed_category: str | None
    relationship: str | None
    waived: bool
    vetting: str
    secret_hash: str
    expires_at: datetime
    rater_language: str | None = None
    """Absent on events recorded before raters had a language."""

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Stored before sealing: plaintext `rater_name` and `rater_email` (no subject recorded)."""
        name, email = state.pop("rater_name"), state.pop("rater_email")
        subject = address_subject(state, email)  # the rater's own subject, as `RaterNamed` seals under now
        state["rater"] = RaterIdentity(subject, unless_erased(subject, name), unless_erased(subject, email))

    @property
    def rater_name(self) -> str | None:
        return self.rater.name

    @property
    def rater_email(self) -> str | None:
        return self.rater.email

    def apply(self, aggregate: Any) -> None:
        rater = Rater(self.rater.name, self.rater.email, RaterRole(self.rater_kind), self.endorsed_category,
                      self.relationship, self.rater_language, self.rater.subject)
        request = LinkRequest(1, self.secret_hash, self.at, self.expires_at)
        self.put(aggregate, Reference(self.reference_id, self.slot, rater, self.waived, self.at, request,
                                      Vetting(self.vetting)))


class ReferenceRequestedAgain(ReferenceEvent):
    """A new email with a new link: the applicant re-sent it, or a reminder went out. The old link is dead."""

    request_number: int
    reminder: bool
    secret_hash: str
    expires_at: datetime

    def apply(self, aggregate: Any) -> None:
        reference = self.reference(aggregate)
        request = LinkRequest(self.request_number, self.secret_hash, self.at, self.expires_at, self.reminder)
        reminders = reference.reminders_sent + 1 if self.reminder else 0
        self.put(aggregate, replace(reference, request=request, reminders_sent=reminders,
                                    requests_made=reference.requests_made + 1))


class WaiverChosen(ReferenceEvent):
    waived: bool

    def apply(self, aggregate: Any) -> None:
        self.put(aggregate, replace(self.reference(aggregate), waived=self.waived))


class ReferenceAnswered(ReferenceEvent):
    """The rater submitted the form. `counted` is False when too many items had not enough information."""

    request_number: int
    completed_on: date
    valid_until: date
    """Under the rules of the completion date; a submission is judged under its own date's rules."""
    class_version = 2
    ratings: dict[str, str]
    comments: PersonalText
    """Sealed under the applicant's subject: the reference is part of their file."""
    not_enough_information: int
    counted: bool

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Stored before sealing: plaintext `comments`."""
        state["comments"] = applicant_text(state, state["comments"])

    def apply(self, aggregate: Any) -> None:
        answer = Answer(self.request_number, self.at, self.completed_on, dict(self.ratings), self.comments.text,
                        self.not_enough_information)
        reference = replace(self.reference(aggregate), answer=answer)
        if not self.counted:
            reference = replace(reference, void_reason=VoidReason.NOT_ENOUGH_INFORMATION,
                                void_detail=f"{self.not_enough_information} items rated 'not enough information'")
        self.put(aggregate, reference)


class ReferenceWithdrawn(ReferenceEvent):
    """The applicant withdrew the reference (e.g. to name another rater in its slot)."""

    replaced_by: UUID | None

    def apply(self, aggregate: Any) -> None:
        detail = f"replaced by reference {self.replaced_by}" if self.replaced_by else "withdrawn by the applicant"
        self.put(aggregate, replace(self.reference(aggregate), void_reason=VoidReason.WITHDRAWN, void_detail=detail))


class RaterVetted(ReferenceEvent):
    """A coordinator vetted a rater who is not endorsed at the slot's level; a refusal voids the reference."""

    class_version = 2
    approved: bool
    why: PersonalText
    """The coordinator's reason, sealed under the applicant's subject: the reference is part of their file."""
    by: UUID

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Stored before sealing: a plaintext `reason`."""
        state["why"] = applicant_text(state, state.pop("reason"))

    @property
    def reason(self) -> str | None:
        """None when none was given, and once the applicant is erased."""
        return self.why.text

    def apply(self, aggregate: Any) -> None:
        reference = replace(self.reference(aggregate), vetting=Vetting.APPROVED if self.approved else Vetting.REFUSED,
                            vetting_reason=self.reason)
        if not self.approved:
            reference = replace(reference, void_reason=VoidReason.VETTING_REFUSED,
                                void_detail=self.reason or "the coordinator did not accept the rater")
        self.put(aggregate, reference)


class ReferenceDeclined(ReferenceEvent):
    """The rater declined through their link: the reference is void and its slot free for another rater."""

    class_version = 2
    request_number: int
    reason: PersonalText
    """The rater's words, sealed under the applicant's subject."""

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Stored before sealing: a plaintext `reason`."""
        state["reason"] = applicant_text(state, state["reason"])

    def apply(self, aggregate: Any) -> None:
        self.put(aggregate, replace(self.reference(aggregate), void_reason=VoidReason.DECLINED,
                                    void_detail=self.reason.text or "the rater declined"))
