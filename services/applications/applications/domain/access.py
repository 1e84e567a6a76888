"""Who may see and act on an application. Never reveal an application across tenants or applicants."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from .errors import ApplicationNotFound, NotTheApplicant, RoleRequired
from .model import Application

APPLICANT = "applicant"
COORDINATOR = "coordinator"


@dataclass(frozen=True)
class Actor:
    """The person making a request, as the gateway vouches for them."""

    account_id: UUID
    tenant: str
    roles: frozenset[str]

    @property
    def is_coordinator(self) -> bool:
        return COORDINATOR in self.roles

    def ensure_applicant(self) -> None:
        if APPLICANT not in self.roles:
            raise RoleRequired("only applicants can start an application")

    def may_view(self, application: Application) -> bool:
        if application.tenant != self.tenant:
            return False
        return self.is_coordinator or application.is_applicant(self.account_id)

    def ensure_may_view(self, application: Application) -> None:
        if not self.may_view(application):
            raise ApplicationNotFound(f"no application {application.id}")

    def ensure_owner(self, application: Application) -> None:
        """Only the applicant changes their application; others who may see it are refused, others told 404."""
        self.ensure_may_view(application)
        if not application.is_applicant(self.account_id):
            raise NotTheApplicant("only the applicant can change this application")

    def ensure_coordinator_of(self, application: Application) -> None:
        """Association work (e.g. accepting a registration): coordinators of the tenant; the applicant is refused,
        anyone else told 404."""
        self.ensure_may_view(application)
        if not self.is_coordinator:
            raise RoleRequired("only a coordinator of the association can do this")

    def listing_scope(self) -> UUID | None:
        """Whose applications a listing shows: None for the whole tenant (coordinators), else the actor's own."""
        if self.is_coordinator:
            return None
        if APPLICANT in self.roles:
            return self.account_id
        raise RoleRequired("only applicants and coordinators can list applications")
