"""HTTP API: public DID documents, credentials and verification; a support look-up for coordinators."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from uuid import UUID

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from servicekit.identity import CurrentIdentity, require_role
from servicekit.problems import Problem

from credentials.adapters.keyring import IssuerDirectory
from credentials.application import CredentialsApplication
from credentials.entrypoints.negotiation import preferred_media_type
from credentials.entrypoints.verification_page import CONTENT_SECURITY_POLICY, render_verification_page
from credentials.entrypoints.verify_request import parse_verify_request, read_body
from credentials.projections.credentials import get_all_by_endorsement
from credentials.vc.verifier import StatusCheck
from credentials.verification import verify_presented

DID_MEDIA_TYPES = ("application/json", "application/did+json")
CREDENTIAL_MEDIA_TYPES = ("application/json", "application/vc", "application/ld+json", "text/html")

VERIFY_DESCRIPTION = """Verify a presented Open Badges 3.0 credential (VC-API shape).

A well-formed request is always answered with **200** and the result, also when the credential fails:
`verified` is true only when every check passed. The checks run in the order schema, proof (signature),
issuer, status, validity; a failing check is named in `checks` and `errors` with a stable code
(MALFORMED, INVALID_SIGNATURE, UNKNOWN_ISSUER, REVOKED, SUSPENDED, STATUS_UNAVAILABLE, EXPIRED,
NOT_YET_VALID). A bad signature stops the later checks. The status is read from the issuer's status lists
as this service publishes them (nothing is fetched from the network); when it cannot be read the check
fails with STATUS_UNAVAILABLE. Only a request that is not a verification request (not JSON, no
`verifiableCredential` object, over 256 KiB) is refused, with a problem (400 or 422) whose code is MALFORMED.
"""

VERIFY_REQUEST_SCHEMA: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["verifiableCredential"],
                    "additionalProperties": False,
                    "properties": {"verifiableCredential": {"type": "object"}, "options": {"type": "object"}},
                }
            }
        },
    }
}


def create_api(app: CredentialsApplication, issuers: IssuerDirectory, status_check: StatusCheck) -> FastAPI:
    api = FastAPI(title="credentials", version="1.0.0",
                  docs_url=None, redoc_url=None)  # API docs: the gateway's /docs (vendored, no CDN)

    @api.get("/tenants/{slug}/did.json", tags=["public"], summary="The tenant's DID document (did:web)")
    def did_document(slug: str, request: Request) -> JSONResponse:
        issuer = issuers.get(slug)
        if issuer is None:
            raise Problem(404, "Unknown tenant", f"no association {slug!r} issues credentials here",
                          code="TENANT_NOT_FOUND")
        media_type = preferred_media_type(request.headers.get("accept"), DID_MEDIA_TYPES)
        return JSONResponse(issuer.did_document, media_type=media_type, headers={"Vary": "Accept"})

    @api.post("/credentials/verify", tags=["public"], summary="Verify a credential",
              description=VERIFY_DESCRIPTION, openapi_extra=VERIFY_REQUEST_SCHEMA)
    async def verify(request: Request) -> JSONResponse:
        presented = parse_verify_request(await read_body(request))
        result = await asyncio.to_thread(
            verify_presented, presented.credential, presented.options,
            issuer_resolver=issuers.resolve, status_check=status_check, clock=app.clock,
        )
        return JSONResponse(result)

    @api.get("/credentials/{credential_id}", tags=["public"], summary="A credential (JSON, or HTML for people)")
    def get_credential(credential_id: str, request: Request) -> Response:
        credential = app.get_credential(_uuid_or_not_found(credential_id))
        if credential is None:
            raise _not_found(credential_id)
        media_type = preferred_media_type(request.headers.get("accept"), CREDENTIAL_MEDIA_TYPES)
        if media_type == "text/html":
            page = render_verification_page(credential, app.clock())
            headers = {"Vary": "Accept", "Content-Security-Policy": CONTENT_SECURITY_POLICY,
                       "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
            return HTMLResponse(page, headers=headers)
        return JSONResponse(credential.document, media_type=media_type,
                            headers={"Vary": "Accept", "Cache-Control": "no-cache"})

    @api.get("/credentials", tags=["support"], summary="A tenant's credentials for one endorsement")
    async def find_credentials(
        identity: CurrentIdentity, request: Request, endorsement_id: Annotated[UUID, Query()]
    ) -> JSONResponse:
        require_role(identity, "coordinator")
        items = await get_all_by_endorsement(request.app.state.pool, identity.tenant, endorsement_id)
        return JSONResponse({"items": items})

    return api


def _uuid_or_not_found(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise _not_found(value) from None


def _not_found(credential_id: str) -> Problem:
    return Problem(404, "Credential not found", f"no credential {credential_id[:100]!r} was issued here",
                   code="CREDENTIAL_NOT_FOUND")
