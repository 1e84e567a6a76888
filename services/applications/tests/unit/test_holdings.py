"""Given/when/then on the Holding and Portfolio aggregates: following the reviews service's endorsement events once
each, the renewal window's edges by date, one open renewal per year, reinstatement only after a lapse, inactive
status, and a second category only once the first is held and no other application is open (domain §2.7)."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest
from applications.domain import Applicant
from applications.domain.holdings import Holding, HoldingStatus
from applications.domain.portfolio import Portfolio, portfolio_id
from applications.domain.renewal_errors import (
    ApplicationAlreadyOpen,
    CategoryAlreadyHeld,
    EndorsementNotActive,
    EndorsementRevoked,
    InvalidInactiveReason,
    NotLapsed,
    ReinstatementAlreadyOpen,
    RenewalAlreadyOpen,
    RenewalNotOpen,
)
from applications.domain.renewals import ApplicationKind, RenewalDates
from applications.domain.values import PersonalText
from rule_builders import shipped

HOLDER = Applicant(uuid4(), "Dana Reyes", "dana@example.org")
RULE = shipped("IFS", date(2026, 10, 1)).renewal
assert RULE is not None
DATES_2026 = RenewalDates.of(RULE, 2026)  # opens 2026-10-01, due 2026-12-15, removal 2027-02-01


def granted(renewal_date: date = date(2026, 12, 15)) -> Holding:
    holding = Holding.grant(
        uuid4(),
        "itmhca",
        HOLDER,
        "IFS",
        "Infant Family Specialist",
        uuid4(),
        date(2025, 6, 1),
        renewal_date,
        date(2027, 2, 1),
    )
    holding.collect_events()
    return holding


def never_open(_: UUID) -> bool:
    return False


def always_open(_: UUID) -> bool:
    return True


# Following the reviews service ----------------------------------------------------------------------------------


def test_a_grant_makes_an_active_holding_named_by_the_endorsement() -> None:
    endorsement_id = uuid4()

    holding = Holding.grant(
        endorsement_id,
        "itmhca",
        HOLDER,
        "IFS",
        "Infant Family Specialist",
        uuid4(),
        date(2025, 6, 1),
        date(2026, 12, 15),
        date(2027, 2, 1),
    )

    assert holding.id == endorsement_id
    assert (holding.status, holding.renewal_date, holding.removal_date) == (
        HoldingStatus.ACTIVE,
        date(2026, 12, 15),
        date(2027, 2, 1),
    )
    assert [type(e).__name__ for e in holding.collect_events()] == ["Granted"]


def test_the_same_renewal_applied_twice_changes_nothing_the_second_time() -> None:
    holding, renewal_id = granted(), uuid4()

    assert holding.renew(renewal_id, date(2026, 11, 20), date(2027, 12, 15), date(2028, 2, 1)) is True
    assert holding.renew(renewal_id, date(2026, 11, 20), date(2027, 12, 15), date(2028, 2, 1)) is False

    assert [type(e).__name__ for e in holding.collect_events()] == ["Renewed"]
    assert holding.renewal_date == date(2027, 12, 15)


def test_lapse_reinstatement_and_revocation_are_each_applied_once() -> None:
    holding, reinstatement_id = granted(), uuid4()

    assert holding.lapse(date(2027, 2, 2), "not renewed") is True
    assert holding.lapse(date(2027, 2, 2), "not renewed") is False
    assert holding.reinstate(reinstatement_id, date(2027, 5, 1), date(2028, 12, 15), None) is True
    assert holding.reinstate(reinstatement_id, date(2027, 5, 1), date(2028, 12, 15), None) is False
    assert holding.revoke(date(2027, 6, 1), "licence revoked") is True
    assert holding.revoke(date(2027, 6, 1), "licence revoked") is False
    assert holding.lapse(date(2029, 2, 2), "not renewed") is False  # revocation is final

    assert [type(e).__name__ for e in holding.collect_events()] == ["Lapsed", "Reinstated", "Revoked"]
    assert holding.status is HoldingStatus.REVOKED
    assert [c.what for c in holding.history] == ["granted", "lapsed", "reinstated", "revoked"]


# The renewal window ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "open_"),
    [
        (date(2026, 9, 30), False),
        (date(2026, 10, 1), True),
        (date(2026, 12, 16), True),
        (date(2027, 2, 1), True),
        (date(2027, 2, 2), False),
    ],
)
def test_a_renewal_starts_from_the_window_opening_until_the_removal_date(today: date, open_: bool) -> None:
    holding, application_id = granted(), uuid4()

    if open_:
        holding.start_renewal(application_id, DATES_2026, today, never_open)
        assert [(s.application_id, s.renewal_year) for s in holding.started] == [(application_id, 2026)]
    else:
        with pytest.raises(RenewalNotOpen, match="from 2026-10-01 until 2027-02-01"):
            holding.start_renewal(application_id, DATES_2026, today, never_open)
        assert holding.collect_events() == []


def test_no_renewal_is_due_in_the_year_of_the_grant() -> None:
    holding = granted(renewal_date=date(2026, 12, 15))  # granted 2025-06-01

    with pytest.raises(RenewalNotOpen):
        holding.start_renewal(uuid4(), RenewalDates.of(RULE, 2026), date(2025, 11, 1), never_open)


def test_only_one_open_renewal_per_endorsement_and_year() -> None:
    holding, first = granted(), uuid4()
    holding.start_renewal(first, DATES_2026, date(2026, 10, 5), never_open)

    with pytest.raises(RenewalAlreadyOpen):
        holding.start_renewal(uuid4(), DATES_2026, date(2026, 10, 6), lambda a: a == first)
    holding.start_renewal(uuid4(), DATES_2026, date(2026, 10, 6), never_open)  # the first was withdrawn

    assert len(holding.started) == 2


def test_a_lapsed_or_revoked_endorsement_cannot_be_renewed() -> None:
    lapsed, revoked = granted(), granted()
    lapsed.lapse(date(2026, 10, 2), "not renewed")
    revoked.revoke(date(2026, 10, 2), "revoked")

    with pytest.raises(EndorsementNotActive):
        lapsed.start_renewal(uuid4(), DATES_2026, date(2026, 10, 5), never_open)
    with pytest.raises(EndorsementRevoked):
        revoked.start_renewal(uuid4(), DATES_2026, date(2026, 10, 5), never_open)


def test_an_inactive_holder_may_still_renew() -> None:
    holding = granted()
    holding.make_inactive("family leave", date(2026, 9, 1))

    holding.start_renewal(uuid4(), DATES_2026, date(2026, 10, 5), never_open)

    assert holding.status is HoldingStatus.INACTIVE


# Reinstatement ---------------------------------------------------------------------------------------------------


def test_only_a_lapsed_endorsement_can_be_reinstated() -> None:
    active, revoked = granted(), granted()
    revoked.revoke(date(2026, 10, 2), "revoked")

    with pytest.raises(NotLapsed):
        active.start_reinstatement(uuid4(), date(2026, 10, 5), never_open)
    with pytest.raises(EndorsementRevoked):
        revoked.start_reinstatement(uuid4(), date(2026, 10, 5), never_open)
    assert active.collect_events() == []
    assert [type(e).__name__ for e in revoked.collect_events()] == ["Revoked"]


def test_one_reinstatement_per_lapse() -> None:
    holding, first = granted(), uuid4()
    holding.lapse(date(2027, 2, 2), "not renewed")
    holding.start_reinstatement(first, date(2027, 3, 1), never_open)

    with pytest.raises(ReinstatementAlreadyOpen):
        holding.start_reinstatement(uuid4(), date(2027, 3, 2), always_open)
    holding.reinstate(uuid4(), date(2027, 5, 1), date(2028, 12, 15), None)
    holding.lapse(date(2029, 2, 2), "not renewed")
    holding.start_reinstatement(uuid4(), date(2029, 3, 1), always_open)  # the first answered the earlier lapse

    assert [s.lapse_number for s in holding.started] == [1, 2]
    assert all(s.kind is ApplicationKind.REINSTATEMENT for s in holding.started)


# Inactive status -------------------------------------------------------------------------------------------------


def test_a_holder_may_ask_for_inactive_status_with_a_reason() -> None:
    holding = granted()

    with pytest.raises(InvalidInactiveReason):
        holding.make_inactive("   ", date(2026, 3, 1))
    holding.make_inactive("  moving out of state ", date(2026, 3, 1))
    with pytest.raises(EndorsementNotActive):
        holding.make_inactive("again", date(2026, 3, 2))

    assert (holding.status, holding.inactive_reason) == (HoldingStatus.INACTIVE, "moving out of state")
    assert holding.held
    assert [type(e).__name__ for e in holding.collect_events()] == ["MadeInactive"]


def test_every_reason_is_recorded_as_the_holders_personal_text() -> None:
    """The holder's words and the reviews service's reasons are part of the holder's file: sealed under them."""
    holding = granted()

    holding.make_inactive("family leave", date(2026, 3, 1))
    holding.lapse(date(2027, 2, 2), "not renewed")
    holding.revoke(date(2027, 6, 1), "licence revoked")

    assert [(e.why, e.reason) for e in holding.collect_events()] == [  # type: ignore[attr-defined]
        (PersonalText(HOLDER.subject, reason), reason) for reason in ("family leave", "not renewed", "licence revoked")]


# A second category (Portfolio) -----------------------------------------------------------------------------------


def portfolio() -> Portfolio:
    return Portfolio.open("itmhca", HOLDER.account_id)


def test_the_portfolio_of_a_person_has_one_id_everywhere() -> None:
    assert portfolio().id == portfolio_id("itmhca", HOLDER.account_id) != portfolio_id("other", HOLDER.account_id)


def test_a_held_category_cannot_be_applied_for_again_but_a_second_one_can() -> None:
    person, endorsement_id, first_application = portfolio(), uuid4(), uuid4()
    person.add_application(first_application, "IFS", ApplicationKind.INITIAL)
    person.add_endorsement(endorsement_id, "IFS", first_application)

    with pytest.raises(CategoryAlreadyHeld):
        person.ensure_may_apply(
            "IFS", held=lambda e: e == endorsement_id, is_open=always_open, one_category_at_a_time=True
        )
    # the endorsed application is no longer open, even if its status was not updated yet
    person.ensure_may_apply("IMHS", held=lambda e: True, is_open=always_open, one_category_at_a_time=True)
    person.ensure_may_apply("IFS", held=lambda e: False, is_open=always_open, one_category_at_a_time=True)  # lapsed


def test_an_open_application_in_the_category_blocks_another_one() -> None:
    person, draft = portfolio(), uuid4()
    person.add_application(draft, "IFA", ApplicationKind.INITIAL)

    with pytest.raises(ApplicationAlreadyOpen, match="open IFA application"):
        person.ensure_may_apply("IFA", held=lambda e: False, is_open=always_open, one_category_at_a_time=False)
    person.ensure_may_apply("IFA", held=lambda e: False, is_open=never_open, one_category_at_a_time=False)
    person.ensure_may_apply("IFS", held=lambda e: False, is_open=always_open, one_category_at_a_time=False)


def test_where_one_category_is_earned_at_a_time_any_open_application_blocks() -> None:
    person = portfolio()
    person.add_application(uuid4(), "IFA", ApplicationKind.INITIAL)

    with pytest.raises(ApplicationAlreadyOpen, match="one category at a time"):
        person.ensure_may_apply("IFS", held=lambda e: False, is_open=always_open, one_category_at_a_time=True)


def test_renewals_do_not_block_a_new_category() -> None:
    person = portfolio()
    person.add_application(uuid4(), "IFS", ApplicationKind.RENEWAL)

    person.ensure_may_apply("IMHS", held=lambda e: False, is_open=always_open, one_category_at_a_time=True)


def test_an_endorsement_is_added_to_the_portfolio_once() -> None:
    person, endorsement_id = portfolio(), uuid4()

    assert person.add_endorsement(endorsement_id, "IFS", uuid4()) is True
    assert person.add_endorsement(endorsement_id, "IFS", uuid4()) is False

    assert [type(e).__name__ for e in person.collect_events()] == ["Opened", "EndorsementAdded"]


def test_a_lapse_without_a_reason_applies_with_an_empty_detail() -> None:
    """The reviews service may lapse the endorsement of a holder erased here: the use case keeps no reason."""
    holding = granted()

    assert holding.lapse(date(2027, 2, 2), None) is True

    assert [e.why for e in holding.collect_events()] == [PersonalText(HOLDER.subject, None)]  # type: ignore[attr-defined]
    assert (holding.status, holding.history[-1].detail) == (HoldingStatus.LAPSED, "")
