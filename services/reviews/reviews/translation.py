"""Stored review events -> public integration events. The only place the two meet.

Each translator gets the aggregate as it stood right after the event, and the event. Stored events with no
translator (completeness passed, accepted assignments, recommendations, the endorsement's creation) stay private.
A stored event that ends reviewers' assignments also becomes one `ReviewerReleased` per assignment it ends (a list;
the relay gives each its own `ce_id`): a decline, a coordinator's withdrawal of a reviewer, and the case's closing by
the applicant's withdrawal, a deferral, or a renewal's or reinstatement's approval. A decision that decides the
application itself (`EndorsementGranted`, `EndorsementDenied`) carries no releases: the applications service ends
every reviewer's access to a decided application.

The relay also answers the erasure ledger: a recorded `Erasure.SubjectErased` becomes `ErasureCompleted` on
`endorsement.erasures.v1`, and a stored register retention decision (`RegisterRetention.ErasureDue`) becomes
`ErasureDue` there (ids only; its `ce_id`, from the decision's id, is the same for every relay of it). Personal
values are stored sealed, and loading opens them; an event that names an erased applicant (translated again after
the erasure, e.g. republished into a new broker epoch) is not published: the topic must not name them again, and
nothing readable of theirs is left to name them with. Likewise an erased reviewer's assignment and releases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal
from uuid import UUID

import endorsement_contracts.events as contract
from endorsement_contracts import IntegrationEvent, Person
from eventsourcing.domain import DomainEventProtocol

from .application import Reviews
from .domain import Applicant, Endorsement, ReviewCase
from .domain import case_events as case_event
from .domain.erasure import SERVICE, Erasure
from .domain.examination import events as exam_event
from .domain.examination.aggregate import Examination
from .domain.personal import RosterMember
from .domain.retention import REASON as RETENTION_REASON
from .domain.retention import RegisterRetention


class ApplicantErased(Exception):
    """The event names an applicant who was erased: it is not published."""


def person(applicant: Applicant) -> Person:
    if applicant.name is None or applicant.email is None:
        raise ApplicantErased
    return Person(account_id=applicant.account_id, name=applicant.name, email=applicant.email)


def erasure_completed(e: Erasure.SubjectErased) -> contract.ErasureCompleted:
    """The same `ce_id` on every relay of it: the gateway counts each service's answer once."""
    return contract.ErasureCompleted(tenant=e.tenant, occurred_at=e.erased_at, erasure_id=e.erasure_id,
                                     subject=e.subject, service=SERVICE)


def erasure_due(e: RegisterRetention.ErasureDue) -> contract.ErasureDue:
    return contract.ErasureDue(tenant=e.tenant, occurred_at=e.decided_at, subject=e.subject, reason=RETENTION_REASON,
                               ended_on=e.ended_on, retention_years=e.retention_years)


def _case_facts(case: ReviewCase, e: Any) -> dict[str, Any]:
    return {"tenant": case.tenant, "occurred_at": e.timestamp, "review_case_id": case.id,
            "application_id": case.application_id, "category": case.category}


def endorsement_granted(case: ReviewCase, approved: Any) -> contract.EndorsementGranted:
    """The public fact of an approval (plain or emerging)."""
    emerging_until = getattr(approved, "emerging_until", None)
    return contract.EndorsementGranted(
        **_case_facts(case, approved), endorsement_id=approved.endorsement_id, applicant=person(case.applicant),
        category_name=case.category_name, designation=approved.designation, emerging=emerging_until is not None,
        emerging_until=emerging_until, effective_date=approved.effective_date, renewal_date=approved.renewal_date,
        granted_by=approved.by.account_id,
    )


def review_opened(case: ReviewCase, e: Any) -> contract.ReviewOpened:
    return contract.ReviewOpened(
        **_case_facts(case, e), submission_number=case.submission_number, applicant=person(case.applicant),
        category_name=case.category_name, rule_set_version=case.rule_set_version, received_at=case.received_at,
        kind=case.kind.value, cycle=case.cycle, cycle_opens_at=case.cycle_opens_at, cycle_deadline=case.cycle_deadline,
    )


def reviewer_assigned(case: ReviewCase, e: Any) -> contract.ReviewerAssigned | None:
    """None once the reviewer is erased."""
    reviewer: RosterMember = e.reviewer
    if reviewer.email is None or reviewer.name is None:
        return None
    return contract.ReviewerAssigned(**_case_facts(case, e), reviewer_email=reviewer.email,
                                     reviewer_name=reviewer.name, slot=e.slot, assigned_by=e.by.account_id)


Translation = IntegrationEvent | list[IntegrationEvent] | None
"""Nothing, one integration event, or several (the relay publishes each)."""


def _released(case: ReviewCase, e: Any, reviewers: Iterable[RosterMember],
              reason: Literal["declined", "withdrawn", "case_closed"]) -> list[IntegrationEvent] | None:
    """One `ReviewerReleased` per ended assignment of a reviewer not erased; None when that leaves none."""
    released: list[IntegrationEvent] = [
        contract.ReviewerReleased(tenant=case.tenant, occurred_at=e.timestamp, review_case_id=case.id,
                                  application_id=case.application_id, reviewer_email=email, reason=reason)
        for email in sorted(r.email for r in reviewers if r.email is not None)
    ]
    return released or None


def assignment_answered(case: ReviewCase, e: Any) -> Translation:
    """An accepted assignment stays private; a declined one releases the reviewer."""
    return None if e.accepted else _released(case, e, [e.reviewer], "declined")


def reviewer_withdrawn(case: ReviewCase, e: Any) -> Translation:
    return _released(case, e, [e.reviewer], "withdrawn")


def case_withdrawn(case: ReviewCase, e: Any) -> Translation:
    """The applicant's withdrawal stays private (the applications service published it); its reviewers are released."""
    return _released(case, e, e.reviewers, "case_closed")


def register_case_approved(case: ReviewCase, e: Any) -> Translation:
    """A renewal's or reinstatement's approval is published by the endorsement; the case's live reviewers (the
    approval leaves their assignments as they were) are released, since no application decision follows."""
    return _released(case, e, [a.reviewer for a in case.live_assignments], "case_closed")


def information_requested(case: ReviewCase, e: Any) -> contract.InformationRequested:
    incomplete = isinstance(e, case_event.ReturnedIncomplete)
    return contract.InformationRequested(
        **_case_facts(case, e), submission_number=case.latest_submission, applicant=person(case.applicant),
        stage="completeness" if incomplete else "review", items=e.items, message=e.message,
        requested_by=e.by.account_id, requested_by_role="coordinator" if incomplete else e.by_role,
    )


def application_deferred(case: ReviewCase, e: Any) -> Translation:
    """The deferral, then the release of every live reviewer: the case is closed, and the application is not decided
    (a resubmission opens a new case with its own reviewers)."""
    deferred = contract.ApplicationDeferred(
        **_case_facts(case, e), applicant=person(case.applicant), reasons=e.reasons,
        recommendations=e.recommendations, earliest_rereview_on=e.earliest_rereview_on, deferred_by=e.by.account_id,
    )
    released = _released(case, e, [a.reviewer for a in case.live_assignments], "case_closed")
    return deferred if released is None else [deferred, *released]


def approved_for_exam(case: ReviewCase, e: Any) -> contract.ApprovedForExam:
    return contract.ApprovedForExam(**_case_facts(case, e), applicant=person(case.applicant),
                                    category_name=case.category_name, approved_by=e.by.account_id)


def exam_scored(case: ReviewCase, e: Any) -> contract.ExamScored:
    return contract.ExamScored(
        **_case_facts(case, e), attempt=e.attempt, taken_on=e.taken_on, part1_percent=e.part1_percent,
        part1_passed=e.part1_passed, part2_passed=e.part2_passed, passed=e.passed,
        retake_eligible_on=e.retake_eligible_on, recorded_by=e.by.account_id,
    )


def exam_registered(examination: Examination, e: Any) -> contract.ExamRegistered:
    """No examinee identity, no candidate number, no accommodations' details."""
    return contract.ExamRegistered(
        tenant=examination.tenant, occurred_at=e.timestamp, review_case_id=examination.review_case_id,
        application_id=examination.application_id, category=examination.category, attempt=e.attempt,
        sitting=e.sitting, parts=e.parts, retake=e.retake, accommodations_requested=e.accommodations_requested,
        registered_by_role="applicant" if e.by_role == "applicant" else "coordinator",
        registered_by=None if e.by_role == "applicant" else e.by.account_id,
    )


def endorsement_denied(case: ReviewCase, e: Any) -> contract.EndorsementDenied:
    return contract.EndorsementDenied(**_case_facts(case, e), applicant=person(case.applicant), reasons=e.reasons,
                                      denied_by=e.by.account_id)


def renewal_approved(endorsement: Endorsement, e: Any) -> contract.RenewalApproved:
    return contract.RenewalApproved(
        tenant=endorsement.tenant, occurred_at=e.timestamp, endorsement_id=endorsement.id, renewal_id=e.renewal_id,
        category=endorsement.category, renewed_on=e.renewed_on, renewal_date=e.renewal_date,
        approved_by=e.by.account_id,
    )


def endorsement_lapsed(endorsement: Endorsement, e: Any) -> contract.EndorsementLapsed:
    return contract.EndorsementLapsed(tenant=endorsement.tenant, occurred_at=e.timestamp,
                                      endorsement_id=endorsement.id, category=endorsement.category,
                                      lapsed_on=e.lapsed_on, reason=e.reason)


def endorsement_reinstated(endorsement: Endorsement, e: Any) -> contract.EndorsementReinstated:
    return contract.EndorsementReinstated(
        tenant=endorsement.tenant, occurred_at=e.timestamp, endorsement_id=endorsement.id,
        reinstatement_id=e.reinstatement_id, category=endorsement.category, reinstated_on=e.reinstated_on,
        renewal_date=e.renewal_date, approved_by=e.by.account_id,
    )


def endorsement_revoked(endorsement: Endorsement, e: Any) -> contract.EndorsementRevoked:
    return contract.EndorsementRevoked(tenant=endorsement.tenant, occurred_at=e.timestamp,
                                       endorsement_id=endorsement.id, category=endorsement.category,
                                       revoked_on=e.revoked_on, reason=e.reason, revoked_by=e.by.account_id)


TRANSLATORS: dict[type[Any], Callable[[Any, Any], Translation]] = {
    ReviewCase.Opened: review_opened,
    ReviewCase.Approved: endorsement_granted,
    case_event.ApprovedAsEmerging: endorsement_granted,
    case_event.ReviewerAssigned: reviewer_assigned,
    case_event.AssignmentAnswered: assignment_answered,
    case_event.ReviewerWithdrawn: reviewer_withdrawn,
    case_event.Withdrawn: case_withdrawn,
    case_event.RenewalCaseApproved: register_case_approved,
    case_event.ReinstatementCaseApproved: register_case_approved,
    case_event.ReturnedIncomplete: information_requested,
    case_event.InformationRequested: information_requested,
    case_event.Deferred: application_deferred,
    case_event.ApprovedForExam: approved_for_exam,
    case_event.ExamScored: exam_scored,
    exam_event.Registered: exam_registered,
    case_event.Denied: endorsement_denied,
    Endorsement.RenewalApproved: renewal_approved,
    Endorsement.Lapsed: endorsement_lapsed,
    Endorsement.Reinstated: endorsement_reinstated,
    Endorsement.Revoked: endorsement_revoked,
}


class Translator:
    """The outbox relay's translator: events that other services need become integration events."""

    def __init__(self, app: Reviews) -> None:
        self.app = app

    def __call__(self, domain_event: DomainEventProtocol[UUID]) -> Translation:
        if isinstance(domain_event, Erasure.SubjectErased):
            return erasure_completed(domain_event)
        if isinstance(domain_event, RegisterRetention.ErasureDue):
            return erasure_due(domain_event)
        translate = TRANSLATORS.get(type(domain_event))
        if translate is None:
            return None
        aggregate: object = self.app.repository.get(domain_event.originator_id, version=domain_event.originator_version)
        try:
            return translate(aggregate, domain_event)
        except ApplicantErased:
            return None
