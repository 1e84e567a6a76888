"""Coordinators revoke, suspend and unsuspend their tenant's credentials (`role coordinator`, own tenant).

Each call is a decision with a reason (published to partners with the change): the credential's bit in
the tenant's status list flips in the same transaction. Refusals are problems with stable codes:
404 CREDENTIAL_NOT_FOUND (also for another tenant's credential), 409 ALREADY_REVOKED, ALREADY_SUSPENDED,
NOT_SUSPENDED, CREDENTIAL_REVOKED.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, StringConstraints
from servicekit.identity import CurrentIdentity, Identity, require_role
from servicekit.problems import Problem

from credentials.domain.credential import Credential, Decision, SuspensionCause
from credentials.domain.errors import CredentialError
from credentials.lifecycle import CredentialNotFoundError, Effects, Lifecycle

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class StatusChangeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    reason: Reason


Action = Callable[[Lifecycle, Credential, Decision], Effects]

ACTIONS: dict[str, tuple[str, Action]] = {
    "revoke": ("Revoke a credential (permanent)", lambda lc, c, d: lc.revoke(c, d)),
    "suspend": ("Suspend a credential (reversible)", lambda lc, c, d: lc.suspend(c, d, SuspensionCause.COORDINATOR)),
    "unsuspend": ("Lift a credential's suspension", lambda lc, c, d: lc.unsuspend(c, d)),
}


def lifecycle_router(lifecycle: Lifecycle) -> APIRouter:
    router = APIRouter(tags=["coordinators"])
    for name, (summary, action) in ACTIONS.items():
        router.add_api_route(f"/credentials/{{credential_id}}/{name}", _endpoint(lifecycle, action),
                             methods=["POST"], summary=summary, name=name)
    return router


def _endpoint(lifecycle: Lifecycle, action: Action) -> Callable[..., Any]:
    async def change_status(credential_id: uuid.UUID, body: StatusChangeRequest,
                            identity: CurrentIdentity) -> JSONResponse:
        require_role(identity, "coordinator")
        decision = Decision(str(uuid.uuid4()), body.reason, lifecycle.app.clock(), identity.account_id)

        def apply(credential: Credential) -> Effects:
            _require_own(identity, credential)
            return action(lifecycle, credential, decision)

        try:
            credential = await asyncio.to_thread(lifecycle.save_with_retries, credential_id, apply)
        except CredentialError as error:
            raise _problem(error) from error
        return JSONResponse(status_view(credential))

    return change_status


def status_view(credential: Credential) -> dict[str, Any]:
    return {
        "id": str(credential.id),
        "endorsement_id": str(credential.endorsement_id),
        "status": credential.status.value,
        "status_reason": credential.status_reason,
        "status_changed_at": credential.status_changed_at.isoformat() if credential.status_changed_at else None,
        "valid_until": credential.validity.valid_until.isoformat(),
    }


def _require_own(identity: Identity, credential: Credential) -> None:
    if credential.tenant != identity.tenant:  # another tenant's credential is not there, as far as they know
        raise CredentialNotFoundError(f"no credential {credential.id} was issued here")


def _problem(error: CredentialError) -> Problem:
    if isinstance(error, CredentialNotFoundError):
        return Problem(404, "Credential not found", error.detail, code=error.code)
    return Problem(409, "Credential status unchanged", error.detail, code=error.code)
