"""Given/when/then: review outcomes on the Application aggregate, resubmission, withdrawal and edits after them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from applications.domain import Applicant, Application, AttestationKind, CategoryOffer, Status
from applications.domain.errors import (
    NotEditable,
    NotSubmittable,
    NotWithdrawable,
    OutcomeDoesNotFit,
    RequirementsNotMet,
    TooEarlyToResubmit,
)
from applications.domain.lifecycle import DECIDED, EDITABLE, WITHDRAWABLE
from rule_builders import context, fill, satisfying, shipped

OFFER = CategoryOffer({"IFA": "Infant Family Associate"})
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)
LATER = NOW + timedelta(hours=3)
IFA = shipped("IFA", TODAY)
CASE = uuid4()


def a_submitted() -> Application:
    """Submitted today with the least evidence that meets the rules today (references just young enough, so
    resubmissions in these tests are on the same day)."""
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA", OFFER)
    fill(application, satisfying(IFA, TODAY), context(TODAY), NOW, IFA)
    application.submit(IFA, NOW, TODAY)
    application.collect_events()
    return application


def returned(application: Application, case: UUID = CASE, submission_number: int = 1) -> Application:
    application.return_for_information(
        review_case_id=case,
        submission_number=submission_number,
        stage="review",
        items=["  Upload the RSC log  ", "Name a second rater"],
        message="Please add these.",
        requested_at=NOW + timedelta(hours=1),
    )
    return application


def deferred(application: Application, case: UUID = CASE, earliest: date = date(2026, 9, 1)) -> Application:
    application.defer(
        review_case_id=case,
        reasons=["More RSC hours"],
        recommendations=["12 more hours of RSC"],
        earliest_rereview_on=earliest,
        deferred_at=NOW + timedelta(hours=1),
    )
    return application


def approved_for_exam(application: Application, case: UUID = CASE) -> Application:
    application.approve_for_exam(review_case_id=case, approved_at=NOW + timedelta(days=2))
    return application


def endorsed(application: Application, case: UUID = CASE, endorsement_id: UUID | None = None) -> Application:
    application.endorse(
        review_case_id=case,
        endorsement_id=endorsement_id or uuid4(),
        effective_date=date(2026, 3, 10),
        renewal_date=date(2027, 1, 15),
        emerging_until=None,
        endorsed_at=NOW + timedelta(days=9),
    )
    return application


def denied(application: Application, case: UUID = CASE) -> Application:
    application.deny(review_case_id=case, reasons=["Does not reside in Arizona"], denied_at=NOW + timedelta(days=9))
    return application


def withdrawn(application: Application) -> Application:
    application.withdraw("Moving abroad")
    return application


def new_event_names(application: Application) -> list[str]:
    return [type(e).__name__ for e in application.collect_events()]


def replayed(events: list[Any]) -> Application:
    aggregate: Any = None
    for stored in events:
        aggregate = stored.mutate(aggregate)
    assert isinstance(aggregate, Application)
    return aggregate


# information requested --------------------------------------------------------------------------


def test_an_information_request_returns_a_submitted_application_with_what_to_add() -> None:
    application = a_submitted()

    returned(application)

    assert application.status is Status.RETURNED
    request = application.information_request
    assert request is not None
    assert request.items == ("Upload the RSC log", "Name a second rater")
    assert (request.stage, request.message, request.submission_number) == ("review", "Please add these.", 1)
    assert new_event_names(application) == ["ReturnedForInformation"]


def test_a_returned_application_is_edited_and_resubmitted_as_submission_two_answering_the_request() -> None:
    application = returned(a_submitted())
    application.collect_events()

    application.update_details(replace(application.details, statement="Added the RSC log."), LATER)
    application.submit(IFA, LATER, TODAY)

    assert application.status is Status.SUBMITTED
    assert application.submission_number == 2
    assert application.in_response_to == "information_request"
    events = application.collect_events()
    submitted = events[-1]
    assert isinstance(submitted, Application.Submitted)
    assert (submitted.submission_number, submitted.in_response_to) == (2, "information_request")


def test_a_resubmission_is_checked_against_the_requirements_again() -> None:
    application = returned(a_submitted())
    application.collect_events()
    application.withdraw_attestation(AttestationKind.CODE_OF_ETHICS)
    application.collect_events()

    with pytest.raises(RequirementsNotMet) as refused:
        application.submit(IFA, LATER, TODAY)

    assert [u.code for u in refused.value.unmet] == ["ATTESTATION_CODE_OF_ETHICS"]
    assert application.status is Status.RETURNED
    assert application.collect_events() == []


def test_the_same_information_request_twice_changes_nothing() -> None:
    application = returned(a_submitted())
    application.collect_events()

    returned(application)

    assert application.collect_events() == []
    assert application.status is Status.RETURNED


def test_a_second_request_about_the_resubmission_returns_it_again() -> None:
    application = returned(a_submitted())
    application.submit(IFA, LATER, TODAY)
    application.collect_events()

    returned(application, submission_number=2)

    assert application.status is Status.RETURNED
    assert application.information_request is not None and application.information_request.submission_number == 2
    assert new_event_names(application) == ["ReturnedForInformation"]


def test_a_late_copy_of_the_request_about_submission_one_changes_nothing_after_the_resubmission() -> None:
    application = returned(a_submitted(), case=uuid4())
    application.submit(IFA, LATER, TODAY)
    application.collect_events()

    returned(application, case=uuid4(), submission_number=1)

    assert application.status is Status.SUBMITTED
    assert application.collect_events() == []


def test_a_request_about_a_submission_not_made_yet_is_refused() -> None:
    application = a_submitted()

    with pytest.raises(OutcomeDoesNotFit) as refused:
        returned(application, submission_number=2)

    assert refused.value.code == "REVIEW_OUTCOME_DOES_NOT_FIT"
    assert application.collect_events() == []


@pytest.mark.parametrize("outcome", [returned, deferred, approved_for_exam, endorsed, denied])
def test_an_outcome_for_a_draft_does_not_fit(outcome: Callable[[Application], Application]) -> None:
    draft = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA", OFFER)
    draft.collect_events()

    with pytest.raises(OutcomeDoesNotFit):
        outcome(draft)

    assert draft.collect_events() == []


@pytest.mark.parametrize("outcome", [returned, deferred, approved_for_exam, endorsed, denied])
def test_an_outcome_after_the_withdrawal_changes_nothing(outcome: Callable[[Application], Application]) -> None:
    application = withdrawn(a_submitted())
    application.collect_events()

    outcome(application)

    assert application.status is Status.WITHDRAWN
    assert application.collect_events() == []


# deferral ----------------------------------------------------------------------------------------


def test_a_deferral_keeps_reasons_recommendations_and_the_earliest_rereview_date() -> None:
    application = deferred(a_submitted())

    assert application.status is Status.DEFERRED
    assert application.deferral is not None
    assert application.deferral.reasons == ("More RSC hours",)
    assert application.deferral.recommendations == ("12 more hours of RSC",)
    assert application.deferral.earliest_rereview_on == date(2026, 9, 1)
    assert new_event_names(application) == ["Deferred"]


def test_a_deferred_application_cannot_be_resubmitted_the_day_before_its_earliest_rereview_date() -> None:
    application = deferred(a_submitted(), earliest=TODAY)
    application.collect_events()

    with pytest.raises(TooEarlyToResubmit) as refused:
        application.submit(IFA, LATER, TODAY - timedelta(days=1))

    assert refused.value.code == "TOO_EARLY_TO_RESUBMIT"
    assert refused.value.earliest == TODAY
    assert "2026-03-01" in refused.value.message
    assert application.status is Status.DEFERRED
    assert application.collect_events() == []


def test_a_deferred_application_is_amended_and_resubmitted_on_its_earliest_rereview_date() -> None:
    application = deferred(a_submitted(), earliest=TODAY)
    application.collect_events()

    application.update_details(replace(application.details, statement="Twelve more hours of RSC."), LATER)
    application.submit(IFA, LATER, TODAY)

    assert (application.status, application.submission_number) == (Status.SUBMITTED, 2)
    assert application.in_response_to == "deferral"
    assert new_event_names(application) == ["DetailsUpdated", "Submitted"]


def test_the_same_deferral_twice_changes_nothing() -> None:
    application = deferred(a_submitted())
    application.collect_events()

    deferred(application, earliest=date(2027, 1, 1))

    assert application.collect_events() == []
    assert application.deferral is not None and application.deferral.earliest_rereview_on == date(2026, 9, 1)


# exam and decisions ------------------------------------------------------------------------------


def test_approval_for_the_exam_then_results_then_the_endorsement() -> None:
    application = approved_for_exam(a_submitted())
    assert application.status is Status.APPROVED_FOR_EXAM

    application.record_exam_result(
        review_case_id=CASE, attempt=1, taken_on=date(2026, 4, 1), passed=False, retake_eligible_on=date(2027, 4, 1)
    )
    application.record_exam_result(
        review_case_id=CASE, attempt=1, taken_on=date(2026, 4, 1), passed=False, retake_eligible_on=date(2027, 4, 1)
    )  # a second copy
    application.record_exam_result(
        review_case_id=CASE, attempt=2, taken_on=date(2027, 4, 2), passed=True, retake_eligible_on=None
    )
    endorsement_id = uuid4()
    endorsed(application, endorsement_id=endorsement_id)

    assert application.status is Status.ENDORSED
    assert [r.passed for r in application.exam_results] == [False, True]
    assert application.endorsement is not None
    assert (
        application.endorsement.endorsement_id,
        application.endorsement.effective_date,
        application.endorsement.renewal_date,
    ) == (endorsement_id, date(2026, 3, 10), date(2027, 1, 15))
    assert application.is_decided
    assert new_event_names(application) == ["ApprovedForExam", "ExamResultRecorded", "ExamResultRecorded", "Endorsed"]


def test_an_endorsement_delivered_twice_is_recorded_once() -> None:
    application = endorsed(a_submitted())
    application.collect_events()

    endorsed(application)

    assert application.collect_events() == []


def test_a_late_approval_for_the_exam_after_the_endorsement_changes_nothing() -> None:
    """Grants are keyed by endorsement, case events by application: they may arrive out of order."""
    application = endorsed(a_submitted())
    application.collect_events()

    approved_for_exam(application)
    application.record_exam_result(
        review_case_id=CASE, attempt=1, taken_on=date(2026, 4, 1), passed=True, retake_eligible_on=None
    )

    assert application.status is Status.ENDORSED
    assert application.collect_events() == []


def test_a_denial_keeps_its_reasons() -> None:
    application = denied(a_submitted())

    assert application.status is Status.DENIED
    assert application.denial_reasons == ("Does not reside in Arizona",)
    assert new_event_names(application) == ["Denied"]


def test_an_exam_result_before_the_approval_for_the_exam_does_not_fit() -> None:
    with pytest.raises(OutcomeDoesNotFit):
        a_submitted().record_exam_result(
            review_case_id=CASE, attempt=1, taken_on=TODAY, passed=True, retake_eligible_on=None
        )


# withdrawal and edits by status ------------------------------------------------------------------

REACHED: dict[Status, Callable[[], Application]] = {
    Status.SUBMITTED: a_submitted,
    Status.RETURNED: lambda: returned(a_submitted()),
    Status.DEFERRED: lambda: deferred(a_submitted()),
    Status.APPROVED_FOR_EXAM: lambda: approved_for_exam(a_submitted()),
    Status.ENDORSED: lambda: endorsed(a_submitted()),
    Status.DENIED: lambda: denied(a_submitted()),
    Status.WITHDRAWN: lambda: withdrawn(a_submitted()),
}


@pytest.mark.parametrize("status", [s for s in REACHED if s in WITHDRAWABLE])
def test_withdrawal_is_allowed_before_a_decision(status: Status) -> None:
    application = REACHED[status]()
    assert application.status is status
    application.collect_events()

    application.withdraw("Changed jobs")

    assert application.status is Status.WITHDRAWN
    assert new_event_names(application) == ["Withdrawn"]


@pytest.mark.parametrize("status", [Status.ENDORSED, Status.DENIED, Status.WITHDRAWN])
def test_withdrawal_is_refused_once_decided_or_withdrawn(status: Status) -> None:
    application = REACHED[status]()
    application.collect_events()

    with pytest.raises(NotWithdrawable):
        application.withdraw("Changed jobs")

    assert application.collect_events() == []


def test_every_status_but_the_decided_and_withdrawn_is_withdrawable() -> None:
    assert frozenset(Status) - WITHDRAWABLE == {Status.ENDORSED, Status.DENIED, Status.WITHDRAWN}


@pytest.mark.parametrize("status", [Status.RETURNED, Status.DEFERRED])
def test_returned_and_deferred_applications_are_editable(status: Status) -> None:
    application = REACHED[status]()
    application.collect_events()

    application.update_details(replace(application.details, phone="602-555-0100"), LATER)

    assert status in EDITABLE
    assert new_event_names(application) == ["DetailsUpdated"]


@pytest.mark.parametrize("status", sorted(DECIDED | {Status.APPROVED_FOR_EXAM}))
def test_decided_applications_and_those_approved_for_the_exam_refuse_edits_and_submission(status: Status) -> None:
    application = REACHED[status]()
    application.collect_events()

    with pytest.raises(NotEditable):
        application.update_details(replace(application.details, phone="602-555-0100"), LATER)
    with pytest.raises(NotSubmittable):
        application.submit(IFA, LATER, TODAY)

    assert application.collect_events() == []


# replay ---------------------------------------------------------------------------------------------


def test_replaying_the_events_gives_the_same_outcome_state() -> None:
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA", OFFER)
    fill(application, satisfying(IFA, TODAY), context(TODAY), NOW, IFA)
    application.submit(IFA, NOW, TODAY)
    returned(application)
    application.submit(IFA, LATER, TODAY)
    deferred(application, case=uuid4(), earliest=TODAY)
    events = application.collect_events()

    copy = replayed(events)

    assert copy.status is Status.DEFERRED
    assert (copy.submission_number, copy.in_response_to) == (2, "information_request")
    assert copy.information_request == application.information_request
    assert copy.deferral == application.deferral
    assert copy.handled_outcomes == application.handled_outcomes and len(copy.handled_outcomes) == 2
