"""Who to write to about an application or an endorsement, for events that name nobody.

Some events carry no person on purpose (an exam result, a lapse, a revocation, a completed reference):
other consumers need no personal data. This service learns the person from the earlier events of the
same application or endorsement that do name them, and keeps only what an email needs.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .email import Recipient


class Contact(Aggregate):
    """The person an application or an endorsement belongs to, as the latest event naming them said."""

    class Learnt(Aggregate.Created):
        tenant: str
        address: str
        name: str
        language: str | None

    class Changed(Aggregate.Event):
        address: str
        name: str
        language: str | None

    @staticmethod
    def id_for(subject: str, subject_id: object) -> UUID:
        """The contact of one `application` or `endorsement` (by its id)."""
        return uuid5(NAMESPACE_URL, f"contact/{subject}/{subject_id}")

    @classmethod
    def learn(
        cls, *, subject: str, subject_id: object, tenant: str, person: Recipient, language: str | None
    ) -> Contact:
        return cls._create(
            cls.Learnt,
            id=cls.id_for(subject, subject_id),
            tenant=tenant,
            address=person.address,
            name=person.name,
            language=language,
        )

    @event(Learnt)
    def __init__(self, *, tenant: str, address: str, name: str, language: str | None) -> None:
        self.tenant = tenant
        self.address = address
        self.name = name
        self.language = language

    def update(self, person: Recipient, language: str | None) -> bool:
        """Record a changed name, address or language; False (and no event) when nothing changed."""
        if (person.address, person.name, language) == (self.address, self.name, self.language):
            return False
        self._changed(address=person.address, name=person.name, language=language)
        return True

    @event(Changed)
    def _changed(self, address: str, name: str, language: str | None) -> None:
        self.address = address
        self.name = name
        self.language = language

    @property
    def recipient(self) -> Recipient:
        return Recipient(address=self.address, name=self.name)
