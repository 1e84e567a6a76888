"""When a credential is valid: from the start of the effective date to the end of the renewal date.

Dates are the association's calendar dates, so the instants are taken in its time zone. The interval is
half-open, [validFrom, validUntil): validUntil is the first instant after the renewal date.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo


@dataclass(frozen=True)
class ValidityPeriod:
    valid_from: datetime
    valid_until: datetime

    def contains(self, moment: datetime) -> bool:
        return self.valid_from <= moment < self.valid_until


def validity_period(effective_date: date, renewal_date: date, zone: tzinfo) -> ValidityPeriod:
    """The instants (in UTC) bounding a credential valid from `effective_date` through `renewal_date`."""
    start = datetime.combine(effective_date, time.min, tzinfo=zone)
    end = datetime.combine(renewal_date + timedelta(days=1), time.min, tzinfo=zone)
    return ValidityPeriod(start.astimezone(UTC), end.astimezone(UTC))
