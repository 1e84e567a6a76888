"""Given/when/then tests of registration: the fee first, then register, then a coordinator accepts; where the rule
data requires it, submission waits for the acceptance (requirement `REGISTRATION_ACCEPTED`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from applications.domain import Actor, Applicant, Application, CategoryOffer, FeeKind, FeePayment, Status
from applications.domain.checks import RegistrationState, check_requirements
from applications.domain.errors import (
    AlreadyRegistered,
    ApplicationNotFound,
    NotEditable,
    NotRegistered,
    RegistrationAlreadyAccepted,
    RegistrationFeeNotRecorded,
    RegistrationNotRequired,
    RequirementsNotMet,
    RoleRequired,
)
from applications.domain.renewals import ApplicationKind
from applications.domain.rules import RegistrationRule
from rule_builders import context, fill, satisfying, shipped

OFFER = CategoryOffer({"IFS": "Infant Family Specialist", "ECFA": "Early Childhood Family Associate"})
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)
IFS = shipped("IFS", TODAY)
COORDINATOR = uuid4()


def a_draft(category: str = "IFS", tenant: str = "itmhca") -> Application:
    return Application.start(tenant, Applicant(uuid4(), "Dana Reyes", "dana@example.org"), category, OFFER)


def registration_fee(cents: int = IFS.fees.registration_cents) -> FeePayment:
    return FeePayment(FeeKind.REGISTRATION, cents, "REG-1", TODAY)


def a_registered() -> Application:
    application = a_draft()
    application.record_fee(registration_fee(), TODAY)
    application.register(IFS, NOW)
    return application


def an_accepted() -> Application:
    application = a_registered()
    application.accept_registration(COORDINATOR, NOW)
    return application


def new_event_names(application: Application) -> list[str]:
    return [type(e).__name__ for e in application.collect_events()]


def test_the_shipped_itmhca_rules_require_registration_and_the_alliance_templates_do_not() -> None:
    assert IFS.registration.required is True
    assert shipped("ECFA", TODAY, tenant="_alliance").registration.required is False


def test_registering_without_the_registration_fee_is_refused_and_records_nothing() -> None:
    application = a_draft()
    new_event_names(application)

    with pytest.raises(RegistrationFeeNotRecorded, match=r"USD 20\.00"):
        application.register(IFS, NOW)

    assert application.status is Status.DRAFT
    assert new_event_names(application) == []


def test_a_registration_fee_short_of_the_amount_due_does_not_register() -> None:
    application = a_draft()
    application.record_fee(registration_fee(IFS.fees.registration_cents - 1), TODAY)

    with pytest.raises(RegistrationFeeNotRecorded):
        application.register(IFS, NOW)


def test_with_the_fee_recorded_the_draft_registers() -> None:
    application = a_draft()
    application.record_fee(registration_fee(), TODAY)
    new_event_names(application)

    application.register(IFS, NOW)

    assert application.status is Status.REGISTERED
    assert application.registered_at == NOW
    assert application.registration_state() is RegistrationState.REGISTERED
    assert new_event_names(application) == ["Registered"]


def test_registering_twice_is_refused() -> None:
    for application in (a_registered(), an_accepted()):
        with pytest.raises(AlreadyRegistered):
            application.register(IFS, NOW)


def test_where_the_rules_need_no_registration_registering_is_refused() -> None:
    ecfa = shipped("ECFA", TODAY, tenant="_alliance")
    application = a_draft("ECFA", tenant="_alliance")
    application.record_fee(FeePayment(FeeKind.REGISTRATION, max(ecfa.fees.registration_cents, 1), "R", TODAY),
                           TODAY)

    with pytest.raises(RegistrationNotRequired):
        application.register(ecfa, NOW)


def test_a_coordinator_accepts_a_registration() -> None:
    application = a_registered()
    new_event_names(application)

    application.accept_registration(COORDINATOR, NOW)

    assert application.status is Status.ACCEPTED
    assert (application.registration_accepted_by, application.registration_accepted_at) == (COORDINATOR, NOW)
    assert application.registration_state() is RegistrationState.ACCEPTED
    assert new_event_names(application) == ["RegistrationAccepted"]


def test_only_a_registered_application_can_be_accepted_and_only_once() -> None:
    with pytest.raises(NotRegistered):
        a_draft().accept_registration(COORDINATOR, NOW)
    with pytest.raises(RegistrationAlreadyAccepted):
        an_accepted().accept_registration(COORDINATOR, NOW)


def test_the_tabs_stay_editable_while_waiting_for_and_after_acceptance() -> None:
    for application in (a_registered(), an_accepted()):
        application.update_details(replace(application.details, statement="Home visitor."), NOW)
        assert application.details.statement == "Home visitor."


def test_a_registered_application_can_be_withdrawn_and_then_no_longer_edited() -> None:
    application = a_registered()

    application.withdraw("Moved out of state")

    assert application.status is Status.WITHDRAWN
    with pytest.raises(NotEditable):
        application.update_details(application.details, NOW)


def test_a_complete_application_is_submitted_only_once_its_registration_is_accepted() -> None:
    application = a_draft()
    fill(application, satisfying(IFS, TODAY), context(TODAY), NOW)  # every tab, registration fee included

    with pytest.raises(RequirementsNotMet) as unregistered:
        application.submit(IFS, NOW, TODAY)
    application.register(IFS, NOW)
    with pytest.raises(RequirementsNotMet) as waiting:
        application.submit(IFS, NOW, TODAY)
    application.accept_registration(COORDINATOR, NOW)
    application.submit(IFS, NOW, TODAY)

    assert [(u.code, u.reasons[0].code) for u in unregistered.value.unmet] == [
        ("REGISTRATION_ACCEPTED", "REGISTRATION_NOT_REGISTERED")]
    assert [(u.code, u.reasons[0].code) for u in waiting.value.unmet] == [
        ("REGISTRATION_ACCEPTED", "REGISTRATION_AWAITING_ACCEPTANCE")]
    assert application.status is Status.SUBMITTED
    assert {"code": "REGISTRATION_ACCEPTED", "tab": "registration", "met": True,
            "detail": "the registration was accepted by the association"} in application.requirement_report


def test_where_the_rule_data_needs_no_registration_a_complete_draft_submits_directly() -> None:
    relaxed = replace(IFS, registration=RegistrationRule(required=False))
    application = a_draft()
    fill(application, satisfying(relaxed, TODAY), context(TODAY), NOW, relaxed)

    application.submit(relaxed, NOW, TODAY)

    assert application.status is Status.SUBMITTED
    assert application.registered_at is None
    assert "REGISTRATION_ACCEPTED" not in [line["code"] for line in application.requirement_report]


def test_the_requirement_report_says_registration_is_missing_then_waiting_then_met() -> None:
    evidence = satisfying(IFS, TODAY)

    def judged(state: RegistrationState) -> list[tuple[str, bool, tuple[str, ...]]]:
        report = check_requirements(replace(evidence, registration=state), IFS, TODAY)
        return [(r.code, r.met, tuple(x.code for x in r.reasons)) for r in report.results if r.tab == "registration"]

    assert judged(RegistrationState.NOT_REGISTERED) == [("REGISTRATION_ACCEPTED", False,
                                                         ("REGISTRATION_NOT_REGISTERED",))]
    assert judged(RegistrationState.REGISTERED) == [("REGISTRATION_ACCEPTED", False,
                                                     ("REGISTRATION_AWAITING_ACCEPTANCE",))]
    assert judged(RegistrationState.ACCEPTED) == [("REGISTRATION_ACCEPTED", True, ())]
    assert judged(RegistrationState.NOT_REQUIRED) == []


def test_rules_that_need_no_registration_report_no_registration_requirement() -> None:
    relaxed = replace(IFS, registration=RegistrationRule(required=False))

    report = check_requirements(replace(satisfying(IFS, TODAY), registration=RegistrationState.NOT_REGISTERED),
                                relaxed, TODAY)

    assert "REGISTRATION_ACCEPTED" not in [r.code for r in report.results]


def test_an_aggregate_reports_its_registration_in_the_evidence() -> None:
    assert a_draft().evidence().registration is RegistrationState.NOT_REGISTERED
    assert a_registered().evidence().registration is RegistrationState.REGISTERED
    assert an_accepted().evidence().registration is RegistrationState.ACCEPTED


def test_renewals_and_reinstatements_do_not_go_through_registration() -> None:
    renewal = Application.open_for_holding(ApplicationKind.RENEWAL, "itmhca", Applicant(uuid4(), "Dana Reyes",
                                           "dana@example.org"), "IFS", "Infant Family Specialist", uuid4(),
                                           renewal_year=2026)

    assert renewal.registration_state() is RegistrationState.NOT_REQUIRED


def test_replaying_the_events_restores_the_registration() -> None:
    application = an_accepted()
    events = application.collect_events()

    copy: Application | None = None
    for stored in events:
        copy = stored.mutate(copy)

    assert copy is not None
    assert (copy.status, copy.registered_at, copy.registration_accepted_by) == (Status.ACCEPTED, NOW, COORDINATOR)
    assert all(e.tenant == "itmhca" for e in events[1:])  # type: ignore[attr-defined]


def test_only_coordinators_of_the_tenant_may_accept() -> None:
    application = a_registered()
    owner = Actor(application.applicant.account_id, "itmhca", frozenset({"applicant"}))
    stranger = Actor(uuid4(), "itmhca", frozenset({"applicant"}))
    elsewhere = Actor(uuid4(), "lakes-aimh", frozenset({"coordinator"}))

    Actor(uuid4(), "itmhca", frozenset({"coordinator"})).ensure_coordinator_of(application)
    with pytest.raises(RoleRequired):
        owner.ensure_coordinator_of(application)
    for outsider in (stranger, elsewhere):
        with pytest.raises(ApplicationNotFound):
            outsider.ensure_coordinator_of(application)

