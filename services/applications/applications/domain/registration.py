"""Registration (EASy's preliminary application, domain §4.1): the applicant registers once the registration fee
is recorded, and a coordinator of the association accepts the registration after checking membership and payment.

Whether a category needs it is rule data (`registration.required`); where it does, submission waits for the
acceptance (requirement `REGISTRATION_ACCEPTED`). The tabs stay editable meanwhile, so applicants prepare while
they wait. A mixin of the `Application` aggregate: its events become `Application.Registered` and
`Application.RegistrationAccepted` (stored topics `applications.domain.model:Application.<name>`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from .checks import RegistrationState
from .entries import FeeKind, FeePayment
from .errors import (
    AlreadyRegistered,
    NotRegistered,
    NotRegistrable,
    RegistrationAlreadyAccepted,
    RegistrationFeeNotRecorded,
    RegistrationNotRequired,
)
from .lifecycle import Status
from .renewals import ApplicationKind
from .rules import RuleVersion


class RegistrationMixin:
    """Commands and events of registration; the aggregate provides `status`, `fees`, `tenant`, `category`."""

    registered_at: datetime | None = None
    registration_accepted_at: datetime | None = None
    registration_accepted_by: UUID | None = None
    """Class-level defaults: applications stored before registration existed read back unregistered."""

    if TYPE_CHECKING:
        status: Status
        tenant: str
        category: str
        fees: dict[FeeKind, FeePayment]
        kind: ApplicationKind

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

    class Registered(Aggregate.Event):
        registered_at: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.status = Status.REGISTERED
            aggregate.registered_at = self.registered_at

    class RegistrationAccepted(Aggregate.Event):
        accepted_by: UUID
        accepted_at: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.status = Status.ACCEPTED
            aggregate.registration_accepted_by = self.accepted_by
            aggregate.registration_accepted_at = self.accepted_at

    def register(self, rules: RuleVersion, at: datetime) -> None:
        """Register a draft whose rules require registration, once the registration fee due is recorded."""
        _ensure_aware(at)
        if (rules.tenant, rules.category) != (self.tenant, self.category):
            raise ValueError(f"rules {rules.id} do not belong to this application")
        if self.status in (Status.REGISTERED, Status.ACCEPTED):
            raise AlreadyRegistered("the application is already registered")
        if self.status is not Status.DRAFT:
            raise NotRegistrable(f"an application that is {self.status} cannot be registered")
        if not rules.registration.required:
            raise RegistrationNotRequired(f"{rules.id} needs no registration: complete the tabs and submit")
        due = rules.fees.registration_cents
        paid = self.fees.get(FeeKind.REGISTRATION)
        if due > 0 and (paid is None or paid.amount_cents < due):
            raise RegistrationFeeNotRecorded(f"record the registration fee of {rules.fees.currency} "
                                             f"{due // 100}.{due % 100:02d} before registering")
        self.trigger_event(self.Registered, registered_at=at)

    def accept_registration(self, by: UUID, at: datetime) -> None:
        """A coordinator accepts the registration (the port checks the role); the applicant may then submit."""
        _ensure_aware(at)
        if self.status is Status.ACCEPTED or (self.registration_accepted_at is not None):
            raise RegistrationAlreadyAccepted("the registration is already accepted")
        if self.status is not Status.REGISTERED:
            raise NotRegistered(f"an application that is {self.status} has no registration to accept")
        self.trigger_event(self.RegistrationAccepted, accepted_by=by, accepted_at=at)

    def registration_state(self) -> RegistrationState:
        """For the requirement check. Renewals and reinstatements (a `kind` other than initial) are exempt."""
        if self.kind is not ApplicationKind.INITIAL:
            return RegistrationState.NOT_REQUIRED
        if self.registration_accepted_at is not None:
            return RegistrationState.ACCEPTED
        if self.registered_at is not None:
            return RegistrationState.REGISTERED
        return RegistrationState.NOT_REGISTERED


def _ensure_aware(at: datetime) -> None:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
