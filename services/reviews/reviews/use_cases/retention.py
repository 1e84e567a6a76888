"""Register retention (`domain.retention`): decide, on the holder's endorsements themselves, that the erasure of a
holder whose register retention ran out is due, and store that decision once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from ..config import Tenant
from ..domain import EndorsementNotFound
from ..domain.personal import account_subject
from ..domain.retention import RegisterRetention, last_ended_on, register_retention_id, retention_ran_out
from ..store import ReviewStore


class RetentionCases:
    def __init__(self, store: ReviewStore) -> None:
        self.store = store

    def file_erasure_due(self, account_id: UUID, endorsement_ids: Iterable[UUID], *, tenant: Tenant,
                         now: datetime) -> bool:
        """Store `ErasureDue` for the holder when the association keeps register entries for a limited time and
        their last endorsement (of `endorsement_ids`, which the read model named: the aggregates decide) ended
        more than that long ago with none back in force. False when nothing is due: no limit, one is in force
        again, not long enough yet, the holder was erased already, or the decision was stored before (by this
        pass or another)."""
        years = tenant.register_retention_years
        subject = account_subject(account_id)
        if (years is None or register_retention_id(tenant.slug, subject) in self.store.repository
                or self.store.is_erased(subject)):
            return False
        endorsements = []
        for endorsement_id in endorsement_ids:
            try:
                endorsement = self.store.get_endorsement(endorsement_id, tenant.slug)
            except EndorsementNotFound:
                return False
            if endorsement.holder.account_id != account_id:
                return False
            endorsements.append(endorsement)
        ended_on = last_ended_on(endorsements)
        if ended_on is None or not retention_ran_out(ended_on, today=tenant.today(now), years=years):
            return False
        try:
            self.store.save(RegisterRetention(tenant=tenant.slug, subject=subject, ended_on=ended_on,
                                              retention_years=years, decided_at=now))
        except IntegrityError:  # another pass stored it a moment ago
            return False
        return True
