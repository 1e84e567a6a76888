"""Given/when/then for the Endorsement aggregate: grant, renewal, lapse, reinstatement, revocation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from reviews.domain import (
    Actor,
    Applicant,
    EndorsementStatus,
    MonthDay,
    RenewalRule,
    RenewalTerms,
    ReviewCase,
    endorsement_id_for,
    granted_endorsement,
    reinstatement_id_for,
    renewal_id_for,
)
from reviews.domain.endorsement import Endorsement
from reviews.domain.errors import (
    EndorsementNotActive,
    EndorsementNotLapsed,
    InvalidReasons,
    NotYetRemovable,
    RenewalAlreadyApproved,
    RenewalNotOpen,
    RenewalTooLate,
)

from .personal_data import FINGERPRINT

COORDINATOR = Actor(account_id=uuid4(), name="Cora Coordinator")
TERMS = RenewalTerms(RenewalRule(12, 15), removal=MonthDay(2, 1), window_opens=MonthDay(10, 1))


def granted(effective: date = date(2025, 4, 1)) -> Endorsement:
    case = ReviewCase.open(fingerprint=FINGERPRINT, tenant="itmhca", application_id=uuid4(), submission_number=1,
                           applicant=Applicant(uuid4(), "Ana Applicant", "ana@example.org"), category="IFS",
                           category_name="Infant Family Specialist", rule_set_version="v1",
                           received_at=datetime(2025, 3, 1, tzinfo=UTC))
    case.approve(COORDINATOR, effective, "Clinical", TERMS.rule.first_renewal_date(effective))
    return granted_endorsement(case, TERMS)


def names(endorsement: Endorsement) -> list[str]:
    return [type(e).__name__ for e in endorsement.collect_events()]


def test_an_approval_grants_an_active_endorsement_with_the_id_it_published() -> None:
    endorsement = granted()
    assert endorsement.id == endorsement_id_for(endorsement.review_case_id)
    assert endorsement.status is EndorsementStatus.ACTIVE
    assert (endorsement.renewal_date, endorsement.removal_date) == (date(2026, 12, 15), date(2027, 2, 1))
    assert (endorsement.category, endorsement.designation, endorsement.holder.name) == ("IFS", "Clinical",
                                                                                         "Ana Applicant")
    with pytest.raises(ValueError, match="only an approved case"):
        granted_endorsement(ReviewCase.open(
        fingerprint=FINGERPRINT,
            tenant="itmhca", application_id=uuid4(), submission_number=1,
            applicant=Applicant(uuid4(), "A", "a@example.org"), category="IFS", category_name="IFS",
            rule_set_version="v1", received_at=datetime(2025, 3, 1, tzinfo=UTC)), TERMS)


@pytest.mark.parametrize(("today", "error"), [
    (date(2026, 9, 30), RenewalNotOpen),   # the window opens on 1 October
    (date(2027, 2, 2), RenewalTooLate),    # past the removal date: lapse, then reinstatement
])
def test_a_renewal_is_approved_only_between_the_window_and_the_removal_date(today: date,
                                                                           error: type[Exception]) -> None:
    endorsement = granted()
    with pytest.raises(error):
        endorsement.approve_renewal(COORDINATOR, today=today, terms=TERMS)
    assert endorsement.renewals == []


@pytest.mark.parametrize("today", [date(2026, 10, 1), date(2026, 12, 15), date(2027, 2, 1)])
def test_an_approved_renewal_moves_the_due_and_removal_dates_a_year_on(today: date) -> None:
    endorsement = granted()
    endorsement.approve_renewal(COORDINATOR, today=today, terms=TERMS)
    assert (endorsement.renewal_date, endorsement.removal_date) == (date(2027, 12, 15), date(2028, 2, 1))
    renewed = endorsement.collect_events()[-1]
    assert isinstance(renewed, Endorsement.RenewalApproved)
    assert (renewed.renewal_id, renewed.renewal_year, renewed.renewed_on) == (
        renewal_id_for(endorsement.id, 2026), 2026, today)


def test_approving_the_same_renewal_twice_approves_it_once() -> None:
    endorsement = granted()
    endorsement.approve_renewal(COORDINATOR, today=date(2026, 11, 1), terms=TERMS)
    # the same request again (the next year's window is not open yet), and the same year named explicitly
    with pytest.raises(RenewalNotOpen):
        endorsement.approve_renewal(COORDINATOR, today=date(2026, 11, 1), terms=TERMS)
    with pytest.raises(RenewalAlreadyApproved):
        endorsement.approve_renewal(COORDINATOR, today=date(2026, 11, 1), terms=TERMS, renewal_year=2026)
    with pytest.raises(RenewalNotOpen):
        endorsement.approve_renewal(COORDINATOR, today=date(2026, 11, 1), terms=TERMS, renewal_year=2028)
    assert names(endorsement) == ["Granted", "RenewalApproved"]


def test_an_unrenewed_endorsement_lapses_once_after_the_removal_date() -> None:
    endorsement = granted()
    with pytest.raises(NotYetRemovable):
        endorsement.lapse(date(2027, 2, 1))
    assert not endorsement.is_lapse_due(date(2027, 2, 1))
    assert endorsement.is_lapse_due(date(2027, 2, 2))
    endorsement.lapse(date(2027, 2, 2))
    assert endorsement.status is EndorsementStatus.LAPSED
    assert not endorsement.is_lapse_due(date(2027, 3, 1))
    with pytest.raises(EndorsementNotActive):
        endorsement.lapse(date(2027, 3, 1))
    with pytest.raises(EndorsementNotActive):
        endorsement.approve_renewal(COORDINATOR, today=date(2027, 3, 1), terms=TERMS)
    lapsed = endorsement.collect_events()[-1]
    assert isinstance(lapsed, Endorsement.Lapsed)
    assert lapsed.reason == "the renewal due 2026-12-15 was not completed by 2027-02-01"


def test_only_a_lapsed_endorsement_is_reinstated_and_its_renewals_restart() -> None:
    endorsement = granted()
    with pytest.raises(EndorsementNotLapsed):
        endorsement.reinstate(COORDINATOR, today=date(2026, 5, 1), terms=TERMS)
    endorsement.lapse(date(2027, 2, 2))
    application_id = uuid4()
    endorsement.reinstate(COORDINATOR, today=date(2027, 6, 1), terms=TERMS, application_id=application_id)
    assert endorsement.status is EndorsementStatus.ACTIVE
    assert (endorsement.renewal_date, endorsement.removal_date) == (date(2028, 12, 15), date(2029, 2, 1))
    reinstated = endorsement.collect_events()[-1]
    assert isinstance(reinstated, Endorsement.Reinstated)
    assert reinstated.reinstatement_id == reinstatement_id_for(endorsement.id, 1)
    assert reinstated.application_id == application_id
    with pytest.raises(EndorsementNotLapsed):
        endorsement.reinstate(COORDINATOR, today=date(2027, 6, 1), terms=TERMS)


def test_revocation_is_permanent_and_needs_a_reason() -> None:
    endorsement = granted()
    for reason in ("", "   ", "x" * 1001):
        with pytest.raises(InvalidReasons):
            endorsement.revoke(COORDINATOR, today=date(2025, 6, 1), reason=reason)
    endorsement.revoke(COORDINATOR, today=date(2025, 6, 1), reason="  Falsified   hours ")
    assert endorsement.status is EndorsementStatus.REVOKED
    for act in (lambda: endorsement.revoke(COORDINATOR, today=date(2025, 6, 2), reason="again"),
                lambda: endorsement.approve_renewal(COORDINATOR, today=date(2026, 11, 1), terms=TERMS),
                lambda: endorsement.lapse(date(2027, 3, 1))):
        with pytest.raises(EndorsementNotActive):
            act()
    with pytest.raises(EndorsementNotLapsed):
        endorsement.reinstate(COORDINATOR, today=date(2027, 6, 1), terms=TERMS)
    revoked = endorsement.collect_events()[-1]
    assert isinstance(revoked, Endorsement.Revoked)
    assert revoked.reason == "Falsified hours"


def test_a_lapsed_endorsement_may_still_be_revoked() -> None:
    endorsement = granted()
    endorsement.lapse(date(2027, 2, 2))
    endorsement.revoke(COORDINATOR, today=date(2027, 3, 1), reason="Sanctioned by a licensing board")
    assert endorsement.status is EndorsementStatus.REVOKED
