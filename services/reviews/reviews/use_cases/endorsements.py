"""The endorsement register: renewals, lapse, reinstatement and revocation."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ..config import Tenant
from ..domain import Actor
from ..store import EndorsementFile, ReviewStore


class EndorsementUseCases(ReviewStore):
    def approve_renewal(self, endorsement_id: UUID, *, tenant: Tenant, by: Actor, renewal_year: int | None = None,
                        now: datetime) -> EndorsementFile:
        def attempt() -> None:
            endorsement = self.get_endorsement(endorsement_id, tenant.slug)
            endorsement.approve_renewal(by, today=tenant.today(now), terms=tenant.terms, renewal_year=renewal_year)
            self.save(endorsement)

        self.retrying(attempt)
        return self.endorsement_file(endorsement_id, tenant.slug)

    def revoke(self, endorsement_id: UUID, *, tenant: Tenant, by: Actor, reason: str,
               now: datetime) -> EndorsementFile:
        def attempt() -> None:
            endorsement = self.get_endorsement(endorsement_id, tenant.slug)
            endorsement.revoke(by, today=tenant.today(now), reason=reason)
            self.save(endorsement)

        self.retrying(attempt)
        return self.endorsement_file(endorsement_id, tenant.slug)

    def reinstate(self, endorsement_id: UUID, *, tenant: Tenant, by: Actor, application_id: UUID | None = None,
                  now: datetime) -> EndorsementFile:
        def attempt() -> None:
            endorsement = self.get_endorsement(endorsement_id, tenant.slug)
            endorsement.reinstate(by, today=tenant.today(now), terms=tenant.terms, application_id=application_id)
            self.save(endorsement)

        self.retrying(attempt)
        return self.endorsement_file(endorsement_id, tenant.slug)

    def lapse_if_due(self, endorsement_id: UUID, *, tenant: Tenant, now: datetime) -> bool:
        """Lapse the endorsement when it is past its removal date unrenewed; False when nothing was due."""

        def attempt() -> bool:
            endorsement = self.get_endorsement(endorsement_id, tenant.slug)
            today = tenant.today(now)
            if not endorsement.is_lapse_due(today):
                return False
            endorsement.lapse(today)
            self.save(endorsement)
            return True

        return self.retrying(attempt)
