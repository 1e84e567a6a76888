"""Routes for people: the verification page, the PDF certificate, the registry and the holder's opt-in.

The page lives at the credential's permanent URL, which `api.py` also serves as JSON. `HtmlRoute` matches
only requests that prefer `text/html`, and `with_public_pages` places it ahead of the JSON route: browsers
get the page, every other client the signed document, and neither route needs to know about the other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, StringConstraints
from servicekit.identity import CurrentIdentity, Identity
from servicekit.problems import Problem
from starlette.datastructures import Headers
from starlette.routing import Match
from starlette.types import Scope

from credentials.adapters.keyring import IssuerDirectory
from credentials.application import CredentialsApplication
from credentials.domain.credential import Credential
from credentials.entrypoints.negotiation import preferred_media_type
from credentials.public.certificate import render_certificate
from credentials.public.credential_page import render_credential_page
from credentials.public.error_pages import Missing, render_missing_page
from credentials.public.holder_credentials import backfill_holders, credentials_of
from credentials.public.i18n import choose_language
from credentials.public.layout import PAGE_CSP, SEARCH_PAGE_CSP, SECURITY_HEADERS
from credentials.public.registry import MAX_LIMIT, MAX_OFFSET, Listing
from credentials.public.registry_page import render_registry_page
from credentials.public.registry_request import registry_query
from credentials.public.registry_store import RegistryStore
from credentials.public.status import PublicStatus, public_status
from credentials.public.view import CredentialView, view_of
from credentials.vc.verifier import verify_credential

CREDENTIAL_MEDIA_TYPES = ("application/json", "application/vc", "application/ld+json", "text/html")
REGISTRY_MEDIA_TYPES = ("application/json", "text/html")
PAGE_HEADERS = {**SECURITY_HEADERS, "Cache-Control": "no-cache", "Vary": "Accept, Accept-Language"}
NOT_FOUND_CODES = {404: Missing.CREDENTIAL, 410: Missing.REMOVED}

Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100,
                                         pattern=r"^[^\x00-\x1f\x7f]+$")]
SearchText = Annotated[str | None, Query(max_length=100)]


class ListingRequest(BaseModel):
    """The holder's choice: listed or not, and where they practise (optional, shown in the registry)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    listed: bool
    city: Place | None = None
    county: Place | None = None


class HtmlRoute(APIRoute):
    """A route that matches only requests whose Accept header prefers text/html to the credential's JSON."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is Match.FULL and not _prefers_html(scope):
            return Match.NONE, {}
        return match, child_scope


def with_public_pages(api: FastAPI, app: CredentialsApplication, issuers: IssuerDirectory) -> FastAPI:
    """Add the public routes to `api`, the HTML page ahead of the JSON route of the same path, and
    `/credentials/mine` ahead of both (it is not a credential id)."""
    api.router.add_api_route("/credentials/{credential_id}", credential_page_endpoint(app, issuers), methods=["GET"],
                             route_class_override=HtmlRoute, include_in_schema=False, response_class=HTMLResponse)
    routes = api.router.routes
    routes.insert(0, routes.pop())  # routes are tried in order: the page first, for browsers only
    before = len(routes)
    api.include_router(holder_router(app))
    routes[0:0] = [routes.pop() for _ in range(len(routes) - before)][::-1]
    api.include_router(public_pages_router(app, issuers))
    return api


def credential_page_endpoint(
    app: CredentialsApplication, issuers: IssuerDirectory
) -> Callable[[str, Request], Awaitable[HTMLResponse]]:
    async def credential_page(credential_id: str, request: Request) -> HTMLResponse:
        try:
            credential, view, status = await observe(app, credential_id, request)
        except Problem as problem:
            return _missing_page(app, request, problem)
        now = app.clock()
        verification = await asyncio.to_thread(
            verify_credential, credential.document, issuer_resolver=issuers.resolve, now=now
        )
        lang = _language(app, request, credential.tenant)
        page = render_credential_page(view, status, verification, now, zone=_zone(app, credential.tenant), lang=lang)
        return HTMLResponse(page, headers={**PAGE_HEADERS, "Content-Security-Policy": PAGE_CSP})

    return credential_page


def holder_router(app: CredentialsApplication) -> APIRouter:
    router = APIRouter(tags=["holder"])

    @router.get("/credentials/mine", summary="The signed-in holder's own credentials, with their registry listing")
    async def mine(identity: CurrentIdentity, request: Request) -> JSONResponse:
        profile = app.tenants.get(identity.tenant)
        if profile is None:
            return JSONResponse({"items": []}, headers={"Cache-Control": "no-store"})
        pool: Any = request.app.state.pool
        await backfill_holders(pool, app.get_credential)
        items = await credentials_of(pool, identity.tenant, identity.account_id,
                                     today=app.clock().astimezone(profile.timezone).date(),
                                     categories=profile.categories)
        return JSONResponse({"items": items}, headers={"Cache-Control": "no-store"})

    return router


def public_pages_router(app: CredentialsApplication, issuers: IssuerDirectory) -> APIRouter:
    router = APIRouter(tags=["public"])

    @router.get("/credentials/{credential_id}/certificate.pdf", summary="The credential's PDF certificate",
                response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
    async def certificate(credential_id: str, request: Request) -> Response:
        try:
            credential, view, status = await observe(app, credential_id, request)
        except Problem as problem:
            if _wants_html(request, ("application/pdf", "text/html")):
                return _missing_page(app, request, problem)
            raise
        lang = _language(app, request, credential.tenant)
        pdf = await asyncio.to_thread(partial(render_certificate, view, status, app.clock(),
                                              zone=_zone(app, credential.tenant), lang=lang))
        disposition = f'inline; filename="endorsement-{credential.id}.pdf"'
        return Response(pdf, media_type="application/pdf",
                        headers={**SECURITY_HEADERS, "Cache-Control": "no-cache", "Content-Disposition": disposition,
                                 "Content-Language": lang, "Vary": "Accept-Language"})

    async def put_listing(
        credential_id: str, body: ListingRequest, identity: CurrentIdentity, request: Request
    ) -> JSONResponse:
        credential = await _load(app, credential_id)
        _require_holder(identity, credential)
        view, _ = await _view(app, credential, request)
        if view.holder_name is None:
            raise Problem(409, "Holder erased", "an erased holder is not listed", code="HOLDER_ERASED")
        listing = Listing(
            credential_id=credential.id, tenant=credential.tenant, holder_account_id=credential.holder_account_id,
            listed=body.listed, holder_name=view.holder_name, category=credential.category,
            category_name=credential.category_name, designation=credential.designation,
            city=body.city, county=body.county, updated_at=app.clock(),
        )
        saved = await _registry_store(request).put(listing)
        return JSONResponse(saved.as_dict())

    async def get_listing(credential_id: str, identity: CurrentIdentity, request: Request) -> JSONResponse:
        credential = await _load(app, credential_id)
        _require_holder(identity, credential)
        listing = await _registry_store(request).get(credential.id)
        if listing is None:
            return JSONResponse({"credential_id": str(credential.id), "listed": False})
        return JSONResponse(listing.as_dict())

    for path in ("/credentials/{credential_id}/registry-listing", "/credentials/{credential_id}/registry"):
        router.add_api_route(path, put_listing, methods=["PUT"], summary="The holder lists or unlists themself")
        router.add_api_route(path, get_listing, methods=["GET"], summary="The holder's registry listing")

    @router.get("/registry/{tenant}", summary="Search an association's registry (JSON, or HTML for people)")
    async def registry(
        tenant: str,
        request: Request,
        q: SearchText = None,
        category: SearchText = None,
        status: SearchText = None,
        city: SearchText = None,
        county: SearchText = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
        lang: Annotated[str | None, Query(max_length=10)] = None,
    ) -> Response:
        html = _wants_html(request, REGISTRY_MEDIA_TYPES)
        profile = app.tenants.get(tenant)
        if profile is None:
            if html:
                page_lang = choose_language(lang, request.headers.get("accept-language"), None)
                return HTMLResponse(render_missing_page(Missing.REGISTRY, lang=page_lang), status_code=404,
                                    headers={**PAGE_HEADERS, "Content-Security-Policy": PAGE_CSP})
            raise Problem(404, "Unknown tenant", f"no association {tenant[:60]!r} keeps a registry here",
                          code="TENANT_NOT_FOUND")
        query = registry_query(
            tenant, today=app.clock().astimezone(profile.timezone).date(), categories=profile.categories,
            q=q, category=category, status=status, city=city, county=county, limit=limit, offset=offset,
        )
        page = await _registry_store(request).search(query)
        if html:
            page_lang = choose_language(lang, request.headers.get("accept-language"), profile.default_language)
            body = render_registry_page(page, profile.name, profile.categories, lang=page_lang)
            return HTMLResponse(body, headers={**PAGE_HEADERS, "Content-Security-Policy": SEARCH_PAGE_CSP})
        return JSONResponse(page.as_dict(profile.name), headers={"Vary": "Accept"})

    return router


async def observe(
    app: CredentialsApplication, credential_id: str, request: Request
) -> tuple[Credential, CredentialView, PublicStatus]:
    """The credential, its public view and its status now; a 404 problem when there is no such credential."""
    credential = await _load(app, credential_id)
    view, status = await _view(app, credential, request)
    return credential, view, public_status(credential, app.clock(), status)


async def _view(app: CredentialsApplication, credential: Credential, request: Request) -> tuple[CredentialView,
                                                                                                  str | None]:
    """The public view, its holder's name from the read model (scrubbed on erasure), and the read model's
    status; while the read model has no row yet, the (sealed) name the aggregate recorded."""
    recorded = await _recorded(request, credential.id)
    holder_name = recorded[1] if recorded is not None else credential.holder_name
    view = view_of(credential, _zone(app, credential.tenant), holder_name=holder_name)
    return view, None if recorded is None else recorded[0]


def _wants_html(request: Request, offered: tuple[str, ...]) -> bool:
    return preferred_media_type(request.headers.get("accept"), offered) == "text/html"


def _language(app: CredentialsApplication, request: Request, tenant: str | None) -> str:
    """`?lang=`, else `Accept-Language`, else the association's default language."""
    profile = app.tenants.get(tenant) if tenant is not None else None
    return choose_language(request.query_params.get("lang"), request.headers.get("accept-language"),
                           profile.default_language if profile is not None else None)


def _missing_page(app: CredentialsApplication, request: Request, problem: Problem) -> HTMLResponse:
    """The friendly page for a 404 or 410 problem about a credential; any other problem is raised again."""
    kind = NOT_FOUND_CODES.get(problem.status)
    if kind is None:
        raise problem
    page = render_missing_page(kind, lang=_language(app, request, None))
    return HTMLResponse(page, status_code=problem.status,
                        headers={**PAGE_HEADERS, "Content-Security-Policy": PAGE_CSP})


def _prefers_html(scope: Scope) -> bool:
    accept = Headers(scope=scope).get("accept")
    return preferred_media_type(accept, CREDENTIAL_MEDIA_TYPES) == "text/html"


async def _load(app: CredentialsApplication, credential_id: str) -> Credential:
    try:
        identifier = UUID(credential_id)
    except ValueError:
        identifier = None
    credential = await asyncio.to_thread(app.get_credential, identifier) if identifier is not None else None
    if credential is None:
        raise Problem(404, "Credential not found", f"no credential {credential_id[:100]!r} was issued here",
                      code="CREDENTIAL_NOT_FOUND")
    return credential


async def _recorded(request: Request, credential_id: UUID) -> tuple[str, str | None] | None:
    """`status` and `holder_name` of the `credentials` read model; None while it has no row (or no table yet)."""
    pool: Any = request.app.state.pool
    try:
        async with pool.acquire() as conn:
            row = await conn.fetchrow("SELECT status, holder_name FROM credentials WHERE id = $1", credential_id)
    except asyncpg.UndefinedTableError:
        return None
    return None if row is None else (str(row["status"]), row["holder_name"])


def _registry_store(request: Request) -> RegistryStore:
    """One store per connection pool (a restarted lifespan brings a new pool, hence a new store)."""
    state = request.app.state
    pool = state.pool
    store: RegistryStore | None = getattr(state, "registry_store", None)
    if store is None or store.pool is not pool:
        store = RegistryStore(pool)
        state.registry_store = store
    return store


def _zone(app: CredentialsApplication, tenant: str) -> ZoneInfo:
    profile = app.tenants.get(tenant)
    return profile.timezone if profile is not None else ZoneInfo("UTC")


def _require_holder(identity: Identity, credential: Credential) -> None:
    if identity.tenant != credential.tenant or identity.account_id != credential.holder_account_id:
        raise Problem(403, "Forbidden", "only the holder of this credential can change its registry listing",
                      code="NOT_CREDENTIAL_HOLDER")
