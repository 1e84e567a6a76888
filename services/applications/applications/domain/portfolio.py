"""The Portfolio aggregate: one person's applications and endorsements at one association.

It exists so that starting an application can be refused consistently (domain §2.7: a second category is added
after the first is earned): the applications and holdings it lists are loaded to see whether one is still open
or held, and the portfolio's version guards against two starts racing each other. Its id is derived from the
tenant and the account, so every process finds the same one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, CanMutateAggregate, event

from .renewal_errors import ApplicationAlreadyOpen, CategoryAlreadyHeld
from .renewals import ApplicationKind


def portfolio_id(tenant: str, account_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"applications/portfolio/{tenant}/{account_id}")


@dataclass(frozen=True)
class Listed:
    category: str
    kind: ApplicationKind


@dataclass(frozen=True)
class Endorsement:
    category: str
    application_id: UUID
    """The application it was granted on."""


class Portfolio(Aggregate):
    class Event(Aggregate.Event):
        tenant: str

    class Opened(Aggregate.Created):
        tenant: str
        account_id: UUID

    class ApplicationAdded(Event):
        application_id: UUID
        category: str
        kind: str

        def apply(self, aggregate: Any) -> None:
            aggregate.applications[self.application_id] = Listed(self.category, ApplicationKind(self.kind))

    class EndorsementAdded(Event):
        endorsement_id: UUID
        category: str
        application_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.endorsements[self.endorsement_id] = Endorsement(self.category, self.application_id)

    @event(Opened)
    def __init__(self, id: UUID, tenant: str, account_id: UUID) -> None:
        self.tenant = tenant
        self.account_id = account_id
        self.applications: dict[UUID, Listed] = {}
        self.endorsements: dict[UUID, Endorsement] = {}

    @classmethod
    def open(cls, tenant: str, account_id: UUID) -> Portfolio:
        return cls(id=portfolio_id(tenant, account_id), tenant=tenant, account_id=account_id)

    def ensure_may_apply(
        self,
        category: str,
        *,
        held: Callable[[UUID], bool],
        is_open: Callable[[UUID], bool],
        one_category_at_a_time: bool,
    ) -> None:
        """Refuse a new (initial) application in `category` while the person holds that endorsement, or has an
        open application in it (in any category where the association has one category earned at a time)."""
        if any(e.category == category and held(endorsement_id) for endorsement_id, e in self.endorsements.items()):
            raise CategoryAlreadyHeld(f"you already hold the {category} endorsement")
        granted = {e.application_id for e in self.endorsements.values()}
        for application_id, listed in self.applications.items():
            if listed.kind is not ApplicationKind.INITIAL or application_id in granted:
                continue
            if (listed.category == category or one_category_at_a_time) and is_open(application_id):
                if listed.category == category:
                    raise ApplicationAlreadyOpen(f"you already have an open {category} application: {application_id}")
                raise ApplicationAlreadyOpen(
                    f"you have an open {listed.category} application ({application_id}); "
                    "the association endorses one category at a time"
                )

    def add_application(self, application_id: UUID, category: str, kind: ApplicationKind) -> None:
        if application_id not in self.applications:
            self.trigger_event(self.ApplicationAdded, application_id=application_id, category=category,
                               kind=kind.value)

    def add_endorsement(self, endorsement_id: UUID, category: str, application_id: UUID) -> bool:
        if endorsement_id in self.endorsements:
            return False
        self.trigger_event(self.EndorsementAdded, endorsement_id=endorsement_id, category=category,
                           application_id=application_id)
        return True

    def trigger_event(self, event_class: type[CanMutateAggregate[UUID]], **kwargs: Any) -> None:
        if issubclass(event_class, Portfolio.Event):
            kwargs.setdefault("tenant", self.tenant)
        super().trigger_event(event_class, **kwargs)
