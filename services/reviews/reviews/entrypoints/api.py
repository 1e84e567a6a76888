"""HTTP routes for coordinators: the case queue, one case with its audit trail, and decisions."""

from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Body, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from servicekit.identity import CurrentIdentity, Identity, require_role
from servicekit.problems import Problem, problem_response

from ..application import Reviews
from ..config import TenantCatalog
from ..domain import Actor, CaseNotFound, DomainError, InvalidRequest, NotFound, StateConflict
from ..projections import CaseQuery, find_latest_case_id, list_cases
from .schemas import ApproveRequest, CaseListParams, CaseOut, CasePage, CaseSummaryOut

COORDINATOR = "coordinator"


def get_reviews(request: Request) -> Reviews:
    reviews: Reviews = request.app.state.reviews
    return reviews


def get_tenants(request: Request) -> TenantCatalog:
    tenants: TenantCatalog = request.app.state.tenants
    return tenants


def get_pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def current_coordinator(identity: CurrentIdentity) -> Identity:
    """The caller, who must be a coordinator; what they see is limited to their own association."""
    require_role(identity, COORDINATOR)
    return identity


ReviewsDep = Annotated[Reviews, Depends(get_reviews)]
TenantsDep = Annotated[TenantCatalog, Depends(get_tenants)]
PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]
Coordinator = Annotated[Identity, Depends(current_coordinator)]

router = APIRouter(prefix="/reviews", tags=["reviews"])


@router.get("/cases", response_model=CasePage)
async def get_all_cases(
    coordinator: Coordinator, pool: PoolDep, params: Annotated[CaseListParams, Query()]
) -> CasePage:
    """The association's review cases, oldest first, optionally by status and category."""
    query = CaseQuery(tenant=coordinator.tenant, status=params.status, category=params.category,
                      limit=params.limit, offset=params.offset)
    rows, total = await list_cases(pool, query)
    return CasePage(items=[CaseSummaryOut.of(r) for r in rows], total=total, limit=params.limit,
                    offset=params.offset)


@router.get("/cases/by-application/{application_id}", response_model=CaseOut)
async def get_case_by_application(
    application_id: UUID, coordinator: Coordinator, reviews: ReviewsDep, pool: PoolDep
) -> CaseOut:
    """The case of an application's latest submission."""
    case_id = await find_latest_case_id(pool, coordinator.tenant, application_id)
    if case_id is None:
        raise CaseNotFound(f"no review case for application {application_id}")
    return CaseOut.of(await asyncio.to_thread(reviews.case_file, case_id, coordinator.tenant))


@router.get("/cases/{case_id}", response_model=CaseOut)
async def get_case(case_id: UUID, coordinator: Coordinator, reviews: ReviewsDep) -> CaseOut:
    """The case in full, with every event as who did what and when."""
    return CaseOut.of(await asyncio.to_thread(reviews.case_file, case_id, coordinator.tenant))


@router.post("/cases/{case_id}/approve", response_model=CaseOut)
async def approve_case(
    case_id: UUID,
    coordinator: Coordinator,
    reviews: ReviewsDep,
    tenants: TenantsDep,
    body: Annotated[ApproveRequest | None, Body()] = None,
) -> CaseOut:
    """Endorse the applicant; 409 CASE_NOT_OPEN when the case was already decided."""
    request = body or ApproveRequest()
    tenant = tenants.get(coordinator.tenant)
    if tenant is None:
        raise CaseNotFound(f"no review case {case_id}")
    by = Actor(account_id=coordinator.account_id, name=coordinator.name)
    case_file = await asyncio.to_thread(
        reviews.approve, case_id, tenant=tenant, by=by, designation=request.designation,
        effective_date=request.effective_date,
    )
    return CaseOut.of(case_file)


def domain_problem(error: DomainError) -> Problem:
    """The HTTP answer to a refused command: the family gives the status, the error its code."""
    if isinstance(error, NotFound):
        return Problem(404, "Not found", error.message, code=error.code)
    if isinstance(error, StateConflict):
        return Problem(409, "Conflict", error.message, code=error.code)
    if isinstance(error, InvalidRequest):
        return Problem(422, "Invalid request", error.message, code=error.code)
    return Problem(400, "Refused", error.message, code=error.code)


def create_api(reviews: Reviews, tenants: TenantCatalog) -> FastAPI:
    """The FastAPI app; servicekit.runtime.attach adds the lifespan, problem handlers and identity verifier."""
    api = FastAPI(title="Endorsement reviews", version="0.1.0")
    api.state.reviews = reviews
    api.state.tenants = tenants
    api.include_router(router)

    async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return problem_response(domain_problem(exc), request.url.path)

    api.add_exception_handler(DomainError, on_domain_error)
    return api
