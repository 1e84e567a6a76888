"""What an upcaster needs to turn a reviewer's or scorer's plain address, stored before assignments were sealed, into
the `RosterMember` events hold now.

An upcaster sees one stored event's state only: it names the reviewer's address, not the keyed subject of that
address in the association (`rater:<tenant>:<hmac>`), which needs the association (named by the aggregate's first
event) and the service's RATER_INDEX_KEY. So the store's mapper makes `AddressSubjects` current while it decodes an
event (`resolving_with`), and the upcasters ask it. A plain address whose subject is erased decodes as None, so
`python -m reviews reseal` never seals for an erased subject (refused) and never keeps what was erased.

Decoded without a store (nothing sets the resolver), an older event cannot be upcast: `member_of` raises.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol
from uuid import UUID

from .personal import RosterMember


class AddressSubjects(Protocol):
    def address_in(self, aggregate_id: UUID, email: str) -> str:
        """The keyed subject of `email` in the association of the aggregate."""

    def is_erased(self, subject: str) -> bool: ...


_current: ContextVar[AddressSubjects | None] = ContextVar("reviews_address_subjects", default=None)


@contextmanager
def resolving_with(subjects: AddressSubjects | None) -> Iterator[None]:
    """Upcasters run within this block ask `subjects` (nested blocks restore the outer one)."""
    token = _current.set(subjects)
    try:
        yield
    finally:
        _current.reset(token)


def member_of(state: dict[str, Any], email: str, name: str | None = None) -> RosterMember:
    """The reviewer or scorer a plain `email` (and `name`) of an event of the aggregate `state["originator_id"]`
    names, under the keyed subject of the address; their address and name None once that subject is erased."""
    subjects = _current.get()
    if subjects is None:
        raise LookupError("a reviewer's plain address is turned into its subject by the reviews store's mapper only")
    subject = subjects.address_in(state["originator_id"], email)
    if subjects.is_erased(subject):
        return RosterMember(subject, None, None)
    return RosterMember(subject, email, name)
