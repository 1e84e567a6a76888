"""The `reviewer:` subjects of before, and the address subjects that took their place (docs/erasure.md, "Who is a
subject").

Before this version the relay sealed a reviewer's address and name on `endorsement.reviews.v2` (`ReviewerAssigned`,
`ReviewerReleased`) under `reviewer:<tenant>:<hex HMAC-SHA256(REVIEWER_SUBJECT_KEY, lower(email))>`, a subject no
erasure request names. Now everything reviews seals about a reviewer or scorer is sealed under the subject of their
address that an erasure request does name, `rater:<tenant>:<hex HMAC-SHA256(RATER_INDEX_KEY, lower(email))>`
(`store.ReviewStore.address_subject`). The tokens already published under a `reviewer:` subject keep opening at
`/internal/unseal` (its key stays in `subject_keys`) until that reviewer's address is erased; then its key goes too.

A `PersonErased` carries only the address subject and neither HMAC can be inverted, so the pairs are kept in
`reviewer_subjects(address_subject PRIMARY KEY, legacy_subject)`. A reviewer can have tokens under a `reviewer:`
subject only if a stored `ReviewerAssigned` names them (every release follows an assignment; scorers were never
published), so the pairs come from those events, which hold the address (in plain text before this version):
`backfill`, run at every start-up before anything consumes, reads the `ReviewerAssigned` events stored since its
last pass (`reviewer_subjects_scanned`) and records each reviewer's pair. Events stored since this version add pairs
nobody needs (no `reviewer:` key was made for them), which costs a row each and keeps the rule simple. A pair whose
address subject is already erased (an erasure answered before this version, which could not reach the `reviewer:`
subject) has its `reviewer:` key destroyed at once. The event store is the source rather than the roster: it also
names reviewers since removed from the roster.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import Notification
from psycopg import sql
from servicekit.postgres import ddl_lock_key
from servicekit.shredding import key_batch

from .domain import case_events
from .domain.personal import RosterMember
from .store import ReviewStore, stored_topics

log = logging.getLogger(__name__)

DDL = """
CREATE TABLE IF NOT EXISTS {pairs} (
    address_subject text PRIMARY KEY,
    legacy_subject text NOT NULL
);
CREATE TABLE IF NOT EXISTS {scanned} (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    position bigint NOT NULL
);
"""
SCAN_BATCH = 500


def legacy_reviewer_subject(tenant: str, email: str, reviewer_subject_key: bytes) -> str:
    """The subject a reviewer's values on the v2 topic were sealed under before this version:
    `reviewer:<tenant>:<hex HMAC-SHA256(REVIEWER_SUBJECT_KEY, lower(email))>`."""
    digest = hmac.new(reviewer_subject_key, email.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()
    return f"reviewer:{tenant}:{digest}"


class LegacyReviewerSubjects:
    """The pairs of address and `reviewer:` subjects, in the service's schema (synchronous psycopg, like the event
    store; erasures are rare, so each question opens its own connection)."""

    def __init__(self, database_url: str, schema: str) -> None:
        self._database_url = database_url
        self._schema = schema
        self._pairs = sql.Identifier(schema, "reviewer_subjects")
        self._scanned = sql.Identifier(schema, "reviewer_subjects_scanned")

    def setup(self) -> None:
        with self._connect() as conn, conn.transaction():  # replicas starting together: one at a time
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (ddl_lock_key(self._schema),))
            conn.execute(sql.SQL(DDL).format(pairs=self._pairs, scanned=self._scanned))

    def legacy_of(self, address_subject: str) -> str | None:
        with self._connect() as conn:
            row = conn.execute(sql.SQL("SELECT legacy_subject FROM {} WHERE address_subject = %s").format(
                self._pairs), (address_subject,)).fetchone()
        return None if row is None else str(row[0])

    def backfill(self, store: ReviewStore, reviewer_subject_key: bytes) -> int:
        """Record the pair of every reviewer named by a `ReviewerAssigned` stored since the last pass (module
        docstring); returns how many events were read."""
        position = self._position()
        read = 0
        topics = stored_topics(case_events.ReviewerAssigned)
        while notifications := store.recorder.select_notifications(position + 1, SCAN_BATCH, topics=topics):
            with key_batch():
                pairs = dict(filter(None, (_pair(store, n, reviewer_subject_key) for n in notifications)))
                erased = [legacy for address, legacy in pairs.items() if store.keys.is_erased(address)]
            with self._connect() as conn, conn.transaction():
                for address, legacy in pairs.items():
                    conn.execute(sql.SQL("INSERT INTO {} (address_subject, legacy_subject) VALUES (%s, %s) "
                                         "ON CONFLICT (address_subject) DO NOTHING").format(self._pairs),
                                 (address, legacy))
                position = notifications[-1].id
                conn.execute(sql.SQL("INSERT INTO {t} (only_row, position) VALUES (true, %s) ON CONFLICT (only_row) "
                                     "DO UPDATE SET position = GREATEST({t}.position, EXCLUDED.position)").format(
                                         t=self._scanned), (position,))
            for legacy in erased:  # erased before this version, which could not reach their `reviewer:` subject
                store.keys.destroy(legacy)
            read += len(notifications)
        if read:
            log.info("reviewer subjects: %d assignments read", read)
        return read

    def _position(self) -> int:
        with self._connect() as conn:
            row = conn.execute(sql.SQL("SELECT position FROM {}").format(self._scanned)).fetchone()
        return 0 if row is None else int(row[0])

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self._database_url, autocommit=True, connect_timeout=10)


def _pair(store: ReviewStore, notification: Notification, key: bytes) -> tuple[str, str] | None:
    """(address subject, legacy subject) of the reviewer a stored `ReviewerAssigned` names, read from its stored
    state as it is (an older event holds the plain address even once the reviewer is erased); None when the address
    is no longer readable (a sealed one erased, whose pair was recorded before it was)."""
    state = store.mapper.transcoder.decode(notification.state)
    member = state.get("reviewer")
    email = member.email if isinstance(member, RosterMember) else state.get("reviewer_email")
    if not isinstance(email, str):
        return None
    tenant = store.addresses.tenant_of(UUID(str(notification.originator_id)))
    return store.address_subject(tenant, email), legacy_reviewer_subject(tenant, email, key)
