"""Given/when/then tests of the Application aggregate: start, details, submit, withdraw, replay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest
from applications.domain import Applicant, Application, AttestationKind, CategoryOffer, Details, Status
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
from rule_builders import context, fill, satisfying, shipped

OFFER = CategoryOffer({"IFA": "Infant Family Associate", "IMHM-R/F": "Infant Mental Health Mentor - Research/Faculty"})
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)
IFA = shipped("IFA", TODAY)


def an_applicant(account_id: UUID | None = None) -> Applicant:
    return Applicant(account_id=account_id or uuid4(), name="Dana Reyes", email="dana@example.org")


def a_draft(applicant: Applicant | None = None, category: str = "IFA") -> Application:
    return Application.start("itmhca", applicant or an_applicant(), category, OFFER)


def a_complete_draft(applicant: Applicant | None = None) -> Application:
    application = a_draft(applicant)
    fill(application, satisfying(IFA, TODAY), context(TODAY), NOW, IFA)
    return application


def a_submitted(applicant: Applicant | None = None) -> Application:
    application = a_complete_draft(applicant)
    application.submit(IFA, NOW, TODAY)
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

    application.update_details(Details(phone=" 602-555-0100 ", county="  ", statement=" My work "), NOW)

    assert application.details == Details(phone="602-555-0100", county=None, statement="My work")
    assert new_event_names(application) == ["DetailsUpdated"]


def test_ethics_attested_is_shorthand_for_signing_both_attestations() -> None:
    application = a_draft()
    application.collect_events()

    application.update_details(Details(ethics_attested=True), NOW)

    assert set(application.attestations) == set(AttestationKind)
    assert {a.attested_at for a in application.attestations.values()} == {NOW}
    assert application.details.ethics_attested is True
    assert new_event_names(application) == ["Attested", "Attested"]

    application.update_details(Details(ethics_attested=False), NOW)

    assert application.attestations == {}
    assert application.details.ethics_attested is False
    assert new_event_names(application) == ["AttestationWithdrawn", "AttestationWithdrawn"]


def test_a_patch_that_leaves_ethics_alone_keeps_a_single_signature() -> None:
    application = a_draft()
    application.attest(AttestationKind.CODE_OF_ETHICS, NOW)

    application.update_details(Details(county="Pima", ethics_attested=application.details.ethics_attested), NOW)

    assert list(application.attestations) == [AttestationKind.CODE_OF_ETHICS]


def test_unchanged_details_record_no_event() -> None:
    application = a_draft()
    application.update_details(Details(statement="Home visitor", ethics_attested=True), NOW)
    application.collect_events()

    application.update_details(Details(statement="Home visitor", ethics_attested=True), NOW)

    assert new_event_names(application) == []


@pytest.mark.parametrize("details", [Details(statement="x" * 4001), Details(phone="1" * 41), Details(county="c" * 101)])
def test_details_over_their_length_limit_are_refused(details: Details) -> None:
    application = a_draft()

    with pytest.raises(InvalidDetails):
        application.update_details(details, NOW)

    assert application.details == Details()


def test_a_statement_of_exactly_4000_characters_is_accepted() -> None:
    application = a_draft()

    application.update_details(Details(statement="x" * 4000), NOW)

    assert application.details.statement == "x" * 4000


@pytest.mark.parametrize("given", [a_submitted, a_withdrawn])
def test_details_cannot_change_after_the_draft(given: Callable[[], Application]) -> None:
    application = given()
    application.collect_events()

    with pytest.raises(NotEditable) as refused:
        application.update_details(Details(statement="Something else", ethics_attested=True), NOW)

    assert refused.value.code == "NOT_EDITABLE"
    assert new_event_names(application) == []


# submit -----------------------------------------------------------------------------------------

def test_a_complete_draft_is_submitted_with_its_rule_set_version_and_report() -> None:
    application = a_complete_draft()
    application.collect_events()

    application.submit(IFA, NOW, TODAY)

    assert application.status is Status.SUBMITTED
    assert application.submission_number == 1
    assert application.rule_set_version == "itmhca/IFA/2023-01-01"
    assert application.submitted_at == NOW
    assert application.exam_required is False
    assert [line["code"] for line in application.requirement_report] == [
        "EDUCATION", "TRAINING_HOURS", "REFERENCES", "MEMBERSHIP", "ATTESTATION_CODE_OF_ETHICS",
        "ATTESTATION_ENDORSEMENT_AGREEMENT", "FEE_REGISTRATION", "FEE_PROCESSING", "REGISTRATION_ACCEPTED"]
    assert all(line["met"] and line["detail"] for line in application.requirement_report)
    assert new_event_names(application) == ["Submitted"]


def test_an_empty_draft_is_refused_with_every_unmet_requirement() -> None:
    application = a_draft()
    application.collect_events()

    with pytest.raises(RequirementsNotMet) as refused:
        application.submit(IFA, NOW, TODAY)

    assert refused.value.code == "REQUIREMENTS_NOT_MET"
    assert [(u.code, u.tab) for u in refused.value.unmet] == [
        ("EDUCATION", "education"), ("TRAINING_HOURS", "training"), ("REFERENCES", "references"),
        ("MEMBERSHIP", "membership"),
        ("ATTESTATION_CODE_OF_ETHICS", "attestations"), ("ATTESTATION_ENDORSEMENT_AGREEMENT", "attestations"),
        ("FEE_REGISTRATION", "fees"), ("FEE_PROCESSING", "fees"), ("REGISTRATION_ACCEPTED", "registration")]
    assert all(u.detail and u.reasons for u in refused.value.unmet)
    assert application.status is Status.DRAFT
    assert new_event_names(application) == []


def test_a_partly_complete_draft_is_refused_with_what_is_missing() -> None:
    application = a_complete_draft()
    application.withdraw_attestation(AttestationKind.ENDORSEMENT_AGREEMENT)

    with pytest.raises(RequirementsNotMet) as refused:
        application.submit(IFA, NOW, TODAY)

    assert [u.code for u in refused.value.unmet] == ["ATTESTATION_ENDORSEMENT_AGREEMENT"]


def test_rules_of_another_category_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="do not belong"):
        a_complete_draft().submit(shipped("IFS", TODAY), NOW, TODAY)


def test_submitting_twice_is_refused() -> None:
    application = a_submitted()
    application.collect_events()

    with pytest.raises(AlreadySubmitted) as refused:
        application.submit(IFA, NOW, TODAY)

    assert refused.value.code == "ALREADY_SUBMITTED"
    assert application.submission_number == 1
    assert new_event_names(application) == []


def test_a_withdrawn_application_cannot_be_submitted() -> None:
    application = a_complete_draft()
    application.withdraw("Moving states")

    with pytest.raises(NotSubmittable) as refused:
        application.submit(IFA, NOW, TODAY)

    assert refused.value.code == "NOT_SUBMITTABLE"


def test_a_naive_submission_time_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone"):
        a_complete_draft().submit(IFA, datetime(2026, 3, 1), TODAY)


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
    application = a_submitted()
    application.withdraw("Moved away")

    events = application.collect_events()

    assert {type(e).__name__ for e in events} >= {"Started", "EntryAdded", "MembershipRecorded", "Attested",
                                                  "FeeRecorded", "Submitted", "Withdrawn"}
    assert {e.tenant for e in events} == {"itmhca"}
