"""Coordinator routes on cases: the queue, one case with its audit trail, completeness and information requests."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query

from ..application import CaseFile
from ..domain import CaseNotFound
from ..projections import CaseQuery, case_time_in_state, find_latest_case_id, list_cases
from .dependencies import ClockDep, Coordinator, PoolDep, ReviewsDep, TenantsDep, actor, tenant_of
from .requests import CompletenessRequest, InformationRequest
from .schemas import CaseListParams, CaseOut, CasePage, CaseSummaryOut

router = APIRouter(prefix="/reviews/cases", tags=["cases"])


@router.get("", response_model=CasePage)
async def get_all_cases(coordinator: Coordinator, pool: PoolDep, clock: ClockDep,
                        params: Annotated[CaseListParams, Query()]) -> CasePage:
    """The association's review cases, oldest first, optionally by status, category, kind, review cycle, and
    whether they still wait for their cycle to open."""
    query = CaseQuery(tenant=coordinator.tenant, now=clock(), status=params.status, category=params.category,
                      kind=params.kind, cycle=params.cycle, waiting=params.waiting, limit=params.limit,
                      offset=params.offset)
    rows, total = await list_cases(pool, query)
    return CasePage(items=[CaseSummaryOut.of(r) for r in rows], total=total, limit=params.limit,
                    offset=params.offset)


@router.get("/by-application/{application_id}", response_model=CaseOut)
async def get_case_by_application(application_id: UUID, coordinator: Coordinator, reviews: ReviewsDep,
                                  pool: PoolDep, clock: ClockDep) -> CaseOut:
    """The case of an application's latest submission."""
    case_id = await find_latest_case_id(pool, coordinator.tenant, application_id)
    if case_id is None:
        raise CaseNotFound(f"no review case for application {application_id}")
    return await _full_case(await asyncio.to_thread(reviews.case_file, case_id, coordinator.tenant), pool, clock())


@router.get("/{case_id}", response_model=CaseOut)
async def get_case(case_id: UUID, coordinator: Coordinator, reviews: ReviewsDep, pool: PoolDep,
                   clock: ClockDep) -> CaseOut:
    """The case in full, with every event as who did what and when, and how long it stayed in each state."""
    return await _full_case(await asyncio.to_thread(reviews.case_file, case_id, coordinator.tenant), pool, clock())


async def _full_case(case_file: CaseFile, pool: asyncpg.Pool, now: datetime) -> CaseOut:
    stays = await case_time_in_state(pool, case_file.case.tenant, case_file.case.id, now)
    return CaseOut.of(case_file, now=now, time_in_state=stays)


@router.post("/{case_id}/completeness", response_model=CaseOut)
def check_completeness(case_id: UUID, body: CompletenessRequest, coordinator: Coordinator,
                       reviews: ReviewsDep, tenants: TenantsDep, clock: ClockDep) -> CaseOut:
    """Complete: the case goes to review. Incomplete: it returns to the applicant with what is missing
    (`InformationRequested`, stage `completeness`) and resumes on resubmission."""
    tenant = tenant_of(tenants, coordinator, CaseNotFound)
    if body.outcome == "complete":
        case_file = reviews.intake.pass_completeness(case_id, tenant=tenant, by=actor(coordinator))
    else:
        case_file = reviews.intake.return_incomplete(case_id, tenant=tenant, by=actor(coordinator),
                                                     items=body.items, message=body.message)
    return CaseOut.of(case_file, now=clock())


@router.post("/{case_id}/request-information", response_model=CaseOut)
def request_information(case_id: UUID, body: InformationRequest, coordinator: Coordinator,
                        reviews: ReviewsDep, tenants: TenantsDep, clock: ClockDep) -> CaseOut:
    """Pause the review until the applicant resubmits (`InformationRequested`, stage `review`)."""
    tenant = tenant_of(tenants, coordinator, CaseNotFound)
    reviews.intake.request_information(case_id, tenant=tenant, by=actor(coordinator),
                                       items=body.items, message=body.message)
    return CaseOut.of(reviews.case_file(case_id, tenant.slug), now=clock())
