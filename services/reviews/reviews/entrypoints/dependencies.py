"""What every route depends on: the application, tenant data, the read-model pool, the clock, and the caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from servicekit.clock import Clock
from servicekit.identity import CurrentIdentity, Identity, require_role

from ..application import Reviews
from ..config import Tenant, TenantCatalog
from ..domain import Actor, Competencies, NotFound, Reviewer, normalised_email
from ..domain.errors import NotAssigned

COORDINATOR = "coordinator"
REVIEWER = "reviewer"


def get_reviews(request: Request) -> Reviews:
    reviews: Reviews = request.app.state.reviews
    return reviews


def get_tenants(request: Request) -> TenantCatalog:
    tenants: TenantCatalog = request.app.state.tenants
    return tenants


def get_pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_competencies(request: Request) -> Competencies:
    """The Competency Guidelines® ids a reviewer's checklist may tick (none known: every tick is refused)."""
    competencies: Competencies = getattr(request.app.state, "competencies", Competencies())
    return competencies


def caller_in_role(role: str) -> Callable[[Identity], Identity]:
    """The dependency on the caller, who must have `role`; what they see is limited to their own association."""

    def caller(identity: CurrentIdentity) -> Identity:
        require_role(identity, role)
        return identity

    return caller


current_coordinator = caller_in_role(COORDINATOR)
current_reviewer = caller_in_role(REVIEWER)


ReviewsDep = Annotated[Reviews, Depends(get_reviews)]
TenantsDep = Annotated[TenantCatalog, Depends(get_tenants)]
PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]
ClockDep = Annotated[Clock, Depends(get_clock)]
CompetenciesDep = Annotated[Competencies, Depends(get_competencies)]
Coordinator = Annotated[Identity, Depends(current_coordinator)]
ReviewerIdentity = Annotated[Identity, Depends(current_reviewer)]


def actor(identity: Identity) -> Actor:
    return Actor(account_id=identity.account_id, name=identity.name)


def tenant_of(tenants: TenantCatalog, identity: Identity, missing: type[NotFound]) -> Tenant:
    """The caller's association; an unknown one has nothing the caller could see."""
    tenant = tenants.get(identity.tenant)
    if tenant is None:
        raise missing("not found")
    return tenant


def roster_member(tenant: Tenant, identity: Identity) -> Reviewer:
    """The reviewer the caller is on the association's roster; anyone else has no assignments to see."""
    reviewer = tenant.reviewers.get(normalised_email(identity.email))
    if reviewer is None:
        raise NotAssigned("you are not on this association's reviewer roster")
    return reviewer
