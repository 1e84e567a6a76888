"""What this service publishes: only its answer to an erasure, `ErasureCompleted`, on `endorsement.erasures.v1`.

The answer is relayed from the stored `Erasure.SubjectErased` through the outbox (`servicekit.outbox.OutboxRelay`),
so it is published only once the erasure is committed, and under the same `ce_id` if it is ever published again
(a crash before the relay recorded its position, a broker that lost its data). Every other stored event becomes
nothing.
"""

from __future__ import annotations

from uuid import UUID

from endorsement_contracts.events.erasures import ErasureCompleted
from eventsourcing.domain import DomainEventProtocol
from servicekit.outbox import Translation

from .domain import Erasure
from .domain.erasure import SERVICE

EVENT_SOURCE = "/services/notifications"


def translate(domain_event: DomainEventProtocol[UUID]) -> Translation:
    if isinstance(domain_event, Erasure.SubjectErased):
        return ErasureCompleted(
            tenant=domain_event.tenant,
            occurred_at=domain_event.timestamp,
            erasure_id=domain_event.erasure_id,
            subject=domain_event.subject,
            service=SERVICE,
        )
    return None
