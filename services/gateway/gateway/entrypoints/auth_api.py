"""Accounts and sessions: sign up, log in, log out, who am I, email confirmation, passwords, profile."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request, Response, status

from ..application.login_throttling import RequestsPerAddress
from ..domain.throttle import AddressLimit
from .dependencies import CurrentSession
from .errors import problem_responses
from .runtime import RuntimeDep
from .schemas import (
    AcceptedOut,
    AccountOut,
    EmailVerificationRequest,
    LoginOut,
    LoginRequest,
    PasswordChange,
    PasswordReset,
    PasswordResetRequest,
    ProfileChange,
    SignupRequest,
)

router = APIRouter(prefix="/auth", tags=["auth"])

RESET_ACCEPTED = ("If an account with this email exists in this association, we have sent it a link to choose a "
                  "new password. The link works for one hour.")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limited_per_address(kind: str, setting: str) -> Any:
    """A dependency counting the request against its address's limit (settings `setting` and
    `address_limit_window_minutes`); 429 `TOO_MANY_ATTEMPTS` with Retry-After when over it."""

    async def admit(request: Request, runtime: RuntimeDep) -> None:
        settings = runtime.settings
        limit = AddressLimit(kind, int(getattr(settings, setting)),
                             timedelta(minutes=settings.address_limit_window_minutes))
        async with runtime.pool.acquire() as conn:
            await RequestsPerAddress(limit, runtime.clock).admit(conn, client_address(request))

    return Depends(admit)


@router.post("/signup", status_code=status.HTTP_201_CREATED, responses=problem_responses(409, 422, 429),
             dependencies=[limited_per_address("signup", "signup_max_per_address")])
async def sign_up(body: SignupRequest, request: Request, runtime: RuntimeDep) -> AccountOut:
    """Create an applicant account in a tenant (association); a link to confirm the email is sent to it."""
    account = await runtime.auth.sign_up(body.tenant, body.email, body.name, body.password, language=body.language,
                                         accept_language=request.headers.get("accept-language"))
    return AccountOut.of(account)


@router.post("/login", responses=problem_responses(401, 422, 429))
async def log_in(body: LoginRequest, request: Request, runtime: RuntimeDep) -> LoginOut:
    """Open a session; send its `access_token` as `Authorization: Bearer <token>`."""
    session = await runtime.auth.log_in(body.tenant, body.email, body.password, client_address(request))
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


@router.patch("/me", responses=problem_responses(401, 422))
async def change_profile(body: ProfileChange, session: CurrentSession, runtime: RuntimeDep) -> AccountOut:
    """Change your name or language; later pages and emails use them."""
    account = await runtime.accounts.update_profile(session, name=body.name, language=body.language)
    return AccountOut.of(account)


@router.post("/email-verification", responses=problem_responses(404, 410, 422))
async def verify_email(body: EmailVerificationRequest, runtime: RuntimeDep) -> AccountOut:
    """Confirm the email address with the token of the emailed link (`/account/verify/{token}`)."""
    return AccountOut.of(await runtime.accounts.verify_email(body.token))


@router.post("/email-verification/resend", status_code=status.HTTP_202_ACCEPTED,
             responses=problem_responses(401, 409, 429))
async def resend_verification(session: CurrentSession, runtime: RuntimeDep) -> AcceptedOut:
    """Email a new confirmation link (earlier ones stop working); at most 5 an hour."""
    await runtime.accounts.resend_verification(session)
    return AcceptedOut(detail="We have sent a new link to your email address. It works for 48 hours.")


@router.post("/password-reset/request", status_code=status.HTTP_202_ACCEPTED, responses=problem_responses(422, 429),
             dependencies=[limited_per_address("password_reset", "password_reset_requests_max_per_address")])
async def request_password_reset(body: PasswordResetRequest, runtime: RuntimeDep) -> AcceptedOut:
    """Email a link to choose a new password. The answer is the same whether or not the account exists."""
    await runtime.accounts.request_password_reset(body.tenant, body.email)
    return AcceptedOut(detail=RESET_ACCEPTED)


@router.post("/password-reset", responses=problem_responses(404, 410, 422))
async def reset_password(body: PasswordReset, runtime: RuntimeDep) -> AccountOut:
    """Choose a new password with the token of the emailed link; every session of the account ends."""
    return AccountOut.of(await runtime.accounts.reset_password(body.token, body.new_password))


@router.post("/password", responses=problem_responses(401, 403, 422, 429))
async def change_password(body: PasswordChange, request: Request, session: CurrentSession,
                          runtime: RuntimeDep) -> AccountOut:
    """Change your password; your other sessions end, this one stays."""
    account = await runtime.accounts.change_password(session, body.current_password, body.new_password,
                                                     client_address(request))
    return AccountOut.of(account)
