"""Given/when/then tests of the Application aggregate: every guard and every recorded event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from applications.domain import Applicant, Application, CategoryOffer, Details, Status
from applications.domain.errors import (
    AlreadySubmitted,
    InvalidApplicant,
    InvalidDetails,
    InvalidWithdrawalReason,
    NotEditable,
    NotSubmittable,
    NotWithdrawable,
    RequirementsNotMet,
    UnknownCategory,
)

OFFER = CategoryOffer({"IFA": "Infant Family Associate", "IMHM-R/F": "Infant Mental Health Mentor - Research/Faculty"})
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
COMPLETE = Details(statement="Home visitor for six years with Early Head Start families.", ethics_attested=True)


def an_applicant(account_id: UUID | None = None) -> Applicant:
    return Applicant(account_id=account_id or uuid4(), name="Dana Reyes", email="dana@example.org")


def a_draft(applicant: Applicant | None = None, category: str = "IFA") -> Application:
    return Application.start("itmhca", applicant or an_applicant(), category, OFFER)


def a_complete_draft(applicant: Applicant | None = None) -> Application:
    application = a_draft(applicant)
    application.update_details(COMPLETE)
    return application


def a_submitted(applicant: Applicant | None = None) -> Application:
    application = a_complete_draft(applicant)
    application.submit("itmhca/IFA/skeleton-1", NOW)
    return application


def a_withdrawn() -> Application:
    application = a_draft()
    application.withdraw("Changed jobs")
    return application


def new_event_names(application: Application) -> list[str]:
    return [type(e).__name__ for e in application.collect_events()]


# start ------------------------------------------------------------------------------------------

def test_starting_in_an_offered_category_opens_a_draft() -> None:
    applicant = an_applicant()

    application = Application.start("itmhca", applicant, "IMHM-R/F", OFFER)

    assert application.status is Status.DRAFT
    assert application.tenant == "itmhca"
    assert application.applicant == applicant
    assert (application.category, application.category_name) == ("IMHM-R/F", OFFER.categories["IMHM-R/F"])
    assert application.submission_number == 0
    assert application.details == Details()
    assert new_event_names(application) == ["Started"]


def test_starting_in_a_category_the_association_does_not_offer_is_refused() -> None:
    with pytest.raises(UnknownCategory) as refused:
        Application.start("itmhca", an_applicant(), "ECFA", OFFER)

    assert refused.value.code == "UNKNOWN_CATEGORY"


@pytest.mark.parametrize(("name", "email"), [("  ", "dana@example.org"), ("x" * 201, "dana@example.org"),
                                             ("Dana", "not-an-email"), ("Dana", "@example.org"), ("Dana", "d@host")])
def test_starting_without_a_usable_name_or_email_is_refused(name: str, email: str) -> None:
    with pytest.raises(InvalidApplicant) as refused:
        Application.start("itmhca", Applicant(uuid4(), name, email), "IFA", OFFER)

    assert refused.value.code == "INVALID_APPLICANT"


def test_the_applicants_name_and_email_are_stored_trimmed() -> None:
    application = Application.start("itmhca", Applicant(uuid4(), "  Dana Reyes ", " dana@example.org "), "IFA", OFFER)

    assert (application.applicant.name, application.applicant.email) == ("Dana Reyes", "dana@example.org")


# update_details ---------------------------------------------------------------------------------

def test_a_draft_takes_new_details_trimmed_with_blank_text_as_unset() -> None:
    application = a_draft()
    application.collect_events()

    entered = Details(phone=" 602-555-0100 ", county="  ", statement=" My work ", ethics_attested=True)

    application.update_details(entered)

    assert application.details == Details(phone="602-555-0100", county=None, statement="My work", ethics_attested=True)
    assert new_event_names(application) == ["DetailsUpdated"]


def test_unchanged_details_record_no_event() -> None:
    application = a_complete_draft()
    application.collect_events()

    application.update_details(COMPLETE)

    assert new_event_names(application) == []


@pytest.mark.parametrize("details", [Details(statement="x" * 4001), Details(phone="1" * 41), Details(county="c" * 101)])
def test_details_over_their_length_limit_are_refused(details: Details) -> None:
    application = a_draft()

    with pytest.raises(InvalidDetails):
        application.update_details(details)

    assert application.details == Details()


def test_a_statement_of_exactly_4000_characters_is_accepted() -> None:
    application = a_draft()

    application.update_details(Details(statement="x" * 4000))

    assert application.details.statement == "x" * 4000


@pytest.mark.parametrize("given", [a_submitted, a_withdrawn])
def test_details_cannot_change_after_the_draft(given: Callable[[], Application]) -> None:
    application = given()
    application.collect_events()

    with pytest.raises(NotEditable) as refused:
        application.update_details(Details(statement="Something else", ethics_attested=True))

    assert refused.value.code == "NOT_EDITABLE"
    assert new_event_names(application) == []


# submit -----------------------------------------------------------------------------------------

def test_a_complete_draft_is_submitted_as_submission_number_one() -> None:
    application = a_complete_draft()
    application.collect_events()

    application.submit("itmhca/IFA/skeleton-1", NOW)

    assert application.status is Status.SUBMITTED
    assert application.submission_number == 1
    assert application.rule_set_version == "itmhca/IFA/skeleton-1"
    assert application.submitted_at == NOW
    assert new_event_names(application) == ["Submitted"]


def test_an_empty_draft_is_refused_with_every_unmet_requirement() -> None:
    application = a_draft()
    application.collect_events()

    with pytest.raises(RequirementsNotMet) as refused:
        application.submit("itmhca/IFA/skeleton-1", NOW)

    assert refused.value.code == "REQUIREMENTS_NOT_MET"
    assert [(u.code, u.field) for u in refused.value.unmet] == [
        ("STATEMENT_MISSING", "statement"), ("ETHICS_NOT_ATTESTED", "ethics_attested")]
    assert all(u.message for u in refused.value.unmet)
    assert application.status is Status.DRAFT
    assert new_event_names(application) == []


@pytest.mark.parametrize(("details", "unmet"), [
    (Details(statement="My work"), ["ETHICS_NOT_ATTESTED"]),
    (Details(ethics_attested=True), ["STATEMENT_MISSING"]),
])
def test_a_partly_complete_draft_is_refused_with_what_is_missing(details: Details, unmet: list[str]) -> None:
    application = a_draft()
    application.update_details(details)

    with pytest.raises(RequirementsNotMet) as refused:
        application.submit("itmhca/IFA/skeleton-1", NOW)

    assert [u.code for u in refused.value.unmet] == unmet


def test_submitting_twice_is_refused() -> None:
    application = a_submitted()
    application.collect_events()

    with pytest.raises(AlreadySubmitted) as refused:
        application.submit("itmhca/IFA/skeleton-1", NOW)

    assert refused.value.code == "ALREADY_SUBMITTED"
    assert application.submission_number == 1
    assert new_event_names(application) == []


def test_a_withdrawn_application_cannot_be_submitted() -> None:
    application = a_draft()
    application.update_details(COMPLETE)
    application.withdraw("Moving states")

    with pytest.raises(NotSubmittable) as refused:
        application.submit("itmhca/IFA/skeleton-1", NOW)

    assert refused.value.code == "NOT_SUBMITTABLE"


def test_a_naive_submission_time_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone"):
        a_complete_draft().submit("itmhca/IFA/skeleton-1", datetime(2026, 3, 1))


# withdraw ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("given", [a_draft, a_submitted])
def test_an_application_before_decision_can_be_withdrawn(given: Callable[[], Application]) -> None:
    application = given()
    application.collect_events()

    application.withdraw("  Changed jobs  ")

    assert application.status is Status.WITHDRAWN
    assert application.withdrawal_reason == "Changed jobs"
    assert new_event_names(application) == ["Withdrawn"]


def test_withdrawing_twice_is_refused() -> None:
    application = a_withdrawn()

    with pytest.raises(NotWithdrawable) as refused:
        application.withdraw("again")

    assert refused.value.code == "NOT_WITHDRAWABLE"


@pytest.mark.parametrize("reason", ["", "   ", "r" * 1001])
def test_a_withdrawal_needs_a_reason_of_sensible_length(reason: str) -> None:
    application = a_draft()

    with pytest.raises(InvalidWithdrawalReason):
        application.withdraw(reason)

    assert application.status is Status.DRAFT


# reconstruction ---------------------------------------------------------------------------------

def test_replaying_the_recorded_events_rebuilds_the_same_state() -> None:
    application = a_submitted()
    events = application.collect_events()

    copy: Application | None = None
    for stored in events:
        copy = stored.mutate(copy)

    assert copy is not None
    assert vars(copy) == vars(application)


def test_every_event_names_the_tenant() -> None:
    application = a_complete_draft()
    application.submit("itmhca/IFA/skeleton-1", NOW)
    application.withdraw("Moved away")

    events = application.collect_events()

    assert [type(e).__name__ for e in events] == ["Started", "DetailsUpdated", "Submitted", "Withdrawn"]
    assert {e.tenant for e in events} == {"itmhca"}
