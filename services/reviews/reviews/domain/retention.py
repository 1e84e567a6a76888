"""Register retention (docs/erasure.md, "Legal holds and retention"): when an ended endorsement's register entry has
kept its holder's name long enough, this service says so once, and the gateway files the erasure as `system`.

A holder is due when none of their endorsements is in force, they have no open case, and their last endorsement
ended (the latest lapse or revocation of any of them) more than the association's `register_retention_years` ago:
before the same date that many years earlier, 29 February counting as 28 February (the gateway's inactivity rule
counts years the same way). A reinstatement or a new grant puts the holder back in force.

The decision is an aggregate of its own, one per association and holder (`RegisterRetention`), created once with
its `ErasureDue` event: the relay publishes it through the outbox with the same `ce_id` every time, and a sweep
repeated, or run by two processes, finds it there and stores nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Final
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .endorsement import Endorsement, EndorsementStatus
from .personal import account_of_subject
from .values import Described

REASON: Final = "register_retention"
"""The `ErasureDue` reason this rule gives."""


def years_before(day: date, years: int) -> date:
    """`day` less `years` calendar years; 29 February becomes 28 February in a year that has none."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def last_ended_on(endorsements: Iterable[Endorsement]) -> date | None:
    """When the holder's last endorsement ended; None while any is in force (or when they hold none)."""
    ends: list[date] = []
    for endorsement in endorsements:
        if endorsement.status is EndorsementStatus.ACTIVE or endorsement.ended_on is None:
            return None
        ends.append(endorsement.ended_on)
    return max(ends, default=None)


def retention_ran_out(ended_on: date, *, today: date, years: int) -> bool:
    """Whether an entry that ended on `ended_on` has been kept for more than `years` years by `today`."""
    return ended_on < years_before(today, years)


def register_retention_id(tenant: str, subject: str) -> UUID:
    """One decision per association and holder: the same id however often it is sought."""
    return uuid5(NAMESPACE_URL, f"register-retention/{tenant}/{subject}")


class RegisterRetention(Aggregate):
    """The decision that a holder's register retention ran out (stored before it is published)."""

    class ErasureDue(Aggregate.Created):
        tenant: str
        subject: str
        ended_on: date
        retention_years: int
        decided_at: datetime

        def describe(self) -> Described:
            return Described("erasure_due", "system", None,
                             {"reason": REASON, "ended_on": self.ended_on.isoformat(),
                              "retention_years": str(self.retention_years)})

        @property
        def account_id(self) -> UUID | None:
            return account_of_subject(self.subject)

    @staticmethod
    def create_id(tenant: str, subject: str) -> UUID:
        return register_retention_id(tenant, subject)

    @event(ErasureDue)
    def __init__(self, *, tenant: str, subject: str, ended_on: date, retention_years: int,
                 decided_at: datetime) -> None:
        self.tenant = tenant
        self.subject = subject
        self.ended_on = ended_on
        self.retention_years = retention_years
        self.decided_at = decided_at
