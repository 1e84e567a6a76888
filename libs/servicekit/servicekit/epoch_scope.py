"""Tracking names per broker epoch, so positions in a broker that lost its data are never taken for old ones.

The first epoch a service's database ever saw keeps the plain names (`outbox`, `<group>/<topic>/<partition>`), so
positions recorded before epochs existed stay valid and tools reading those names keep working while the broker
keeps its data; every later epoch adds `@<epoch>`, which starts every position at 0 again. The first epoch is
itself a tracking record, `broker-epoch/first`, whose position is the epoch read as a number.
"""

from __future__ import annotations

import contextlib
import threading

from eventsourcing.persistence import IntegrityError, Tracking

from .broker_epoch import BrokerEpoch
from .eventstore import TrackedApplication

FIRST_EPOCH = "broker-epoch/first"


class EpochScope:
    """Scopes one database's tracking names to the broker epoch (thread-safe; `load` first, off the event loop)."""

    def __init__(self, epoch: BrokerEpoch, app: TrackedApplication) -> None:
        self.epoch = epoch
        self.app = app
        self._first: str | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Read the epoch and the database's first epoch (recording it when there is none yet)."""
        self._first_epoch(self.epoch.current())

    def name_now(self, name: str) -> str:
        """`name` in the epoch now (reads the broker at most once per `max_age`; makes missing topics)."""
        return self._scoped(name, self.epoch.current())

    def name_last_known(self, name: str) -> str:
        """`name` in the epoch last read: no broker or database call, safe in the event loop once loaded."""
        last = self.epoch.last_known
        return name if last is None or self._first is None else self._scoped(name, last)

    def refresh(self) -> None:
        """Read the epoch afresh (a record that looks processed must be from this broker's data to be skipped)."""
        self.epoch.current(fresh=True)

    def _scoped(self, name: str, epoch: str) -> str:
        return name if epoch == self._first_epoch(epoch) else f"{name}@{epoch}"

    def _first_epoch(self, current: str) -> str:
        with self._lock:
            if self._first is None:
                if not self.app.position(FIRST_EPOCH):
                    with contextlib.suppress(IntegrityError):  # another process recorded it first
                        self.app.record_position(Tracking(FIRST_EPOCH, int(current, 16)))
                self._first = f"{self.app.position(FIRST_EPOCH):0{len(current)}x}"
            return self._first
