"""Given/when/then for renewal and reinstatement cases: opened once per submission, approved against the
endorsement they are about (RenewalApproved, EndorsementReinstated), returned for information like an application."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import endorsement_contracts.events as contract
import pytest
from reviews.application import Reviews, Submission
from reviews.config import Tenant
from reviews.domain import (
    Actor,
    Applicant,
    CaseKind,
    Endorsement,
    EndorsementStatus,
    RecommendationKind,
    ReviewCase,
    Status,
    renewal_id_for,
)
from reviews.domain.errors import CaseKindConflict, EndorsementNotLapsed, InvalidRecommendation, RenewalNotOpen
from reviews.translation import Translator

from .personal_data import FINGERPRINT, on_roster, subject

PHOENIX = ZoneInfo("America/Phoenix")
COORDINATOR = Actor(account_id=uuid4(), name="Cora Coordinator")
HOLDER = Applicant(account_id=uuid4(), name="Hana Holder", email="hana@example.org")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PHOENIX)


def submission(kind: CaseKind = CaseKind.INITIAL, *, endorsement_id: UUID | None = None, number: int = 1,
               application_id: UUID | None = None, received_on: date = date(2025, 1, 20),
               renewal_year: int | None = None) -> Submission:
    return Submission(tenant="itmhca", application_id=application_id or uuid4(), submission_number=number,
                      applicant=HOLDER, category="IFS", category_name="Infant Family Specialist",
                      rule_set_version="itmhca/IFS/2025-01-01", received_at=at(received_on), kind=kind,
                      endorsement_id=endorsement_id, renewal_year=renewal_year)


def save_case(reviews: Reviews, sub: Submission, tenant: Tenant) -> ReviewCase:
    case = reviews.intake.case_for(sub, cycles=tenant.cycles)
    assert case is not None
    reviews.save(case)
    return case


def granted(reviews: Reviews, tenant: Tenant) -> UUID:
    """An IFS endorsement effective 3 February 2025: first renewal due 15 December 2026, removal 1 February 2027."""
    case = save_case(reviews, submission(), tenant)
    endorsement_id = reviews.decisions.approve(case.id, tenant=tenant, by=COORDINATOR, effective_date=date(2025, 2, 3),
                                               now=at(date(2025, 2, 3))).case.endorsement_id
    assert endorsement_id is not None
    return endorsement_id


def published(reviews: Reviews, since: int = 1) -> list[Any]:
    translate = Translator(reviews)
    notifications = reviews.process_recorder.select_notifications(since, 1000)
    return [p for p in (translate(reviews.mapper.to_domain_event(n)) for n in notifications) if p is not None]


def test_a_renewal_opens_its_own_case_once_and_its_approval_renews_the_endorsement(reviews: Reviews,
                                                                                   itmhca: Tenant) -> None:
    # given an endorsement due for renewal on 15 December 2026, and the holder's renewal submitted in November
    endorsement_id = granted(reviews, itmhca)
    position = reviews.recorder.max_notification_id() or 0
    renewal = submission(CaseKind.RENEWAL, endorsement_id=endorsement_id, received_on=date(2026, 11, 2),
                         renewal_year=2026)
    case = save_case(reviews, renewal, itmhca)
    # then it is a renewal case about that endorsement, taken as it comes (no review cycle), opened once
    assert (case.kind, case.endorsement_id, case.renewal_year, case.cycle) == (CaseKind.RENEWAL, endorsement_id,
                                                                              2026, None)
    assert reviews.intake.case_for(renewal, cycles=itmhca.cycles) is None
    # when the coordinator approves it
    decided = reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, now=at(date(2026, 11, 10)))
    # then the case is approved and the endorsement renewed in the same save, once for 2026
    assert decided.case.status is Status.APPROVED
    assert [e.action for e in decided.history] == ["opened", "renewal_approved"]
    endorsement = reviews.get_endorsement(endorsement_id, "itmhca")
    assert (endorsement.renewals, endorsement.renewal_date) == ([2026], date(2027, 12, 15))
    events = published(reviews, position + 1)
    assert [type(e).__name__ for e in events] == ["ReviewOpened", "RenewalApproved"]
    opened, renewed = events
    assert (opened.kind, opened.cycle, opened.application_id) == ("renewal", None, renewal.application_id)
    assert isinstance(renewed, contract.RenewalApproved)
    assert (renewed.endorsement_id, renewed.renewal_id) == (endorsement_id, renewal_id_for(endorsement_id, 2026))


def test_a_renewal_returned_for_information_resumes_on_resubmission(reviews: Reviews, itmhca: Tenant) -> None:
    endorsement_id = granted(reviews, itmhca)
    renewal = submission(CaseKind.RENEWAL, endorsement_id=endorsement_id, received_on=date(2026, 11, 2),
                         renewal_year=2026)
    case = save_case(reviews, renewal, itmhca)
    position = reviews.recorder.max_notification_id() or 0
    # when it is returned: the holder hears it under the renewal application's id
    reviews.intake.return_incomplete(case.id, tenant=itmhca, by=COORDINATOR, items=["RSC hours log"])
    [requested] = published(reviews, position + 1)
    assert isinstance(requested, contract.InformationRequested)
    assert (requested.application_id, requested.stage, requested.key) == (
        renewal.application_id, "completeness", str(renewal.application_id))
    # and the resubmitted renewal resumes the same case, which is then approved
    resumed = reviews.intake.case_for(replace(renewal, submission_number=2, received_at=at(date(2026, 11, 20))))
    assert resumed is not None and resumed.id == case.id
    reviews.save(resumed)
    assert reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, now=at(date(2026, 11, 21))).case.status \
        is Status.APPROVED


def test_a_renewal_case_goes_to_no_reviewer_and_is_refused_outside_the_renewal_window(reviews: Reviews,
                                                                                     itmhca: Tenant) -> None:
    endorsement_id = granted(reviews, itmhca)
    case = save_case(reviews, submission(CaseKind.RENEWAL, endorsement_id=endorsement_id, renewal_year=2026,
                                         received_on=date(2026, 9, 1)), itmhca)
    mentor = next(iter(itmhca.reviewers))
    with pytest.raises(CaseKindConflict):
        reviews.reviewing.assign_reviewer(case.id, tenant=itmhca, by=COORDINATOR, reviewer_email=mentor,
                                          now=at(date(2026, 9, 2)))
    with pytest.raises(CaseKindConflict):
        reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, emerging=True, now=at(date(2026, 10, 2)))
    # the renewal window opens on 1 October: in September the register refuses, and nothing is saved
    with pytest.raises(RenewalNotOpen):
        reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, now=at(date(2026, 9, 2)))
    assert [type(e).__name__ for e in reviews.events.get(case.id)] == ["Opened"]
    assert reviews.get_endorsement(endorsement_id, "itmhca").renewals == []


def test_a_reinstatement_is_reviewed_in_a_cycle_and_its_approval_reinstates_the_lapsed_endorsement(
    reviews: Reviews, itmhca: Tenant
) -> None:
    # given an endorsement that lapsed after its removal date (1 February 2027) without renewal
    endorsement_id = granted(reviews, itmhca)
    reinstatement = submission(CaseKind.REINSTATEMENT, endorsement_id=endorsement_id, received_on=date(2027, 1, 20))
    early = save_case(reviews, reinstatement, itmhca)
    # a reinstatement of an endorsement still in force is refused by the register, nothing saved
    with pytest.raises(EndorsementNotLapsed):
        reviews.decisions.approve(early.id, tenant=itmhca, by=COORDINATOR, now=at(date(2027, 1, 25)))
    assert reviews.endorsements.lapse_if_due(endorsement_id, tenant=itmhca, now=at(date(2027, 2, 2)))
    # when the reinstatement case (reviewed like an application, in its cycle) is approved, with no exam
    assert (early.kind, early.cycle) == (CaseKind.REINSTATEMENT, "2027-Q1")
    with pytest.raises(CaseKindConflict):
        reviews.decisions.approve_for_exam(early.id, tenant=itmhca, by=COORDINATOR, now=at(date(2027, 3, 1)))
    decided = reviews.decisions.approve(early.id, tenant=itmhca, by=COORDINATOR, now=at(date(2027, 3, 1)))
    # then the endorsement is active again, renewals restarting as for a new grant
    assert decided.case.status is Status.APPROVED
    assert decided.case.decision_reasons == []
    endorsement = reviews.get_endorsement(endorsement_id, "itmhca")
    assert (endorsement.status, endorsement.renewal_date) == (EndorsementStatus.ACTIVE, date(2028, 12, 15))
    [reinstated] = [e for e in reviews.events.get(endorsement_id) if isinstance(e, Endorsement.Reinstated)]
    assert reinstated.application_id == reinstatement.application_id
    assert isinstance(published(reviews)[-1], contract.EndorsementReinstated)


def test_only_renewals_and_reinstatements_name_an_endorsement() -> None:
    with pytest.raises(ValueError, match="name the endorsement"):
        ReviewCase.open(tenant="itmhca", application_id=uuid4(), submission_number=1, applicant=HOLDER,
                        fingerprint=FINGERPRINT, category="IFS", category_name="IFS", rule_set_version="v1",
                        received_at=datetime.now(UTC), kind=CaseKind.RENEWAL)
    with pytest.raises(ValueError, match="name the endorsement"):
        ReviewCase.open(tenant="itmhca", application_id=uuid4(), submission_number=1, applicant=HOLDER,
                        fingerprint=FINGERPRINT, category="IFS", category_name="IFS", rule_set_version="v1",
                        received_at=datetime.now(UTC), endorsement_id=uuid4())


def test_a_version_2_opening_is_read_as_an_application_on_rolling_intake(reviews: Reviews, itmhca: Tenant) -> None:
    # given an Opened event stored before kinds and cycles (class version 2)
    case = save_case(reviews, submission(), itmhca)
    assert case.cycle is not None
    stored = reviews.mapper.to_stored_event(next(iter(reviews.events.get(case.id))))
    state = reviews.mapper.transcoder.decode(stored.state)
    for key in ("kind", "endorsement_id", "renewal_year", "cycle", "cycle_opens_at", "cycle_deadline", "relations"):
        del state[key]
    state.update(class_version=2, employer=None, related_emails=[])
    # when it is read, then it is upcast: an application, no endorsement, no cycle
    event = reviews.mapper.to_domain_event(replace(stored, state=reviews.mapper.transcoder.encode(state)))
    assert isinstance(event, ReviewCase.Opened)
    rebuilt = event.mutate(None)
    assert isinstance(rebuilt, ReviewCase)
    assert (rebuilt.kind, rebuilt.endorsement_id, rebuilt.cycle, rebuilt.is_waiting(datetime.now(UTC))) == (
        CaseKind.INITIAL, None, None, False)


def test_a_reviewer_may_endorse_a_reinstatement_in_an_exam_category_but_not_as_emerging(itmhca: Tenant) -> None:
    # given a reinstatement case of a Mentor (a category whose applications need the exam), with a reviewer
    case = ReviewCase.open(tenant="itmhca", application_id=uuid4(), submission_number=1, applicant=HOLDER,
                           fingerprint=FINGERPRINT, category="IMHM-C", category_name="IMHM-C", rule_set_version="v1",
                           received_at=datetime.now(UTC), kind=CaseKind.REINSTATEMENT, endorsement_id=uuid4())
    mentor = on_roster(itmhca.reviewers["reviewer.mentor@itmhca.example"])
    case.pass_completeness(COORDINATOR, itmhca.policy)
    case.assign_reviewer(mentor, COORDINATOR, itmhca.policy, FINGERPRINT)
    case.answer_assignment(subject(mentor), COORDINATOR, accept=True)
    # then the exam is not asked for again, and emerging is no reinstatement's outcome
    for refused in (RecommendationKind.APPROVE_FOR_EXAM, RecommendationKind.EMERGING):
        with pytest.raises(InvalidRecommendation):
            case.recommend(subject(mentor), COORDINATOR, refused, itmhca.policy)
    case.recommend(subject(mentor), COORDINATOR, RecommendationKind.ENDORSE, itmhca.policy)
    assert case.status is Status.RECOMMENDED
