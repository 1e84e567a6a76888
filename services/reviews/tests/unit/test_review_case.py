"""Given/when/then for the ReviewCase aggregate."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import pytest
from reviews.domain import (
    Actor,
    Applicant,
    CaseNotOpen,
    InvalidDesignation,
    InvalidRenewalDate,
    ReviewCase,
    Status,
    endorsement_id_for,
)

from .personal_data import FINGERPRINT

COORDINATOR = Actor(account_id=uuid4(), name="Cora Coordinator")
RECEIVED = datetime(2025, 3, 1, 17, 0, tzinfo=UTC)


def an_open_case(application_id: UUID | None = None, submission_number: int = 1) -> ReviewCase:
    return ReviewCase.open(
        fingerprint=FINGERPRINT,
        tenant="itmhca",
        application_id=application_id or uuid4(),
        submission_number=submission_number,
        applicant=Applicant(account_id=uuid4(), name="Ana Applicant", email="ana@example.org"),
        category="IFS",
        category_name="Infant Family Specialist",
        rule_set_version="itmhca-IFS-2025",
        received_at=RECEIVED,
    )


def replayed(case: ReviewCase) -> ReviewCase:
    """The case rebuilt from the events it recorded, as the repository would."""
    rebuilt: ReviewCase | None = None
    for event in case.collect_events():
        rebuilt = event.mutate(rebuilt)
    assert rebuilt is not None
    return rebuilt


def test_opening_derives_the_id_from_the_submission_so_redelivery_finds_it() -> None:
    # given an application's second submission
    application_id = uuid4()
    # when its case is opened
    case = an_open_case(application_id, submission_number=2)
    # then the id is derived from the application and submission, and the case is open
    assert case.id == uuid5(NAMESPACE_URL, f"review-case/{application_id}/2")
    assert an_open_case(application_id, submission_number=2).id == case.id
    assert an_open_case(application_id, submission_number=1).id != case.id
    assert case.status is Status.OPEN
    assert case.is_open
    assert case.received_at == RECEIVED
    assert case.endorsement_id is None
    assert case.tenant == "itmhca"


def test_opening_refuses_a_naive_receipt_time_and_submission_zero() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ReviewCase.open(fingerprint=FINGERPRINT, tenant="itmhca", application_id=uuid4(), submission_number=1,
                        applicant=Applicant(uuid4(), "A", "a@example.org"), category="IFS",
                        category_name="Infant Family Specialist", rule_set_version="v",
                        received_at=datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="start at 1"):
        an_open_case(submission_number=0)


def test_approving_an_open_case_grants_the_endorsement_derived_from_the_case() -> None:
    # given an open case
    case = an_open_case()
    # when the coordinator approves it
    case.approve(COORDINATOR, date(2025, 4, 1), "Clinical", date(2026, 12, 15))
    # then it is approved, with the decision recorded as one Approved event
    assert case.status is Status.APPROVED
    assert not case.is_open
    assert case.endorsement_id == endorsement_id_for(case.id) == uuid5(NAMESPACE_URL, f"endorsement/{case.id}")
    assert case.decided_by == COORDINATOR
    assert case.effective_date == date(2025, 4, 1)
    assert case.renewal_date == date(2026, 12, 15)
    assert case.designation == "Clinical"
    events = case.collect_events()
    assert [type(e).__name__ for e in events] == ["Opened", "Approved"]
    approved = events[-1]
    assert isinstance(approved, ReviewCase.Approved)
    assert case.decided_at == approved.timestamp


def test_a_decided_case_cannot_be_approved_again() -> None:
    # given an approved case whose events were saved
    case = an_open_case()
    case.approve(COORDINATOR, date(2025, 4, 1), None, date(2026, 12, 15))
    case.collect_events()
    # when it is approved again, then it refuses with CASE_NOT_OPEN and records nothing
    with pytest.raises(CaseNotOpen) as refused:
        case.approve(COORDINATOR, date(2025, 4, 2), None, date(2026, 12, 15))
    assert refused.value.code == "CASE_NOT_OPEN"
    assert case.collect_events() == []
    assert case.effective_date == date(2025, 4, 1)


def test_the_renewal_must_fall_after_the_effective_date() -> None:
    case = an_open_case()
    with pytest.raises(InvalidRenewalDate):
        case.approve(COORDINATOR, date(2025, 4, 1), None, date(2025, 4, 1))
    assert case.status is Status.OPEN


def test_designations_are_tidied_and_bounded() -> None:
    # given two open cases, when approved with a blank and a spaced-out designation
    blank, spaced = an_open_case(), an_open_case()
    blank.approve(COORDINATOR, date(2025, 4, 1), "   ", date(2026, 12, 15))
    spaced.approve(COORDINATOR, date(2025, 4, 1), "  Policy \n lead ", date(2026, 12, 15))
    # then blank means none and whitespace is collapsed
    assert blank.designation is None
    assert spaced.designation == "Policy lead"
    # and an over-long designation is refused without a decision
    long_one = an_open_case()
    with pytest.raises(InvalidDesignation):
        long_one.approve(COORDINATOR, date(2025, 4, 1), "x" * 101, date(2026, 12, 15))
    assert long_one.status is Status.OPEN


def test_replaying_the_events_rebuilds_the_same_decision() -> None:
    # given an approved case
    case = an_open_case()
    case.approve(COORDINATOR, date(2025, 4, 1), "Clinical", date(2026, 12, 15))
    # when it is rebuilt from its events
    rebuilt = replayed(case)
    # then it has the same state
    assert rebuilt.id == case.id
    assert rebuilt.version == 2
    assert rebuilt.status is Status.APPROVED
    assert rebuilt.endorsement_id == case.endorsement_id
    assert rebuilt.decided_by == COORDINATOR
    assert rebuilt.opened_at == case.opened_at
