"""Given/when/then for the renewal rule and the effective-date rule."""

from __future__ import annotations

from datetime import date

import pytest
from reviews.domain import (
    FirstRenewal,
    InvalidEffectiveDate,
    MonthDay,
    RenewalRule,
    RenewalTerms,
    effective_date_for,
)

DEC_15 = RenewalRule(12, 15, FirstRenewal.NEXT_YEAR)


@pytest.mark.parametrize(
    ("effective", "first_renewal"),
    [
        (date(2025, 1, 1), date(2026, 12, 15)),
        (date(2025, 12, 14), date(2026, 12, 15)),
        (date(2025, 12, 20), date(2026, 12, 15)),  # after this year's due date: still next year's
        (date(2025, 12, 31), date(2026, 12, 15)),
    ],
)
def test_no_renewal_is_due_in_the_year_of_endorsement(effective: date, first_renewal: date) -> None:
    assert DEC_15.first_renewal_date(effective) == first_renewal


def test_a_leap_day_due_date_falls_on_the_last_day_of_february_in_common_years() -> None:
    rule = RenewalRule.parse("02-29")
    assert rule.first_renewal_date(date(2027, 5, 1)) == date(2028, 2, 29)
    assert rule.first_renewal_date(date(2025, 5, 1)) == date(2026, 2, 28)


def test_parsing_reads_month_day_and_the_rule_name() -> None:
    assert RenewalRule.parse("12-15", "next_year") == DEC_15


@pytest.mark.parametrize(("month_day", "rule"), [("13-01", "next_year"), ("02-30", "next_year"), ("1215", "next_year"),
                                                 ("aa-bb", "next_year"), ("12-15", "same_year")])
def test_parsing_refuses_what_is_not_a_month_day_or_a_known_rule(month_day: str, rule: str) -> None:
    with pytest.raises(ValueError):  # both kinds of refusal are ValueError by design
        RenewalRule.parse(month_day, rule)


def test_the_effective_date_defaults_to_today() -> None:
    assert effective_date_for(None, today=date(2025, 6, 2), received_on=date(2025, 6, 1)) == date(2025, 6, 2)


def test_a_requested_effective_date_between_receipt_and_today_is_kept() -> None:
    assert effective_date_for(date(2025, 6, 1), today=date(2025, 6, 3), received_on=date(2025, 6, 1)) == date(
        2025, 6, 1
    )


def test_an_effective_date_in_the_future_or_before_receipt_is_refused() -> None:
    with pytest.raises(InvalidEffectiveDate, match="future") as future:
        effective_date_for(date(2025, 6, 4), today=date(2025, 6, 3), received_on=date(2025, 6, 1))
    assert future.value.code == "INVALID_EFFECTIVE_DATE"
    with pytest.raises(InvalidEffectiveDate, match="before the application was received"):
        effective_date_for(date(2025, 5, 31), today=date(2025, 6, 3), received_on=date(2025, 6, 1))


def test_removal_and_window_dates_follow_the_due_date() -> None:
    terms = RenewalTerms(DEC_15, removal=MonthDay.parse("02-01"), window_opens=MonthDay.parse("10-01"))
    assert terms.removal_date(date(2026, 12, 15)) == date(2027, 2, 1)  # the first 1 February after the due date
    assert terms.opens_on(date(2026, 12, 15)) == date(2026, 10, 1)  # the last 1 October before it
    assert DEC_15.next_due_date(date(2026, 12, 15)) == date(2027, 12, 15)
    february = RenewalTerms(RenewalRule.parse("02-01"), removal=MonthDay.parse("03-31"),
                            window_opens=MonthDay.parse("11-01"))
    assert february.opens_on(date(2027, 2, 1)) == date(2026, 11, 1)
    assert february.removal_date(date(2027, 2, 1)) == date(2027, 3, 31)
    plain = RenewalTerms(DEC_15)
    assert (plain.removal_date(date(2026, 12, 15)), plain.opens_on(date(2026, 12, 15))) == (date(2026, 12, 15), None)


@pytest.mark.parametrize("text", ["13-01", "02-30", "0201", "xx-yy"])
def test_a_month_day_must_be_one(text: str) -> None:
    with pytest.raises(ValueError):
        MonthDay.parse(text)
