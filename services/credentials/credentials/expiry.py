"""The expiry sweep: records, once, that a credential's validity period ended (`CredentialExpired`).

Candidates come from the `credentials` read model (not expired, not revoked, `validUntil` passed); the
aggregate decides, so a read model that lags behind a renewal expires nothing it should not, and an
expiry already recorded is never recorded twice. A renewal or reinstatement starts a new period.
"""

from __future__ import annotations

import psycopg
from eventsourcing.persistence import IntegrityError

from credentials.lifecycle import Lifecycle

CANDIDATES = """
SELECT id FROM credentials
WHERE NOT expired AND NOT revoked
  AND coalesce(valid_until_at, (valid_until + 1)::timestamp AT TIME ZONE 'UTC') <= %s
ORDER BY valid_until_at NULLS FIRST LIMIT %s
"""


class ExpirySweep:
    def __init__(self, lifecycle: Lifecycle, batch_size: int = 200) -> None:
        self.lifecycle = lifecycle
        self.batch_size = batch_size
        self.expired = 0

    def run_once(self, conn: psycopg.Connection) -> int:
        """Expire the due credentials of one batch; returns how many it expired."""
        app = self.lifecycle.app
        with conn.transaction():
            ids = [row[0] for row in conn.execute(CANDIDATES, (app.clock(), self.batch_size)).fetchall()]
        expired = 0
        for credential_id in ids:
            credential = app.get_credential(credential_id)
            effects = self.lifecycle.expire_if_due(credential) if credential is not None else []
            if not effects:
                continue
            try:
                app.save(*effects)
            except IntegrityError:
                continue  # changed meanwhile (renewed, revoked): the next sweep looks again
            expired += 1
        self.expired += expired
        return expired
