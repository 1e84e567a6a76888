"""Who to write to about an application or an endorsement, for events that name nobody.

Some events carry no person on purpose (an exam result, a lapse, a revocation, a completed reference):
other consumers need no personal data. This service learns the person from the earlier events of the
same application or endorsement that do name them, and keeps only what an email needs.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .email import Recipient


class Contact(Aggregate):
    """The person an application or an endorsement belongs to, as the latest event naming them said (with
    their account, whose language this service learns from the gateway's account events)."""

    class Learnt(Aggregate.Created):
        class_version = 2
        tenant: str
        address: str
        name: str
        language: str | None
        account_id: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["account_id"] = None  # learnt before this service read the person's account

    class Changed(Aggregate.Event):
        class_version = 2
        address: str
        name: str
        language: str | None
        account_id: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["account_id"] = None

    @staticmethod
    def id_for(subject: str, subject_id: object) -> UUID:
        """The contact of one `application` or `endorsement` (by its id)."""
        return uuid5(NAMESPACE_URL, f"contact/{subject}/{subject_id}")

    @classmethod
    def learn(
        cls,
        *,
        subject: str,
        subject_id: object,
        tenant: str,
        person: Recipient,
        language: str | None,
        account_id: UUID | None = None,
    ) -> Contact:
        return cls._create(
            cls.Learnt,
            id=cls.id_for(subject, subject_id),
            tenant=tenant,
            address=person.address,
            name=person.name,
            language=language,
            account_id=account_id,
        )

    @event(Learnt)
    def __init__(
        self, *, tenant: str, address: str, name: str, language: str | None, account_id: UUID | None
    ) -> None:
        self.tenant = tenant
        self.address = address
        self.name = name
        self.language = language
        self.account_id = account_id

    def update(self, person: Recipient, language: str | None, account_id: UUID | None = None) -> bool:
        """Record a changed name, address, language or account; False (and no event) when nothing changed."""
        account_id = account_id or self.account_id
        now = (person.address, person.name, language, account_id)
        if now == (self.address, self.name, self.language, self.account_id):
            return False
        self._changed(address=person.address, name=person.name, language=language, account_id=account_id)
        return True

    @event(Changed)
    def _changed(self, address: str, name: str, language: str | None, account_id: UUID | None) -> None:
        self.address = address
        self.name = name
        self.language = language
        self.account_id = account_id

    @property
    def recipient(self) -> Recipient:
        return Recipient(address=self.address, name=self.name)
