"""What this service knows of a platform account: only the language its person reads emails in.

Learnt from the gateway's account events (`endorsement.accounts.v1`), so that emails caused by other services'
events (which name a person by `account_id` but carry no language) are written in the person's language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class Account(Aggregate):
    """One account's chosen language, as of the latest account event that said it."""

    class Learnt(Aggregate.Created):
        tenant: str
        language: str
        as_of: datetime

    class LanguageChanged(Aggregate.Event):
        language: str
        as_of: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.language = self.language
            aggregate.as_of = self.as_of

    @staticmethod
    def id_for(account_id: object) -> UUID:
        return uuid5(NAMESPACE_URL, f"account/{account_id}")

    @classmethod
    def learn(cls, *, account_id: object, tenant: str, language: str, as_of: datetime) -> Account:
        return cls._create(cls.Learnt, id=cls.id_for(account_id), tenant=tenant, language=language, as_of=as_of)

    @event(Learnt)
    def __init__(self, *, tenant: str, language: str, as_of: datetime) -> None:
        self.tenant = tenant
        self.language = language
        self.as_of = as_of

    def update(self, language: str, as_of: datetime) -> bool:
        """Record a new language; False (and no event) when unchanged or said before what is known (a late copy)."""
        if language == self.language or as_of < self.as_of:
            return False
        self.trigger_event(self.LanguageChanged, language=language, as_of=as_of)
        return True
