"""What every route needs: the service and the use cases over it, the read-model pool, the caller, and the
answer's shape."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Annotated

import asyncpg
from fastapi import Depends, Header, Request, Response
from servicekit.identity import CurrentIdentity

from ..application import ApplicationsService, expecting
from ..domain import Actor, Application
from ..domain.errors import NoRuleSetInForce
from ..domain.lifecycle import EDITABLE
from ..use_cases.documents import DocumentCases
from ..use_cases.holdings import HoldingCases
from ..use_cases.references import ReferenceCases
from .schemas import ApplicationOut, UnmetRequirementOut

ENTITY_TAG = re.compile(r'^(?:W/)?"?([0-9]{1,9})"?$')


def _service(request: Request) -> ApplicationsService:
    service: ApplicationsService = request.app.state.applications
    return service


def _holdings(request: Request) -> HoldingCases:
    holdings: HoldingCases = request.app.state.holdings
    return holdings


def _references(request: Request) -> ReferenceCases:
    references: ReferenceCases = request.app.state.references
    return references


def _documents(request: Request) -> DocumentCases:
    documents: DocumentCases = request.app.state.documents
    return documents


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def _actor(identity: CurrentIdentity, request: Request) -> Actor:
    return _service(request).actor(identity.account_id, identity.tenant, identity.roles, identity.email)


def etag(application: Application) -> str:
    """The application's entity tag: its version (the number of its events)."""
    return f'"{application.version}"'


def expected_versions(if_match: str | None) -> frozenset[int] | None:
    """The versions an `If-Match` accepts: None for none or `*`; a tag that is no version of ours matches none."""
    if if_match is None or if_match.strip() == "*":
        return None
    tags = [ENTITY_TAG.match(tag.strip()) for tag in if_match.split(",")]
    return frozenset(int(tag[1]) for tag in tags if tag is not None)


class Precondition:
    """A write made under the caller's `If-Match` (412 `APPLICATION_CHANGED` when stale); tags the answer with the
    application's new `ETag`."""

    def __init__(self, response: Response, if_match: str | None) -> None:
        self.response = response
        self.versions = expected_versions(if_match)

    def __call__(self, write: Callable[[], Application]) -> Application:
        with expecting(self.versions):
            application = write()
        return self.tag(application)

    def expecting(self) -> AbstractContextManager[None]:
        return expecting(self.versions)

    def tag(self, application: Application) -> Application:
        self.response.headers["ETag"] = etag(application)
        return application


def _precondition(response: Response, if_match: Annotated[str | None, Header(
        description='The `ETag` last read (e.g. `"12"`): the write is refused with 412 `APPLICATION_CHANGED` '
        "if someone else changed the application since.")] = None) -> Precondition:
    return Precondition(response, if_match)


Service = Annotated[ApplicationsService, Depends(_service)]
Holdings = Annotated[HoldingCases, Depends(_holdings)]
References = Annotated[ReferenceCases, Depends(_references)]
Documents = Annotated[DocumentCases, Depends(_documents)]
Written = Annotated[Precondition, Depends(_precondition)]
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
    return ApplicationOut.of(application, unmet, now=service.clock())
