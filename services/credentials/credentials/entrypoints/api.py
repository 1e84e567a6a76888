"""HTTP API: public DID documents, credentials and verification; a support look-up for coordinators."""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any
from uuid import UUID

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from servicekit.identity import CurrentIdentity, require_role
from servicekit.problems import Problem
from servicekit.refusals import Family, Refusals

from credentials.adapters.keyring import IssuerDirectory
from credentials.application import CredentialsApplication
from credentials.config import CredentialsSettings
from credentials.domain.errors import ConcurrentChangeError, CredentialError, CredentialNotFoundError
from credentials.entrypoints.negotiation import preferred_media_type
from credentials.entrypoints.rate_limit import ClientAddresses, RateLimit, TokenBuckets, retry_later
from credentials.entrypoints.verification_page import CONTENT_SECURITY_POLICY, render_verification_page
from credentials.entrypoints.verified_holder import holder_of
from credentials.entrypoints.verify_request import parse_verify_request, read_body
from credentials.projections.credentials import get_all_by_endorsement
from credentials.vc.pool import CanonicalizationBusyError, CanonicalizationPool
from credentials.vc.verifier import StatusCheck
from credentials.verification import verify_presented

REFUSALS = Refusals(CredentialError, (
    Family(CredentialNotFoundError, 404, "Credential not found"),
    Family(ConcurrentChangeError, 409, "Conflict"),
    Family(CredentialError, 409, "Credential status unchanged"),
))
"""The domain's refusals as problems (`servicekit.refusals`): a credential not found (or another tenant's) is 404;
every other refusal, the coordinators' status changes refused by the credential's state above all, is 409."""
DID_MEDIA_TYPES = ("application/json", "application/did+json")
CREDENTIAL_MEDIA_TYPES = ("application/json", "application/vc", "application/ld+json", "text/html")

VERIFY_DESCRIPTION = """Verify a presented Open Badges 3.0 credential (VC-API shape).

A well-formed request is always answered with **200** and the result, also when the credential fails:
`verified` is true only when every check passed. The checks run in the order schema, proof (signature),
issuer, status, validity; a failing check is named in `checks` and `errors` with a stable code
(MALFORMED, INVALID_SIGNATURE, UNKNOWN_ISSUER, REVOKED, SUSPENDED, STATUS_UNAVAILABLE, EXPIRED,
NOT_YET_VALID). A bad signature stops the later checks. The status is read from the issuer's status lists
as this service publishes them (nothing is fetched from the network); when it cannot be read the check
fails with STATUS_UNAVAILABLE. A document whose blank nodes are too many, too linked or too alike to
canonicalize cheaply fails the proof check with MALFORMED. Only a request that is not a verification request
(not JSON, no `verifiableCredential` object, over 256 KiB) is refused, with a problem (400 or 422) whose code is
MALFORMED; a client over its rate is refused with 429 RATE_LIMITED, and a saturated verifier with 503
VERIFIER_BUSY, both with `Retry-After`.

Signed credentials identify the holder only by a salted `identityHash`. When the proof and issuer checks pass
and this service issued the credential, the answer also has `holder`: `{"name": "..."}`, the holder's name as
this service records it now, or `{"name": null, "erased": true}` once the holder was erased (also for a revoked
or expired credential). Without a genuine signature or for a credential issued elsewhere, `holder` is absent.
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
    },
    "responses": {
        "200": {
            "description": "The result of every check, and the holder of a genuine credential issued here",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["verified", "checks", "errors", "warnings"],
                        "properties": {
                            "verified": {"type": "boolean"},
                            "checks": {"type": "array", "items": {"type": "object"}},
                            "errors": {"type": "array", "items": {"type": "object"}},
                            "warnings": {"type": "array", "items": {"type": "object"}},
                            "holder": {
                                "type": "object",
                                "description": "Only when the proof and issuer checks passed and the credential "
                                               "was issued here; `name` is null and `erased` true once the "
                                               "holder was erased",
                                "required": ["name"],
                                "properties": {"name": {"type": ["string", "null"]}, "erased": {"type": "boolean"}},
                            },
                        },
                    }
                }
            },
        }
    },
}


def verify_protection(settings: CredentialsSettings) -> dict[str, Any]:
    """`create_api`'s `rate_limit` and `pool` from the settings (`bootstrap` starts the workers with the service)."""
    return {
        "rate_limit": RateLimit(
            TokenBuckets(settings.credentials_verify_rate_per_second, settings.credentials_verify_burst),
            ClientAddresses(settings.credentials_trusted_proxies),
        ),
        "pool": CanonicalizationPool(settings.credentials_verify_workers,
                                     deadline_seconds=settings.credentials_verify_deadline_seconds),
    }


def create_api(app: CredentialsApplication, issuers: IssuerDirectory, status_check: StatusCheck, *,
               rate_limit: RateLimit | None = None, pool: CanonicalizationPool | None = None) -> FastAPI:
    """`rate_limit` limits `POST /credentials/verify` per client; `pool` canonicalizes in worker processes
    (by default in the request's thread)."""
    hasher = pool.hash_data if pool is not None else None
    # Threads that wait on the pool cost no CPU, but they must not take the default executor's few threads
    # from every other request: verifications get their own, as many as the pool admits (more get 503 at once).
    threads = ThreadPoolExecutor(pool.max_pending + 2, "verify") if pool is not None else None
    api = FastAPI(title="credentials", version="1.0.0",
                  docs_url=None, redoc_url=None)  # API docs: the gateway's /docs (vendored, no CDN)
    REFUSALS.install(api)

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
    async def verify(request: Request) -> Response:
        refusal = rate_limit.refusal(request) if rate_limit is not None else None
        if refusal is not None:
            return refusal
        presented = parse_verify_request(await read_body(request))
        try:
            result = await asyncio.get_running_loop().run_in_executor(threads, functools.partial(
                verify_presented, presented.credential, presented.options,
                issuer_resolver=issuers.resolve, status_check=status_check, clock=app.clock, hasher=hasher,
            ))
        except CanonicalizationBusyError:
            return retry_later(503, "Verifier busy", "too many verifications are in progress; nothing was "
                               "verified, please retry", "VERIFIER_BUSY", 1, request.url.path)
        holder = await holder_of(app, getattr(request.app.state, "pool", None), presented.credential, result)
        return JSONResponse(result if holder is None else {**result, "holder": holder})

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
