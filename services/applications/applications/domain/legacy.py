"""What an upcaster needs to seal a value that an event stored before sealing held in plaintext.

An upcaster sees one stored event's state only. An `Application` event names its application, not the applicant
whose key seals the application's personal values; a reviewer's grant names an address, not the keyed subject it
is stored under now. So the store's mapper (`adapters/stored_subjects.py`) makes a `StoredSubjects` current while
it decodes an event, and the upcasters ask it:

- whose subject an aggregate's personal values belong to (`applicant_subject`): the applicant of an application
  (and of a rater's draft of one of its references);
- the subject of a person known by address only (`address_subject`): a rater, a reviewer;
- whether a subject is erased: a plaintext value of an erased person decodes as None (`unless_erased`), so
  `python -m applications reseal` never seals for an erased subject (refused) and never keeps what was erased.

Decoded without a store (a unit test calling an upcaster), the applicant's subject is None: the value still reads,
and only the store can seal it. A keyed address cannot be computed without the store's key, so `address_subject`
refuses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from typing import Any, Protocol, TypeVar
from uuid import UUID

from .values import PersonalItems, PersonalText


class StoredSubjects(Protocol):
    def applicant_of(self, aggregate_id: UUID) -> str | None:
        """The subject of the applicant an aggregate's personal values belong to; None when it has none."""

    def address_in(self, aggregate_id: UUID, email: str) -> str:
        """The keyed subject of a person known by address only (`servicekit.subjects.rater_subject`), in the
        association of the aggregate."""

    def is_erased(self, subject: str) -> bool: ...


V = TypeVar("V")

_current: ContextVar[StoredSubjects | None] = ContextVar("stored_subjects", default=None)


@contextmanager
def resolving_with(subjects: StoredSubjects | None) -> Iterator[None]:
    """Upcasters run within this block ask `subjects` (nested blocks restore the outer one)."""
    token = _current.set(subjects)
    try:
        yield
    finally:
        _current.reset(token)


def applicant_subject(state: dict[str, Any]) -> str | None:
    """The applicant's subject for an event of the aggregate `state["originator_id"]` (None without a store)."""
    subjects = _current.get()
    return None if subjects is None else subjects.applicant_of(state["originator_id"])


def address_subject(state: dict[str, Any], email: str) -> str:
    """The keyed subject of an address named by an event of the aggregate `state["originator_id"]`."""
    subjects = _current.get()
    if subjects is None:
        raise LookupError("an address is turned into its subject by the applications store's mapper only")
    return subjects.address_in(state["originator_id"], email)


def is_erased(subject: str | None) -> bool:
    subjects = _current.get()
    return subject is not None and subjects is not None and subjects.is_erased(subject)


def unless_erased(subject: str | None, text: str | None) -> str | None:
    """The stored plaintext, or None once its subject is erased."""
    return None if is_erased(subject) else text


def without_texts(subject: str | None, value: V, names: Iterable[str]) -> V:
    """A value (an entry, a membership) with its personal texts `names` None once `subject` is erased."""
    if not is_erased(subject):
        return value
    blank: Any = value  # a frozen dataclass
    result: V = replace(blank, **dict.fromkeys(names))
    return result


def applicant_text(state: dict[str, Any], text: str | None) -> PersonalText:
    """A plaintext of the event's applicant, as the value now stored sealed under them."""
    subject = applicant_subject(state)
    return PersonalText(subject, unless_erased(subject, text))


def applicant_items(state: dict[str, Any], items: Iterable[str]) -> PersonalItems:
    """A plaintext list of the event's applicant, as the value now stored sealed under them."""
    subject = applicant_subject(state)
    return PersonalItems.of(subject, () if is_erased(subject) else items)
