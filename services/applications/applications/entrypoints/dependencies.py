"""What every route needs: the service, the read-model pool, the caller, and the answer's shape."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from servicekit.identity import CurrentIdentity

from ..application import ApplicationsService
from ..domain import Actor, Application
from ..domain.errors import NoRuleSetInForce
from ..domain.lifecycle import EDITABLE
from .schemas import ApplicationOut, UnmetRequirementOut


def _service(request: Request) -> ApplicationsService:
    service: ApplicationsService = request.app.state.applications
    return service


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def _actor(identity: CurrentIdentity) -> Actor:
    return Actor(account_id=identity.account_id, tenant=identity.tenant, roles=identity.roles, email=identity.email)


Service = Annotated[ApplicationsService, Depends(_service)]
Pool = Annotated[asyncpg.Pool, Depends(_pool)]
CurrentActor = Annotated[Actor, Depends(_actor)]


def application_out(service: ApplicationsService, application: Application) -> ApplicationOut:
    """The aggregate's state; an editable one also lists what the rules in force today still need."""
    unmet: list[UnmetRequirementOut] = []
    if application.status in EDITABLE:
        try:
            report = service.requirements(application)
        except NoRuleSetInForce as gap:
            unmet = [UnmetRequirementOut(code=gap.code, message=gap.message, field="category")]
        else:
            unmet = [UnmetRequirementOut(code=r.code, message=r.detail, field=r.tab) for r in report.unmet]
    return ApplicationOut.of(application, unmet)
