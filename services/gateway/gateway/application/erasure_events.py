"""Erasures as the integration events of `endorsement.erasures.v1`: ids only, never a name or email."""

from __future__ import annotations

from datetime import datetime

from endorsement_contracts.events.erasures import ErasingService, ErasureCompleted, PersonErased

from ..domain.erasures import Erasure

GATEWAY_ANSWERS: tuple[ErasingService, ...] = ("gateway", "portal")
"""What the gateway answers itself, in the erasure's transaction: its own part, and the portal's, whose erasure is
the deletion of the person's sessions (the portal has no Kafka, and its session rows name nobody once the gateway
session behind them is gone)."""


def person_erased(erasure: Erasure) -> PersonErased:
    """The request to the services, dated when the request started running: the same event whenever it is written
    (again after the broker lost its data: application/erasure_replay.py)."""
    assert erasure.started_at is not None, "a held request asks no service yet"
    return PersonErased(tenant=erasure.tenant, occurred_at=erasure.started_at, erasure_id=erasure.id,
                        subject=erasure.subject)


def completed(erasure: Erasure, service: ErasingService, now: datetime) -> ErasureCompleted:
    return ErasureCompleted(tenant=erasure.tenant, occurred_at=now, erasure_id=erasure.id, subject=erasure.subject,
                            service=service)
