"""Holdings, renewals and reinstatements (domain §5): what the caller holds, and the applications that keep it.

Included before the applications router, so `/applications/holdings` and `/applications/renewals` are never
taken for an application id.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response
from pydantic import ValidationError
from servicekit.identity import CurrentIdentity, Identity
from servicekit.problems import Problem

from ..domain import Applicant, Application
from ..domain.holdings import HoldingStatus
from ..projections.holdings import HoldingFilter, list_holdings
from .dependencies import CurrentActor, Holdings, Pool, Service, application_out
from .renewal_schemas import (
    HoldingOut,
    HoldingPage,
    HoldingSummary,
    InactiveRequest,
    RscProvisionIn,
    StartForEndorsement,
)
from .schemas import ApplicantIdentity, ApplicationOut, problems

router = APIRouter(prefix="/applications", tags=["renewals"])
START = problems(403, 404, 409, 422)


def _applicant(identity: Identity) -> Applicant:
    try:
        checked = ApplicantIdentity(name=identity.name, email=identity.email)
    except ValidationError as exc:
        raise Problem(
            422,
            "Invalid request",
            f"the account's name or email address cannot be used on an application: {exc.errors()[0]['msg']}",
            code="INVALID_APPLICANT",
        ) from None
    return Applicant(account_id=identity.account_id, name=checked.name, email=str(checked.email))


def _created(service: Service, application: Application, response: Response) -> ApplicationOut:
    response.headers["Location"] = f"/applications/{application.id}"
    return application_out(service, application)


@router.post("/renewals", status_code=201, response_model=ApplicationOut, responses=START)
def start_renewal(
    body: StartForEndorsement,
    identity: CurrentIdentity,
    actor: CurrentActor,
    holdings: Holdings,
    service: Service,
    response: Response,
) -> ApplicationOut:
    """Open the renewal now due of an endorsement the caller holds, while the rule set's window is open; one open
    renewal per endorsement and year. 404 `ENDORSEMENT_NOT_HELD`; 409 `RENEWAL_NOT_OPEN`, `RENEWAL_ALREADY_OPEN`,
    `ENDORSEMENT_NOT_ACTIVE`, `ENDORSEMENT_REVOKED`, `RENEWAL_NOT_OFFERED`."""
    return _created(service, holdings.start_renewal(actor, _applicant(identity), body.endorsement_id), response)


@router.post("/reinstatements", status_code=201, response_model=ApplicationOut, responses=START)
def start_reinstatement(
    body: StartForEndorsement,
    identity: CurrentIdentity,
    actor: CurrentActor,
    holdings: Holdings,
    service: Service,
    response: Response,
) -> ApplicationOut:
    """Open a reinstatement of a lapsed endorsement (3 new references, no exam). 404 `ENDORSEMENT_NOT_HELD`;
    409 `NOT_LAPSED`, `ENDORSEMENT_REVOKED`, `REINSTATEMENT_ALREADY_OPEN`, `REINSTATEMENT_NOT_OFFERED`."""
    return _created(service, holdings.start_reinstatement(actor, _applicant(identity), body.endorsement_id), response)


@router.get("/holdings", response_model=HoldingPage, responses=problems(403, 422))
async def list_holdings_route(
    *,
    actor: CurrentActor,
    pool: Pool,
    status: HoldingStatus | None = None,
    category: Annotated[str | None, Query(max_length=16)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HoldingPage:
    """Holders see their own endorsements; coordinators their association's. Soonest renewal first."""
    where = HoldingFilter(
        tenant=actor.tenant,
        holder_account_id=actor.listing_scope(),
        status=status.value if status else None,
        category=category,
    )
    items, total = await list_holdings(pool, where, limit=limit, offset=offset)
    return HoldingPage(items=[HoldingSummary.of(row) for row in items], total=total, limit=limit, offset=offset)


@router.get("/holdings/{endorsement_id}", response_model=HoldingOut, responses=problems(404, 422))
def get_holding(endorsement_id: UUID, actor: CurrentActor, holdings: Holdings) -> HoldingOut:
    """One endorsement with its history and the renewal now due (holder or coordinator)."""
    holding = holdings.get_holding(actor, endorsement_id)
    return HoldingOut.of(holding, holdings.renewal_window(holding))


@router.post("/holdings/{endorsement_id}/inactive", response_model=HoldingOut, responses=START)
def request_inactive(
    endorsement_id: UUID, body: InactiveRequest, actor: CurrentActor, holdings: Holdings
) -> HoldingOut:
    """Record the holder's request for inactive status (an active endorsement). 409 `ENDORSEMENT_NOT_ACTIVE`."""
    holding = holdings.request_inactive(actor, endorsement_id, body.reason)
    return HoldingOut.of(holding, holdings.renewal_window(holding))


@router.put("/{application_id}/rsc-provision", response_model=ApplicationOut, responses=START)
def declare_rsc_provision(
    application_id: UUID, body: RscProvisionIn, actor: CurrentActor, holdings: Holdings, service: Service
) -> ApplicationOut:
    """A renewal's or reinstatement's declaration whether the holder provides RSC. 409 `NOT_A_RENEWAL`."""
    return application_out(service, holdings.declare_rsc_provision(application_id, actor, body.provides_rsc))
