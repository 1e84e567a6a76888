"""Who may see and act on an application. Never reveal an application across tenants or applicants.

The applicant and the association's coordinators see it; so does a reviewer (role `reviewer`, known by the keyed
subject of the email the gateway vouches for) while assigned to its review case (`reviewer_access.py`), to read
everything the applicant entered, waived references' answers included. Exam scorers (role `scorer`) get nothing
from that role. Only the applicant changes an application; anyone else who may see it is refused, everyone else
told 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from .errors import ApplicationNotFound, NotTheApplicant, RoleRequired
from .model import Application

APPLICANT = "applicant"
COORDINATOR = "coordinator"
REVIEWER = "reviewer"


@dataclass(frozen=True)
class ListingScope:
    """Whose applications a listing shows: with neither set, the whole association (coordinators); else the
    actor's own (`applicant_account_id`) and those they currently review (`reviewer`: their address's subject)."""

    applicant_account_id: UUID | None = None
    reviewer: str | None = None


@dataclass(frozen=True)
class Actor:
    """The person making a request, as the gateway vouches for them."""

    account_id: UUID
    tenant: str
    roles: frozenset[str]
    email: str | None = None
    """The account's email, as the gateway vouches for it."""
    address_subject: str | None = None
    """The keyed subject of `email` in the tenant (`ApplicationsService.actor` computes it): how a reviewer is known,
    since assignments name the address and grants store its subject."""

    @property
    def is_coordinator(self) -> bool:
        return COORDINATOR in self.roles

    @property
    def reviewer(self) -> str | None:
        """The subject this actor reviews under: only with the `reviewer` role."""
        return self.address_subject if REVIEWER in self.roles else None

    def reviews(self, application: Application) -> bool:
        """A reviewer currently assigned to the application's review case (never its applicant)."""
        reviewer = self.reviewer
        return (reviewer is not None and application.tenant == self.tenant and application.reviewer_may_read(reviewer)
                and not application.is_applicant(self.account_id))

    def sees_waived_answers(self, application: Application) -> bool:
        """Coordinators and the application's reviewers read every reference's answers; the applicant never a
        waived one's."""
        return self.is_coordinator or self.reviews(application)

    def ensure_applicant(self) -> None:
        if APPLICANT not in self.roles:
            raise RoleRequired("only applicants can start an application")

    def may_view(self, application: Application) -> bool:
        if application.tenant != self.tenant:
            return False
        return self.is_coordinator or application.is_applicant(self.account_id) or self.reviews(application)

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
        """Whose applications or holdings a listing shows: None for the whole tenant (coordinators), else the
        actor's own."""
        if self.is_coordinator:
            return None
        if APPLICANT in self.roles:
            return self.account_id
        raise RoleRequired("only applicants and coordinators can list applications")

    def applications_scope(self) -> ListingScope:
        """Whose applications a listing shows: the whole tenant for coordinators; an applicant's own, a reviewer's
        those they may read now (both for someone who is both)."""
        if self.is_coordinator:
            return ListingScope()
        own = self.account_id if APPLICANT in self.roles else None
        if own is None and self.reviewer is None:
            raise RoleRequired("only applicants, reviewers and coordinators can list applications")
        return ListingScope(applicant_account_id=own, reviewer=self.reviewer)
