"""Coordinators revoke, suspend and unsuspend their tenant's credentials (`role coordinator`, own tenant).

Each call is a decision with a reason code from the action's closed list and an optional note: the code (and its
fixed wording) is published to partners with the change; the note may name people or health matters, so it is
kept sealed under the holder in this service's events and shown only here, to the tenant's coordinators
(`GET /credentials/{id}/status`). The credential's bit in the tenant's status list flips in the same transaction.
Refusals are problems with stable codes (`api.REFUSALS`): 404 CREDENTIAL_NOT_FOUND (also for another tenant's
credential), 409 ALREADY_REVOKED, ALREADY_SUSPENDED, NOT_SUSPENDED, CREDENTIAL_REVOKED, CONCURRENT_CHANGE (other
writers saved first every time: `Lifecycle.save_with_retries`), 422 VALIDATION_FAILED.

Deprecated: a body `{"reason": "…"}` alone (the shape before codes) is taken as `reason_code` `other` with the text
as the note, so it is sealed and never published either.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from servicekit.identity import CurrentIdentity, Identity, require_role

from credentials.domain.credential import Credential, Decision, StatusChange, SuspensionCause
from credentials.domain.errors import CredentialNotFoundError
from credentials.domain.reasons import NOTE_MAX_LENGTH, ReasonCode, wording
from credentials.lifecycle import Effects, Lifecycle

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NOTE_MAX_LENGTH)]

SuspensionCode = Literal["under_investigation", "administrative", "holder_request", "payment", "other"]
UnsuspensionCode = Literal["investigation_closed", "payment_received", "suspended_in_error", "administrative",
                           "holder_request", "other"]
RevocationCode = Literal["ethics_violation", "issued_in_error", "holder_request", "other"]
"""The codes a coordinator may choose (`credentials.domain.reasons`: `*_BY_COORDINATOR`); `lapse`,
`endorsement_revoked` and `erasure` are the platform's own."""

CODE_DESCRIPTION = ("Why, from this action's closed list; required (unless the deprecated `reason` is given). "
                    "Partners receive it with its fixed wording (contracts README).")
NOTE_DESCRIPTION = ("Optional, for the association's staff only: kept sealed under the holder, shown by "
                    "`GET /credentials/{id}/status`, never published, erased with the holder.")


class _StatusChangeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    reason_code: str | None
    note: Text | None = Field(default=None, description=NOTE_DESCRIPTION)
    reason: Text | None = Field(default=None, json_schema_extra={"deprecated": True},  # documented, not warned
                                description="Deprecated: the free text alone, taken as `reason_code` `other` with "
                                            "this text as the note.")

    @model_validator(mode="after")
    def _one_way_to_say_why(self) -> Self:
        if self.reason is not None and (self.reason_code is not None or self.note is not None):
            raise ValueError("`reason` is deprecated: give `reason_code` and `note` instead, never both")
        if self.reason is None and self.reason_code is None:
            raise ValueError("`reason_code` is required")
        return self

    def decision(self, decision_id: str, lifecycle: Lifecycle, identity: Identity) -> Decision:
        at = lifecycle.app.clock()
        if self.reason is not None:
            return Decision(decision_id, ReasonCode.OTHER, at, identity.account_id, self.reason)
        assert self.reason_code is not None  # the validator saw to it
        return Decision(decision_id, ReasonCode(self.reason_code), at, identity.account_id, self.note)


class SuspensionRequest(_StatusChangeRequest):
    reason_code: SuspensionCode | None = Field(default=None, description=CODE_DESCRIPTION)


class UnsuspensionRequest(_StatusChangeRequest):
    reason_code: UnsuspensionCode | None = Field(default=None, description=CODE_DESCRIPTION)


class RevocationRequest(_StatusChangeRequest):
    reason_code: RevocationCode | None = Field(default=None, description=CODE_DESCRIPTION)


Action = Callable[[Lifecycle, Credential, Decision], Effects]

ACTIONS: dict[str, tuple[str, type[_StatusChangeRequest], Action]] = {
    "revoke": ("Revoke a credential (permanent)", RevocationRequest, lambda lc, c, d: lc.revoke(c, d)),
    "suspend": ("Suspend a credential (reversible)", SuspensionRequest,
                lambda lc, c, d: lc.suspend(c, d, SuspensionCause.COORDINATOR)),
    "unsuspend": ("Lift a credential's suspension", UnsuspensionRequest, lambda lc, c, d: lc.unsuspend(c, d)),
}


def lifecycle_router(lifecycle: Lifecycle) -> APIRouter:
    router = APIRouter(tags=["coordinators"])
    for name, (summary, request, action) in ACTIONS.items():
        router.add_api_route(f"/credentials/{{credential_id}}/{name}", _endpoint(lifecycle, request, action),
                             methods=["POST"], summary=summary, name=name)
    router.add_api_route("/credentials/{credential_id}/status", _status_endpoint(lifecycle), methods=["GET"],
                         summary="A credential's status and its history, with staff notes", name="status")
    return router


def _endpoint(lifecycle: Lifecycle, request: type[_StatusChangeRequest], action: Action) -> Callable[..., Any]:
    async def change_status(credential_id: uuid.UUID, body: _StatusChangeRequest,
                            identity: CurrentIdentity) -> JSONResponse:
        require_role(identity, "coordinator")
        decision = body.decision(str(uuid.uuid4()), lifecycle, identity)

        def apply(credential: Credential) -> Effects:
            _require_own(identity, credential)
            return action(lifecycle, credential, decision)

        credential = await asyncio.to_thread(lifecycle.save_with_retries, credential_id, apply)
        return JSONResponse(status_view(credential))

    change_status.__annotations__["body"] = request  # FastAPI reads the action's own body model (its codes)
    return change_status


def _status_endpoint(lifecycle: Lifecycle) -> Callable[..., Any]:
    async def status(credential_id: uuid.UUID, identity: CurrentIdentity) -> JSONResponse:
        require_role(identity, "coordinator")
        credential = await asyncio.to_thread(lifecycle.app.get_credential, credential_id)
        if credential is None or credential.tenant != identity.tenant:
            raise CredentialNotFoundError(f"no credential {credential_id} was issued here")
        return JSONResponse(status_view(credential))

    return status


def status_view(credential: Credential) -> dict[str, Any]:
    """What the association's staff see: the codes and their wording, and the notes (None once the holder was
    erased). Never sent to partners or shown on a public page."""
    return {
        "id": str(credential.id),
        "endorsement_id": str(credential.endorsement_id),
        "status": credential.status.value,
        "status_reason_code": credential.status_reason_code.value if credential.status_reason_code else None,
        "status_reason": credential.status_reason,
        "note": credential.status_note,
        "status_changed_at": credential.status_changed_at.isoformat() if credential.status_changed_at else None,
        "valid_until": credential.validity.valid_until.isoformat(),
        "history": [_change_view(change) for change in credential.status_history],
    }


def _change_view(change: StatusChange) -> dict[str, Any]:
    return {
        "change": change.change,
        "reason_code": change.reason_code.value,
        "reason": wording(change.reason_code),
        "note": change.note,
        "at": change.at.isoformat(),
        "by": str(change.by) if change.by is not None else None,
    }


def _require_own(identity: Identity, credential: Credential) -> None:
    if credential.tenant != identity.tenant:  # another tenant's credential is not there, as far as they know
        raise CredentialNotFoundError(f"no credential {credential.id} was issued here")
