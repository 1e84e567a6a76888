"""Erasing a person (docs/erasure.md, "What each service does with PersonErased"), over the applications store.

An applicant's applications still open are withdrawn first (reason `erasure`), so that the reviews service closes
their cases; then the subject's key is destroyed, which makes every personal value sealed for them (name, email,
profile, entries, membership and fee references, file names, reasons and review texts, raters' drafts, a rater's
identity) decode as None for good; their documents' sealed bytes are
deleted; and the erasure is recorded once per request
(`Erasure.SubjectErased`: the read models scrub on it, the relay answers `ErasureCompleted`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ..application import ApplicationsService
from ..documents.store import DocumentStore
from ..domain import Application
from ..domain.erasure import Erasure
from ..domain.portfolio import Portfolio, portfolio_id
from ..domain.values import account_of_subject


class ErasureCases:
    def __init__(self, store: ApplicationsService, documents: DocumentStore | None = None) -> None:
        self.store = store
        self.documents = documents
        """Where the subject's documents are deleted (None where there is no document store: tools, tests)."""

    def erase(self, erasure_id: UUID, tenant: str, subject: str) -> list[Any]:
        """The aggregates to save with the `PersonErased` record's position; none when this request was recorded
        already (a redelivered or replayed record). The key is destroyed before they are saved: destroying is
        idempotent, so a crash in between only repeats it."""
        if Erasure.id_for(erasure_id) in self.store.repository:
            return []
        applications = self._applications_of(tenant, subject)
        withdrawn = [application for application in applications if application.withdraw_on_erasure()]
        self.store.keys.destroy(subject)
        if self.documents is not None:  # unreadable already (the key is gone); now gone from the store too
            self.documents.forget(subject)
        erasure = Erasure.record(erasure_id=erasure_id, tenant=tenant, subject=subject,
                                 withdrawn=[application.id for application in withdrawn],
                                 applications=[application.id for application in applications])
        return [*withdrawn, erasure]

    def _applications_of(self, tenant: str, subject: str) -> list[Application]:
        """The applicant's applications in the association; none for a rater or a reviewer (their references and
        grants stay, only who they are goes)."""
        account_id = account_of_subject(subject)
        if account_id is None:
            return []
        portfolio = self.store.find(Portfolio, portfolio_id(tenant, account_id))
        applications = [self.store.find(Application, application_id)
                        for application_id in (portfolio.applications if portfolio is not None else {})]
        return [application for application in applications if application is not None]
