"""Who to write to about an application or an endorsement, for events that name nobody.

Some events carry no person on purpose (an exam result, a lapse, a revocation, a completed reference):
other consumers need no personal data. This service learns the person from the earlier events of the
same application or endorsement that do name them, and keeps only what an email needs, sealed under the person's
subject (`Addressee`): once they are erased, the contact replays with no address, and nobody is written to.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .email import Recipient
from .errors import RecipientErased
from .personal import Addressee


def _sealable(state: dict[str, Any]) -> None:
    """v2 -> v3: the plaintext address and name become an `Addressee` (stored before sealing: no subject)."""
    state["person"] = Addressee(data_subject=None, address=state.pop("address"), name=state.pop("name"))


class Contact(Aggregate):
    """The person an application or an endorsement belongs to, as the latest event naming them said (with
    their account, whose language this service learns from the gateway's account events)."""

    class Learnt(Aggregate.Created):
        class_version = 3
        tenant: str
        person: Addressee
        language: str | None
        account_id: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["account_id"] = None  # learnt before this service read the person's account

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            _sealable(state)

    class Changed(Aggregate.Event):
        class_version = 3
        person: Addressee
        language: str | None
        account_id: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["account_id"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            _sealable(state)

        def apply(self, aggregate: Any) -> None:
            aggregate.person = self.person
            aggregate.language = self.language
            aggregate.account_id = self.account_id

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
        person: Addressee,
        language: str | None,
        account_id: UUID | None = None,
    ) -> Contact:
        return cls._create(
            cls.Learnt,
            id=cls.id_for(subject, subject_id),
            tenant=tenant,
            person=person,
            language=language,
            account_id=account_id,
        )

    @event(Learnt)
    def __init__(self, *, tenant: str, person: Addressee, language: str | None, account_id: UUID | None) -> None:
        self.tenant = tenant
        self.person = person
        self.language = language
        self.account_id = account_id

    def update(self, person: Addressee, language: str | None, account_id: UUID | None = None) -> bool:
        """Record a changed name, address, language or account; False (and no event) when nothing changed."""
        account_id = account_id or self.account_id
        if (person, language, account_id) == (self.person, self.language, self.account_id):
            return False
        self.trigger_event(self.Changed, person=person, language=language, account_id=account_id)
        return True

    @property
    def erased(self) -> bool:
        """The person was erased: their address and name no longer open."""
        return self.person.erased

    @property
    def address(self) -> str | None:
        return self.person.address

    @property
    def name(self) -> str | None:
        return self.person.name

    @property
    def recipient(self) -> Recipient:
        """Who to write to; only for a contact that is not erased."""
        if self.person.address is None or self.person.name is None:
            raise RecipientErased(f"contact {self.id} was erased: there is nobody to write to")
        return Recipient(address=self.person.address, name=self.person.name)
