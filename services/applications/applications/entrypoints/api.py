"""HTTP API. Commands are plain `def` routes (the event store is synchronous); listings read the projection."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, FastAPI, Query, Response
from pydantic import ValidationError
from servicekit.identity import CurrentIdentity, Identity
from servicekit.problems import Problem

from ..application import ApplicationsService
from ..domain import Applicant, Status
from ..projections.queries import ListFilter, list_applications
from ..use_cases.documents import DocumentCases
from ..use_cases.holdings import HoldingCases
from ..use_cases.references import ReferenceCases
from . import catalogue_api, documents_api, references_api, registration_api, renewals_api, tabs_api, timeline_api
from .dependencies import CurrentActor, Pool, Service, Written, application_out, etag
from .problems import install_domain_error_handler
from .schemas import (
    ApplicantIdentity,
    ApplicationOut,
    ApplicationPage,
    ApplicationSummary,
    DetailsPatch,
    StartApplication,
    Withdrawal,
    problems,
)

router = APIRouter(prefix="/applications", tags=["applications"])
WRITE = problems(403, 404, 409, 412, 422)


def _applicant(identity: Identity) -> Applicant:
    try:
        checked = ApplicantIdentity(name=identity.name, email=identity.email)
    except ValidationError as exc:
        raise Problem(422, "Invalid request", "the account's name or email address cannot be used on an "
                      f"application: {exc.errors()[0]['msg']}", code="INVALID_APPLICANT") from None
    return Applicant(account_id=identity.account_id, name=checked.name, email=str(checked.email))


@router.post("", status_code=201, response_model=ApplicationOut, responses=problems(403, 422))
def start_application(body: StartApplication, identity: CurrentIdentity, actor: CurrentActor, service: Service,
                      response: Response) -> ApplicationOut:
    """Open a draft application in one of the association's categories (applicants only)."""
    actor.ensure_applicant()
    application = service.start(actor, _applicant(identity), body.category)
    response.headers["Location"] = f"/applications/{application.id}"
    return application_out(service, application)


@router.get("", response_model=ApplicationPage, responses=problems(403, 422))
async def list_applications_route(
    *,
    actor: CurrentActor,
    pool: Pool,
    status: Status | None = None,
    category: Annotated[str | None, Query(max_length=16)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ApplicationPage:
    """Applicants see their own applications, reviewers those they review now; coordinators all of their
    association's."""
    scope = actor.applications_scope()
    where = ListFilter(tenant=actor.tenant, applicant_account_id=scope.applicant_account_id,
                       reviewer=scope.reviewer, status=status.value if status else None,
                       category=category)
    page = await list_applications(pool, where, limit=limit, offset=offset)
    return ApplicationPage(items=[ApplicationSummary.of(row) for row in page.items], total=page.total,
                           limit=limit, offset=offset)


@router.get("/{application_id}", response_model=ApplicationOut, responses=problems(404, 422))
def get_application(application_id: UUID, actor: CurrentActor, service: Service, response: Response) -> ApplicationOut:
    """The application; its `ETag` (the version) goes back in `If-Match` on a write to refuse a stale change."""
    application = service.get(application_id, actor)
    response.headers["ETag"] = etag(application)
    return application_out(service, application)


@router.patch("/{application_id}", response_model=ApplicationOut, responses=WRITE)
def update_details(application_id: UUID, body: DetailsPatch, actor: CurrentActor, service: Service,
                   written: Written) -> ApplicationOut:
    """Change the entered details while the application is a draft."""
    return application_out(service, written(lambda: service.update_details(application_id, actor, body.changes())))


@router.post("/{application_id}/submit", response_model=ApplicationOut, responses=WRITE)
def submit_application(application_id: UUID, actor: CurrentActor, service: Service,
                       written: Written) -> ApplicationOut:
    """Submit for review against the rules in force today; refused with every unmet requirement listed."""
    return application_out(service, written(lambda: service.submit(application_id, actor)))


@router.post("/{application_id}/withdraw", response_model=ApplicationOut, responses=WRITE)
def withdraw_application(application_id: UUID, body: Withdrawal, actor: CurrentActor, service: Service,
                         written: Written) -> ApplicationOut:
    return application_out(service, written(lambda: service.withdraw(application_id, actor, body.reason)))


def create_api(service: ApplicationsService, documents: DocumentCases) -> FastAPI:
    """The routes over the core use cases (`service`) and those in `use_cases/`, which the routes reach through
    `dependencies` (`Holdings`, `References`, `Documents`)."""
    api = FastAPI(title="Applications service", version="0.1.0",
                  description="Applicants start, complete and submit applications for endorsement.",
                  docs_url=None, redoc_url=None)  # API docs: the gateway's /docs (vendored, no CDN)
    api.state.applications = service
    api.state.holdings = HoldingCases(service)
    api.state.references = ReferenceCases(service)
    api.state.documents = documents
    api.include_router(renewals_api.router)  # first: `/applications/holdings` is no application id
    api.include_router(catalogue_api.router)  # and neither is `/applications/catalogue`
    api.include_router(router)
    api.include_router(tabs_api.router)
    api.include_router(references_api.router)
    api.include_router(references_api.rater_router)
    api.include_router(registration_api.router)
    api.include_router(documents_api.router)
    api.include_router(timeline_api.router)
    install_domain_error_handler(api)
    return api
