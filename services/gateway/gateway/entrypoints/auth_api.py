"""Accounts and sessions: sign up, log in, log out, who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from .dependencies import CurrentSession
from .errors import problem_responses
from .runtime import RuntimeDep
from .schemas import AccountOut, LoginOut, LoginRequest, SignupRequest

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/signup", status_code=status.HTTP_201_CREATED, responses=problem_responses(409, 422))
async def sign_up(body: SignupRequest, runtime: RuntimeDep) -> AccountOut:
    """Create an applicant account in a tenant (association)."""
    account = await runtime.auth.sign_up(body.tenant, body.email, body.name, body.password)
    return AccountOut.of(account)


@router.post("/login", responses=problem_responses(401, 422, 429))
async def log_in(body: LoginRequest, request: Request, runtime: RuntimeDep) -> LoginOut:
    """Open a session; send its `access_token` as `Authorization: Bearer <token>`."""
    client = request.client.host if request.client else "unknown"
    session = await runtime.auth.log_in(body.tenant, body.email, body.password, client)
    return LoginOut(access_token=session.token, expires_at=session.expires_at, account=AccountOut.of(session.account))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401))
async def log_out(session: CurrentSession, runtime: RuntimeDep) -> Response:
    """End the session of the presented token."""
    await runtime.auth.log_out(session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", responses=problem_responses(401))
async def me(session: CurrentSession) -> AccountOut:
    """The account behind the presented token."""
    return AccountOut.of(session.account)
