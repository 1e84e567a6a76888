"""The endorsement register: renewals, lapse, reinstatement and revocation."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ..config import Tenant
from ..domain import Actor
from ..store import EndorsementFile, ReviewStore


class EndorsementCases:
    def __init__(self, store: ReviewStore) -> None:
        self.store = store

    def approve_renewal(self, endorsement_id: UUID, *, tenant: Tenant, by: Actor, renewal_year: int | None = None,
                        now: datetime) -> EndorsementFile:
        def attempt() -> None:
            endorsement = self.store.get_endorsement(endorsement_id, tenant.slug)
            endorsement.approve_renewal(by, today=tenant.today(now), terms=tenant.terms, renewal_year=renewal_year)
            self.store.save(endorsement)

        self.store.retrying(attempt)
        return self.store.endorsement_file(endorsement_id, tenant.slug)

    def revoke(self, endorsement_id: UUID, *, tenant: Tenant, by: Actor, reason: str,
               now: datetime) -> EndorsementFile:
        def attempt() -> None:
            endorsement = self.store.get_endorsement(endorsement_id, tenant.slug)
            endorsement.revoke(by, today=tenant.today(now), reason=reason)
            self.store.save(endorsement)

        self.store.retrying(attempt)
        return self.store.endorsement_file(endorsement_id, tenant.slug)

    def reinstate(self, endorsement_id: UUID, *, tenant: Tenant, by: Actor, application_id: UUID | None = None,
                  now: datetime) -> EndorsementFile:
        def attempt() -> None:
            endorsement = self.store.get_endorsement(endorsement_id, tenant.slug)
            endorsement.reinstate(by, today=tenant.today(now), terms=tenant.terms, application_id=application_id)
            self.store.save(endorsement)

        self.store.retrying(attempt)
        return self.store.endorsement_file(endorsement_id, tenant.slug)

    def lapse_if_due(self, endorsement_id: UUID, *, tenant: Tenant, now: datetime) -> bool:
        """Lapse the endorsement when it is past its removal date unrenewed; False when nothing was due."""

        def attempt() -> bool:
            endorsement = self.store.get_endorsement(endorsement_id, tenant.slug)
            today = tenant.today(now)
            if not endorsement.is_lapse_due(today):
                return False
            endorsement.lapse(today)
            self.store.save(endorsement)
            return True

        return self.store.retrying(attempt)
