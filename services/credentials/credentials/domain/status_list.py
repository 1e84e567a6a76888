"""A tenant's status list for one purpose (W3C Bitstring Status List v1.0), as an aggregate.

Each credential gets one index, chosen at random among the unused ones (herd privacy: the index says
nothing about when or to whom the credential was issued) and never given to another credential. A set
bit means the purpose applies: revoked, or suspended. Revocation is permanent, so a revocation bit is
never cleared. `revision` counts the changes of bits only, so issuing does not change the published list.
"""

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from credentials.domain.errors import IndexTakenError, PermanentStatusError, StatusListFullError

MIN_LENGTH = 131_072
"""The minimum number of entries of a list (16 KiB of bits), for herd privacy."""

RANDOM_ATTEMPTS = 64
"""Random draws before falling back to a uniform choice among the free indexes (a nearly full list)."""

RandomBelow = Callable[[int], int]
"""A source of uniformly random integers in [0, n): `secrets.randbelow` in the service."""


class StatusPurpose(StrEnum):
    REVOCATION = "revocation"
    SUSPENSION = "suspension"


def status_list_id(tenant: str, purpose: StatusPurpose) -> UUID:
    return uuid5(NAMESPACE_URL, f"status-list/{tenant}/{purpose.value}")


class StatusList(Aggregate):
    class Created(Aggregate.Created):
        tenant: str
        purpose: str
        created_at: datetime
        length: int

    class EntryReserved(Aggregate.Event):
        credential_id: UUID
        index: int

        def apply(self, aggregate: Any) -> None:
            aggregate.index_by_credential[str(self.credential_id)] = self.index
            aggregate.taken.add(self.index)

    class BitSet(Aggregate.Event):
        index: int
        changed_at: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.set_bits.add(self.index)
            aggregate.revision += 1
            aggregate.changed_at = max(aggregate.changed_at, self.changed_at)

    class BitCleared(Aggregate.Event):
        index: int
        changed_at: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.set_bits.discard(self.index)
            aggregate.revision += 1
            aggregate.changed_at = max(aggregate.changed_at, self.changed_at)

    @staticmethod
    def create_id(tenant: str, purpose: str) -> UUID:
        return status_list_id(tenant, StatusPurpose(purpose))

    @event(Created)
    def __init__(self, tenant: str, purpose: str, created_at: datetime, length: int = MIN_LENGTH) -> None:
        if length < MIN_LENGTH:
            raise ValueError(f"a status list has at least {MIN_LENGTH} entries")
        self.tenant = tenant
        self.purpose: str = StatusPurpose(purpose).value  # a plain string, so snapshots keep it as it is
        self.length = length
        self.index_by_credential: dict[str, int] = {}
        self.taken: set[int] = set()
        self.set_bits: set[int] = set()
        self.revision = 0
        self.changed_at = created_at
        """When the bits last changed (the list's creation while none has): the published list's validFrom."""

    def index_of(self, credential_id: UUID) -> int | None:
        return self.index_by_credential.get(str(credential_id))

    def choose_free_index(self, random_below: RandomBelow) -> int:
        """A uniformly random index that no credential holds."""
        if len(self.taken) >= self.length:
            raise StatusListFullError(f"the {self.purpose} list of {self.tenant} has no free entry")
        for _ in range(RANDOM_ATTEMPTS):
            index = random_below(self.length)
            if index not in self.taken:
                return index
        free = [index for index in range(self.length) if index not in self.taken]
        return free[random_below(len(free))]

    def reserve(self, credential_id: UUID, index: int) -> None:
        """Give `index` to the credential; a credential keeps the index it already has."""
        held = self.index_of(credential_id)
        if held == index:
            return
        if held is not None:
            raise IndexTakenError(f"credential {credential_id} already holds index {held}")
        if not 0 <= index < self.length:
            raise IndexTakenError(f"index {index} is outside the list")
        if index in self.taken:
            raise IndexTakenError(f"index {index} of the {self.purpose} list is taken")
        self.trigger_event(self.EntryReserved, credential_id=credential_id, index=index)

    def is_set(self, index: int) -> bool:
        return index in self.set_bits

    def set(self, index: int, at: datetime) -> bool:
        """Set the bit of a reserved index; False (and nothing recorded) when it is set already."""
        self._require_reserved(index)
        if index in self.set_bits:
            return False
        self.trigger_event(self.BitSet, index=index, changed_at=at)
        return True

    def clear(self, index: int, at: datetime) -> bool:
        """Clear the bit (suspension lists only); False when it is clear already."""
        if self.purpose == StatusPurpose.REVOCATION:
            raise PermanentStatusError("a revocation is permanent; its bit is never cleared")
        self._require_reserved(index)
        if index not in self.set_bits:
            return False
        self.trigger_event(self.BitCleared, index=index, changed_at=at)
        return True

    def _require_reserved(self, index: int) -> None:
        if index not in self.taken:
            raise IndexTakenError(f"index {index} of the {self.purpose} list belongs to no credential")
