"""Coordinator routes on the endorsement register: list, one in full, renewal, revocation, reinstatement."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query

from ..domain import EndorsementNotFound
from ..projections import EndorsementQuery, list_endorsements
from .dependencies import ClockDep, Coordinator, PoolDep, ReviewsDep, TenantsDep, actor, tenant_of
from .endorsement_schemas import EndorsementListParams, EndorsementOut, EndorsementPage, EndorsementSummaryOut
from .requests import ReinstateRequest, RenewalApproveRequest, RevokeRequest

router = APIRouter(prefix="/reviews/endorsements", tags=["endorsements"])


@router.get("", response_model=EndorsementPage)
async def get_all_endorsements(coordinator: Coordinator, pool: PoolDep,
                               params: Annotated[EndorsementListParams, Query()]) -> EndorsementPage:
    query = EndorsementQuery(tenant=coordinator.tenant, status=params.status, category=params.category,
                             limit=params.limit, offset=params.offset)
    rows, total = await list_endorsements(pool, query)
    return EndorsementPage(items=[EndorsementSummaryOut.of(r) for r in rows], total=total, limit=params.limit,
                           offset=params.offset)


@router.get("/{endorsement_id}", response_model=EndorsementOut)
def get_endorsement(endorsement_id: UUID, coordinator: Coordinator, reviews: ReviewsDep) -> EndorsementOut:
    return EndorsementOut.of(reviews.endorsement_file(endorsement_id, coordinator.tenant))


@router.post("/{endorsement_id}/renewals/approve", response_model=EndorsementOut)
def approve_renewal(endorsement_id: UUID, coordinator: Coordinator, reviews: ReviewsDep, tenants: TenantsDep,
                    clock: ClockDep,
                    body: Annotated[RenewalApproveRequest | None, Body()] = None) -> EndorsementOut:
    """Approve the renewal due on the current renewal date (`RenewalApproved`); once per endorsement and year."""
    tenant = tenant_of(tenants, coordinator, EndorsementNotFound)
    request = body or RenewalApproveRequest()
    return EndorsementOut.of(reviews.endorsements.approve_renewal(
        endorsement_id, tenant=tenant, by=actor(coordinator),
        renewal_year=request.renewal_year, now=clock(),
    ))


@router.post("/{endorsement_id}/revoke", response_model=EndorsementOut)
def revoke(endorsement_id: UUID, body: RevokeRequest, coordinator: Coordinator, reviews: ReviewsDep,
           tenants: TenantsDep, clock: ClockDep) -> EndorsementOut:
    """Revoke permanently, with the reason (`EndorsementRevoked`)."""
    tenant = tenant_of(tenants, coordinator, EndorsementNotFound)
    return EndorsementOut.of(reviews.endorsements.revoke(endorsement_id, tenant=tenant,
                                                         by=actor(coordinator), reason=body.reason, now=clock()))


@router.post("/{endorsement_id}/reinstate", response_model=EndorsementOut)
def reinstate(endorsement_id: UUID, coordinator: Coordinator, reviews: ReviewsDep, tenants: TenantsDep,
              clock: ClockDep, body: Annotated[ReinstateRequest | None, Body()] = None) -> EndorsementOut:
    """Reinstate a lapsed endorsement once its reinstatement was approved (`EndorsementReinstated`)."""
    tenant = tenant_of(tenants, coordinator, EndorsementNotFound)
    request = body or ReinstateRequest()
    return EndorsementOut.of(reviews.endorsements.reinstate(endorsement_id, tenant=tenant,
                                                            by=actor(coordinator),
                                                            application_id=request.application_id, now=clock()))
