"""The ReviewCase aggregate: one submitted application, from receipt to the association's decision.

Commands check their guards first (the status table in lifecycle.py, the association's policy, eligibility and
conflicts), then trigger one event; the events (here and in case_events.py) only record and apply.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .assignment import Assignment, RecommendationKind
from .case_decisions import Decisions
from .case_events import ApprovedAsEmerging
from .case_intake import Intake
from .case_kinds import REGISTER_KINDS, CaseKind
from .case_register import CaseWork
from .case_reviewing import ReviewerWork
from .cycles import Cycle
from .errors import CaseKindConflict, EmergingNotAllowed, ExamRequired, InvalidDesignation, InvalidRenewalDate
from .examination.record import ExaminationRecord
from .lifecycle import CLOSED, WAITING_FOR_APPLICANT, Action, Status, require
from .personal import Fingerprint
from .policy import DEFAULT_POLICY, ReviewPolicy
from .reviewers import Relations
from .values import Actor, Applicant, Described, add_years

MAX_DESIGNATION_LENGTH = 100


def review_case_id(application_id: UUID, submission_number: int) -> UUID:
    """The case of one submission: the same id every time the submission is delivered."""
    return uuid5(NAMESPACE_URL, f"review-case/{application_id}/{submission_number}")


def endorsement_id_for(case_id: UUID) -> UUID:
    """The endorsement an approval of this case grants: one per case, whoever asks."""
    return uuid5(NAMESPACE_URL, f"endorsement/{case_id}")


class ReviewCase(Intake, ReviewerWork, Decisions, CaseWork, Aggregate):
    class Opened(Aggregate.Created):
        class_version = 4
        tenant: str
        application_id: UUID
        submission_number: int
        applicant: Applicant
        category: str
        category_name: str
        rule_set_version: str
        received_at: datetime
        relations: Relations
        kind: str
        endorsement_id: UUID | None
        renewal_year: int | None
        cycle: str | None
        cycle_opens_at: datetime | None
        cycle_deadline: datetime | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 knew nothing of the applicant's employer and related people."""
            state["employer"] = None
            state["related_emails"] = []

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Version 2 opened only applications, on rolling intake."""
            state.update(kind=CaseKind.INITIAL.value, endorsement_id=None, renewal_year=None, cycle=None,
                         cycle_opens_at=None, cycle_deadline=None)

        @staticmethod
        def upcast_v3_v4(state: dict[str, Any]) -> None:
            """Version 3 stored the employer and related people's addresses in plain text (and the applicant
            unsealed): they are compared as fingerprints from now on (`Relations.fingerprinted_with`)."""
            state["relations"] = Relations.unfingerprinted(state["applicant"].email, state.pop("employer"),
                                                           state.pop("related_emails"))

        def describe(self) -> Described:
            details = {"submission_number": str(self.submission_number), "category": self.category,
                       "rule_set_version": self.rule_set_version, "received_at": self.received_at.isoformat()}
            if self.kind != CaseKind.INITIAL:
                details["kind"] = self.kind
            if self.cycle is not None:
                details["cycle"] = self.cycle
            return Described("opened", "applicant", Actor(self.applicant.account_id, self.applicant.name), details)

    class Approved(Aggregate.Event):
        endorsement_id: UUID
        by: Actor
        effective_date: date
        renewal_date: date
        designation: str | None

        def apply(self, aggregate: Any) -> None:
            assert isinstance(aggregate, ReviewCase)
            aggregate.record_approval(self.endorsement_id, self.by, self.timestamp, self.effective_date,
                                      self.renewal_date, self.designation)

        def describe(self) -> Described:
            details = {"endorsement_id": str(self.endorsement_id), "effective_date": self.effective_date.isoformat(),
                       "renewal_date": self.renewal_date.isoformat()}
            if self.designation is not None:
                details["designation"] = self.designation
            return Described("approved", "coordinator", self.by, details)

    @classmethod
    def create_id(cls, application_id: UUID, submission_number: int) -> UUID:
        return review_case_id(application_id, submission_number)

    @event(Opened)
    def __init__(self, *, tenant: str, application_id: UUID, submission_number: int, applicant: Applicant,
                 category: str, category_name: str, rule_set_version: str, received_at: datetime,
                 relations: Relations, kind: str, endorsement_id: UUID | None,
                 renewal_year: int | None, cycle: str | None, cycle_opens_at: datetime | None,
                 cycle_deadline: datetime | None) -> None:
        self.tenant = tenant
        self.kind = CaseKind(kind)
        self.renewal_year = renewal_year
        self.cycle = cycle
        self.cycle_opens_at = cycle_opens_at
        self.cycle_deadline = cycle_deadline
        self.application_id = application_id
        self.submission_number = submission_number
        self.latest_submission = submission_number
        self.applicant = applicant
        self.category = category
        self.category_name = category_name
        self.rule_set_version = rule_set_version
        self.received_at = received_at
        self.relations = relations
        self.status = Status.OPEN
        self.resume_status: Status | None = None
        self.requested_items: list[str] = []
        self.reviewers_required = 1
        self.sequential = True
        self.blind = True
        self.assignments: dict[str, Assignment] = {}
        """By the subject of each reviewer's address (`RosterMember.subject`)."""
        self.consensus: RecommendationKind | None = None
        self.exam = ExaminationRecord()
        self.endorsement_id: UUID | None = endorsement_id
        """The register entry a renewal or reinstatement is about; for an application, the one its approval grants."""
        self.decided_by: Actor | None = None
        self.decided_at: datetime | None = None
        self.effective_date: date | None = None
        self.renewal_date: date | None = None
        self.designation: str | None = None
        self.emerging_until: date | None = None
        self.decision_reasons: list[str] = []
        self.recommendations: list[str] = []
        self.earliest_rereview_on: date | None = None
        self.withdrawn_at: datetime | None = None
        self.withdrawal_reason: str | None = None

    # Opening ------------------------------------------------------------------------------------

    @classmethod
    def open(cls, *, tenant: str, application_id: UUID, submission_number: int, applicant: Applicant,
             category: str, category_name: str, rule_set_version: str, received_at: datetime,
             fingerprint: Fingerprint, employer: str | None = None, related_emails: Iterable[str] = (),
             kind: CaseKind = CaseKind.INITIAL, endorsement_id: UUID | None = None, renewal_year: int | None = None,
             cycle: Cycle | None = None) -> ReviewCase:
        """Open the case of a submission that was received for review (in `cycle`, unless on rolling intake).
        The employer and related people are kept only as fingerprints (`fingerprint`), for the conflict rules."""
        if received_at.tzinfo is None:
            raise ValueError("the time of receipt must be timezone-aware")
        if submission_number < 1:
            raise ValueError("submission numbers start at 1")
        if (kind in REGISTER_KINDS) != (endorsement_id is not None):
            raise ValueError("renewals and reinstatements, and only they, name the endorsement they are about")
        return cls(tenant=tenant, application_id=application_id, submission_number=submission_number,
                   applicant=applicant, category=category, category_name=category_name,
                   rule_set_version=rule_set_version, received_at=received_at,
                   relations=Relations.of(fingerprint, applicant.email, employer, related_emails),
                   kind=kind.value, endorsement_id=endorsement_id,
                   renewal_year=renewal_year if kind is CaseKind.RENEWAL else None,
                   cycle=None if cycle is None else cycle.id, cycle_opens_at=None if cycle is None else cycle.opens_at,
                   cycle_deadline=None if cycle is None else cycle.deadline)

    # Approval -----------------------------------------------------------------------------------

    def approve(self, by: Actor, effective_date: date, designation: str | None, renewal_date: date, *,
                policy: ReviewPolicy | None = None, emerging: bool = False) -> None:
        """Endorse the applicant from `effective_date`, first renewal due `renewal_date`; as emerging when asked
        and the category allows it (the remaining requirements then fall due after the category's years)."""
        policy = policy or DEFAULT_POLICY
        if self.kind is not CaseKind.INITIAL:
            raise CaseKindConflict(f"a {self.kind} case is approved against its endorsement, not as a new grant")
        if self.status is Status.APPROVED_FOR_EXAM:
            raise ExamRequired("the applicant has not passed every part of the exam yet")
        if self.status is not Status.EXAM_PASSED:
            require(self.status, Action.DECIDE, direct_decision=policy.coordinator_decides_directly)
            if policy.exam_required(self.category, self.received_at):
                raise ExamRequired(f"{self.category} requires the exam under the rules in force at submission; "
                                   "approve the applicant for the exam first")
        if renewal_date <= effective_date:
            raise InvalidRenewalDate(f"the renewal date {renewal_date} must be after the effective date "
                                     f"{effective_date}")
        cleaned = _cleaned_designation(designation)
        if not emerging:
            self.trigger_event(self.Approved, endorsement_id=endorsement_id_for(self.id), by=by,
                               effective_date=effective_date, renewal_date=renewal_date, designation=cleaned)
            return
        years = policy.emerging_years(self.category)
        if years is None:
            raise EmergingNotAllowed(f"{self.category} cannot be endorsed as emerging")
        self.trigger_event(ApprovedAsEmerging, endorsement_id=endorsement_id_for(self.id), by=by,
                           effective_date=effective_date, renewal_date=renewal_date, designation=cleaned,
                           emerging_until=add_years(effective_date, years))

    def record_approval(self, endorsement_id: UUID, by: Actor, at: datetime, effective_date: date,
                        renewal_date: date, designation: str | None) -> None:
        """Applied by the approval events only."""
        self.status = Status.APPROVED
        self.endorsement_id = endorsement_id
        self.decided_by = by
        self.decided_at = at
        self.effective_date = effective_date
        self.renewal_date = renewal_date
        self.designation = designation

    # Queries ------------------------------------------------------------------------------------

    @property
    def opened_at(self) -> datetime:
        return self.created_on

    @property
    def is_open(self) -> bool:
        """Not decided yet (it may be waiting for the applicant)."""
        return self.status not in CLOSED

    @property
    def is_waiting_for_applicant(self) -> bool:
        return self.status in WAITING_FOR_APPLICANT

    @property
    def emerging(self) -> bool:
        return self.emerging_until is not None


def _cleaned_designation(designation: str | None) -> str | None:
    """A designation is an optional short label (e.g. "Clinical"); blank means none."""
    if designation is None:
        return None
    cleaned = " ".join(designation.split())
    if len(cleaned) > MAX_DESIGNATION_LENGTH:
        raise InvalidDesignation(f"a designation has at most {MAX_DESIGNATION_LENGTH} characters")
    return cleaned or None
