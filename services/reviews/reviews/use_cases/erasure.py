"""Erasing a subject (docs/erasure.md, "What each service does with PersonErased"): destroy their data key,
surrender their endorsements, and record the erasure once. The subject is an account (`account:<id>`: an applicant,
holder or staff member by account) or an address (`rater:<tenant>:<hmac>`: a reviewer or scorer by roster address)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from ..domain import EndorsementNotFound
from ..domain.erasure import Erasure, erasure_record_id
from ..store import ReviewStore


class ErasureCases:
    def __init__(self, store: ReviewStore) -> None:
        self.store = store

    def erase(self, *, erasure_id: UUID, tenant: str, subject: str, endorsement_ids: Iterable[UUID], today: date,
              now: datetime) -> list[Any]:
        """Destroy the subject's key (idempotent, first: nothing of theirs is readable here from now on), then
        return the unsaved effects: each of `endorsement_ids` the subject holds and has not yet surrendered,
        revoked with reason `erasure`, and the record of the erasure. Nothing when this erasure was recorded
        already (a redelivered or replayed `PersonErased`). The caller saves them with the record's position.

        A reviewer's or scorer's address subject also takes with it the `reviewer:` subject their values on the v2
        topic were sealed under before (`reviewer_subjects.py`)."""
        self.store.keys.destroy(subject)
        legacy = self.store.legacy_subjects.legacy_of(subject)
        if legacy is not None:
            self.store.keys.destroy(legacy)
        if erasure_record_id(erasure_id) in self.store.repository:
            return []
        surrendered = []
        for endorsement_id in endorsement_ids:
            try:
                endorsement = self.store.get_endorsement(endorsement_id, tenant)
            except EndorsementNotFound:
                continue
            if endorsement.holder.subject == subject and endorsement.surrender(today):
                surrendered.append(endorsement)
        record = Erasure(erasure_id=erasure_id, tenant=tenant, subject=subject, erased_at=now,
                         endorsements_surrendered=[e.id for e in surrendered])
        return [*surrendered, record]
