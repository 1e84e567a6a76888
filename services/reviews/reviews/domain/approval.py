"""Rules about the dates of an approval that need more than the case itself (today, the association's clock)."""

from __future__ import annotations

from datetime import date

from .errors import InvalidEffectiveDate


def effective_date_for(requested: date | None, *, today: date, received_on: date) -> date:
    """The effective date of an approval: the requested one, or today in the association's timezone.

    An endorsement cannot take effect before the application was received, nor in the future.
    """
    effective = requested or today
    if effective > today:
        raise InvalidEffectiveDate(f"the effective date {effective} is in the future (today is {today})")
    if effective < received_on:
        raise InvalidEffectiveDate(
            f"the effective date {effective} is before the application was received ({received_on})"
        )
    return effective
