"""The expiry sweep: records, once, that a credential's validity period ended (`CredentialExpired`).

Candidates come from the `credentials` read model (not expired, not revoked, `validUntil` passed), a batch at a
time, read in a transaction on the sweep's own connection (dropped after a failed pass and opened again); the
aggregate decides, so a read model that lags behind a renewal expires nothing it should not, and an expiry
already recorded is never recorded twice. A renewal or reinstatement starts a new period. The loop is
`servicekit.sweeps.Sweep`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

import psycopg
from eventsourcing.persistence import IntegrityError
from servicekit.sweeps import Sweep

from credentials.lifecycle import Lifecycle

CANDIDATES = """
SELECT id FROM credentials
WHERE NOT expired AND NOT revoked
  AND coalesce(valid_until_at, (valid_until + 1)::timestamp AT TIME ZONE 'UTC') <= %s
ORDER BY valid_until_at NULLS FIRST LIMIT %s
"""


class ExpirySweep(Sweep[UUID]):
    label = "expiry sweep"
    report = "%d credential(s) expired"

    def __init__(self, lifecycle: Lifecycle, connect: Callable[[], psycopg.Connection], *, interval: float = 60.0,
                 batch_size: int = 200) -> None:
        super().__init__(clock=lifecycle.app.clock, interval=interval, batch_size=batch_size)
        self.lifecycle = lifecycle
        self._connect = connect
        self._conn: psycopg.Connection | None = None

    def candidates(self, now: datetime) -> list[UUID]:
        if self._conn is None or self._conn.closed:
            self._conn = self._connect()
        with self._conn.transaction():
            return [row[0] for row in self._conn.execute(CANDIDATES, (now, self.batch_size)).fetchall()]

    def settle(self, candidate: UUID, now: datetime) -> bool:
        app = self.lifecycle.app
        credential = app.get_credential(candidate)
        effects = self.lifecycle.expire_if_due(credential) if credential is not None else []
        if not effects:
            return False
        try:
            app.save(*effects)
        except IntegrityError:
            return False  # changed meanwhile (renewed, revoked): the next sweep looks again
        return True

    def reset(self) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
