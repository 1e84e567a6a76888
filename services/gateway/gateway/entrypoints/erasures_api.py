"""Erasure (docs/erasure.md): the person's own request, coordinators' requests, the ledger, and legal holds."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from ..domain.erasures import ErasureState
from .auth_api import client_address
from .dependencies import CurrentSession
from .erasure_schemas import (
    ErasureOut,
    ErasurePageOut,
    HoldOut,
    HoldPageOut,
    LiftedOut,
    LiftRequest,
    NamedPerson,
    OwnErasureOut,
    OwnErasureRequest,
)
from .errors import problem_responses
from .runtime import RuntimeDep

me_router = APIRouter(prefix="/me", tags=["erasure"])
admin_router = APIRouter(prefix="/admin", tags=["erasure"])

Limit = Annotated[int, Query(ge=1, le=100, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")]
EXISTING = "The subject already had a request (held, erasing or done): that one."


@me_router.post("/erasure", status_code=status.HTTP_202_ACCEPTED,
                responses={**problem_responses(401, 403, 422, 429),
                           200: {"model": OwnErasureOut, "description": EXISTING}})
async def erase_me(body: OwnErasureRequest, request: Request, response: Response, session: CurrentSession,
                   runtime: RuntimeDep) -> OwnErasureOut:
    """Erase your account and your personal data everywhere on the platform. Your password is asked again (a wrong
    one counts like a failed log-in). It runs at once and signs you out everywhere, unless a legal hold covers
    your data: then the request waits (`state: held`) until the hold is lifted."""
    filed = await runtime.erasures.request_own(session, body.password, client_address(request))
    if not filed.new:
        response.status_code = status.HTTP_200_OK
    return OwnErasureOut.of(filed.erasure)


@admin_router.post("/erasures", status_code=status.HTTP_202_ACCEPTED,
                   responses={**problem_responses(401, 403, 404, 422),
                              200: {"model": ErasureOut, "description": EXISTING}})
async def request_erasure(body: NamedPerson, response: Response, session: CurrentSession,
                          runtime: RuntimeDep) -> ErasureOut:
    """Erase one of your association's people (coordinator or administrator): an account by id, or a rater by
    email. Held while a legal hold covers the person."""
    filed = await runtime.erasures.request_for(session.account, body.target(), body.reason)
    if not filed.new:
        response.status_code = status.HTTP_200_OK
    return ErasureOut.of(filed.erasure)


@admin_router.get("/erasures", responses=problem_responses(401, 403, 422))
async def list_erasures(session: CurrentSession, runtime: RuntimeDep, limit: Limit = 50, offset: Offset = 0,
                        state: ErasureState | None = None) -> ErasurePageOut:
    """Your association's erasure requests, newest first."""
    found = await runtime.erasures.get_all(session.account, state=state, limit=limit, offset=offset)
    return ErasurePageOut(items=[ErasureOut.of(e) for e in found], limit=limit, offset=offset)


@admin_router.get("/erasures/{erasure_id}", responses=problem_responses(401, 403, 404, 422))
async def get_erasure(erasure_id: UUID, session: CurrentSession, runtime: RuntimeDep) -> ErasureOut:
    """One request, with each service's progress; `done` once every service has answered."""
    progress = await runtime.erasures.get(session.account, erasure_id)
    return ErasureOut.of(progress.erasure, progress)


@admin_router.post("/holds", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 404, 422))
async def place_hold(body: NamedPerson, session: CurrentSession, runtime: RuntimeDep) -> HoldOut:
    """Put a legal hold on a person (investigation, dispute, litigation): their erasure requests wait until it is
    lifted. A request already running is not stopped."""
    return HoldOut.of(await runtime.erasures.place_hold(session.account, body.target(), body.reason))


@admin_router.get("/holds", responses=problem_responses(401, 403, 422))
async def list_holds(session: CurrentSession, runtime: RuntimeDep, limit: Limit = 50, offset: Offset = 0,
                     active: bool = False) -> HoldPageOut:
    """Your association's holds, newest first (`active=true`: only those not lifted)."""
    found = await runtime.erasures.get_holds(session.account, active_only=active, limit=limit, offset=offset)
    return HoldPageOut(items=[HoldOut.of(h) for h in found], limit=limit, offset=offset)


@admin_router.post("/holds/{hold_id}/lift", responses=problem_responses(401, 403, 404, 409, 422))
async def lift_hold(hold_id: UUID, body: LiftRequest, session: CurrentSession, runtime: RuntimeDep) -> LiftedOut:
    """Lift a hold, with a reason; the person's held erasure runs now unless another hold still covers them."""
    hold, started = await runtime.erasures.lift_hold(session.account, hold_id, body.reason)
    return LiftedOut(hold=HoldOut.of(hold), started=[ErasureOut.of(e) for e in started])
