"""Invariants of every entry, checked by the aggregate whatever port the entry came through."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from .entries import (
    EducationEntry,
    EducationKind,
    Entry,
    FeePayment,
    Membership,
    RscEntry,
    TrainingEntry,
    WorkEntry,
)
from .errors import InvalidDates, InvalidEntry, InvalidFee, InvalidMembership, InvalidRequest, UnknownCompetency

MAX_TEXT = 200
MAX_REFERENCE = 100
EARLIEST = date(1950, 1, 1)
MAX_ENTRY_HOURS = Decimal(1000)
MAX_FAMILIES = 100_000
MAX_TAGS = 60
MAX_ADDONS = 5
MAX_FEE_CENTS = 1_000_000
CODE = re.compile(r"^[A-Z][A-Z/\-]{1,15}$")


@dataclass(frozen=True)
class EntryContext:
    """What entry checks need from outside the aggregate: the association's date and the competency ids."""

    today: date
    competency_ids: frozenset[str]


def checked_entry(entry: Entry, context: EntryContext) -> Entry:
    """The entry with its text trimmed, or a refusal naming the first broken rule."""
    if isinstance(entry, EducationEntry):
        return _education(entry, context)
    if isinstance(entry, WorkEntry):
        return _work(entry, context)
    if isinstance(entry, TrainingEntry):
        return _training(entry, context)
    return _rsc(entry, context)


def checked_membership(membership: Membership) -> Membership:
    association = _text(membership.association, "the association", error=InvalidMembership)
    member_id = _optional_text(membership.member_id, "the member id", MAX_REFERENCE, error=InvalidMembership)
    if membership.expires_on < EARLIEST:
        raise InvalidMembership("the membership expiry date is not plausible")
    return replace(membership, association=association, member_id=member_id)


def checked_fee(fee: FeePayment, today: date) -> FeePayment:
    if not 0 < fee.amount_cents <= MAX_FEE_CENTS:
        raise InvalidFee(f"a fee amount must be between 1 and {MAX_FEE_CENTS} cents")
    reference = _text(fee.reference, "the payment reference", MAX_REFERENCE, error=InvalidFee)
    _not_future(fee.paid_on, today, "the payment date")
    return replace(fee, reference=reference)


def _education(entry: EducationEntry, context: EntryContext) -> EducationEntry:
    if not EARLIEST.year <= entry.year <= context.today.year:
        raise InvalidDates(f"the year must be between {EARLIEST.year} and {context.today.year}")
    if (entry.kind is EducationKind.DEGREE) != (entry.level is not None):
        raise InvalidEntry("a degree needs its level, and only a degree has one")
    return replace(entry, institution=_text(entry.institution, "the institution"),
                   field=_optional_text(entry.field, "the field"))


def _work(entry: WorkEntry, context: EntryContext) -> WorkEntry:
    _period(entry.start, entry.end, context.today)
    if not 0 <= entry.families_served <= MAX_FAMILIES:
        raise InvalidEntry(f"families served must be between 0 and {MAX_FAMILIES}")
    if not entry.activities or len(set(entry.activities)) != len(entry.activities):
        raise InvalidEntry("name each activity of the work once, at least one")
    return replace(entry, employer=_text(entry.employer, "the employer"), role=_text(entry.role, "the role"))


def _training(entry: TrainingEntry, context: EntryContext) -> TrainingEntry:
    _not_future(entry.completed_on, context.today, "the training date")
    _hours(entry.hours, "the training hours")
    for part, label in ((entry.dei_hours, "DEI hours"), (entry.rsc_provision_hours, "RSC-provision hours")):
        _part_hours(part, entry.hours, label)
    if len(entry.competencies) > MAX_TAGS or len(set(entry.competencies)) != len(entry.competencies):
        raise InvalidEntry(f"tag each competency once, at most {MAX_TAGS}")
    unknown = sorted(set(entry.competencies) - context.competency_ids)
    if unknown:
        raise UnknownCompetency(f"unknown competency id(s): {', '.join(unknown)}")
    return replace(entry, title=_text(entry.title, "the title"), provider=_text(entry.provider, "the provider"))


def _rsc(entry: RscEntry, context: EntryContext) -> RscEntry:
    _period(entry.start, entry.end, context.today)
    _hours(entry.hours, "the RSC hours")
    _part_hours(entry.hours_about_providing_rsc, entry.hours, "hours about providing RSC")
    codes = (entry.provider_category, *entry.provider_addons)
    if not all(CODE.match(code) for code in codes) or len(entry.provider_addons) > MAX_ADDONS:
        raise InvalidEntry("the provider's category and add-ons must be endorsement codes such as IMHS or ERS")
    return replace(entry, provider_name=_text(entry.provider_name, "the provider's name"))


def _text(value: str | None, label: str, limit: int = MAX_TEXT, *,
          error: type[InvalidRequest] = InvalidEntry) -> str:
    cleaned = (value or "").strip()
    if not cleaned or len(cleaned) > limit:
        raise error(f"{label} must have 1 to {limit} characters")
    return cleaned


def _optional_text(value: str | None, label: str, limit: int = MAX_TEXT, *,
                   error: type[InvalidRequest] = InvalidEntry) -> str | None:
    cleaned = (value or "").strip() or None
    if cleaned is not None and len(cleaned) > limit:
        raise error(f"{label} is longer than {limit} characters")
    return cleaned


def _hours(hours: Decimal, label: str) -> None:
    if not Decimal(0) < hours <= MAX_ENTRY_HOURS or hours != hours.quantize(Decimal("0.01")):
        raise InvalidEntry(f"{label} must be more than 0 and at most {MAX_ENTRY_HOURS}, in hundredths at most")


def _part_hours(part: Decimal, whole: Decimal, label: str) -> None:
    if not Decimal(0) <= part <= whole or part != part.quantize(Decimal("0.01")):
        raise InvalidEntry(f"{label} must be between 0 and the entry's hours")


def _period(start: date, end: date | None, today: date) -> None:
    if start < EARLIEST:
        raise InvalidDates(f"dates before {EARLIEST.isoformat()} are not accepted")
    _not_future(start, today, "the start date")
    if end is not None:
        _not_future(end, today, "the end date")
        if end < start:
            raise InvalidDates("the end date is before the start date")


def _not_future(day: date, today: date, label: str) -> None:
    if day > today:
        raise InvalidDates(f"{label} ({day.isoformat()}) is in the future")
