"""Webhook registration for partners without Kafka (`role coordinator`, own tenant only).

`POST /credentials/webhooks` registers a partner's URL and answers 201 with the signing secret (shown this
once); `GET` lists the tenant's webhooks with delivery counts; `DELETE .../{id}` removes one;
`GET .../{id}/failures` lists its dead letters. Refusals: 422 INVALID_WEBHOOK_URL / VALIDATION_FAILED,
404 WEBHOOK_NOT_FOUND, 409 TOO_MANY_WEBHOOKS, 503 WEBHOOKS_NOT_CONFIGURED (no secret key). The URL's host is
resolved at registration (in a worker thread) and refused when any of its addresses is internal.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, StringConstraints
from servicekit.identity import CurrentIdentity, require_role
from servicekit.problems import Problem

from credentials.webhooks.addresses import Resolver, system_resolver
from credentials.webhooks.registry import SecretKeyMissingError, TooManySubscriptionsError, WebhookRegistry
from credentials.webhooks.sealing import SecretBox
from credentials.webhooks.signature import HEADER
from credentials.webhooks.urls import WebhookUrlError, check_webhook_target

PartnerName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100,
                                               pattern=r"^[^\x00-\x1f\x7f]+$")]
Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class WebhookRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    partner: PartnerName
    url: Url


SIGNING = {
    "header": HEADER,
    "format": "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, '<t>.<raw body>')>",
    "content_type": "application/cloudevents+json",
}


def webhooks_router(*, allow_insecure_urls: bool, clock: Callable[[], datetime], box: SecretBox | None,
                    resolver: Resolver = system_resolver) -> APIRouter:
    router = APIRouter(prefix="/credentials/webhooks", tags=["webhooks"])

    @router.post("", status_code=201, summary="Register a partner's webhook; the answer shows its secret once")
    async def register(body: WebhookRequest, identity: CurrentIdentity, request: Request) -> JSONResponse:
        require_role(identity, "coordinator")
        try:
            url = await asyncio.to_thread(check_webhook_target, body.url, resolver, allow_insecure=allow_insecure_urls)
        except WebhookUrlError as error:
            raise Problem(422, "Invalid webhook URL", str(error), code="INVALID_WEBHOOK_URL") from error
        try:
            created = await _registry(request, box).create(identity.tenant, body.partner, url, identity.account_id,
                                                      clock())
        except TooManySubscriptionsError as error:
            raise Problem(409, "Too many webhooks", str(error), code="TOO_MANY_WEBHOOKS") from error
        except SecretKeyMissingError as error:
            raise Problem(503, "Webhooks are not configured", str(error), code="WEBHOOKS_NOT_CONFIGURED") from error
        return JSONResponse({**created, "signing": SIGNING}, status_code=201,
                            headers={"Location": f"/credentials/webhooks/{created['id']}", "Cache-Control": "no-store"})

    @router.get("", summary="The tenant's webhooks and their delivery counts (no secrets)")
    async def get_all(identity: CurrentIdentity, request: Request) -> JSONResponse:
        require_role(identity, "coordinator")
        return JSONResponse({"items": await _registry(request, box).get_all(identity.tenant)})

    @router.delete("/{webhook_id}", status_code=204, summary="Remove a webhook; its pending deliveries are cancelled")
    async def delete(webhook_id: uuid.UUID, identity: CurrentIdentity, request: Request) -> Response:
        require_role(identity, "coordinator")
        if not await _registry(request, box).delete(identity.tenant, webhook_id, identity.account_id, clock()):
            raise _not_found(webhook_id)
        return Response(status_code=204)

    @router.get("/{webhook_id}/failures", summary="A webhook's dead letters: deliveries that ran out of retries")
    async def failures(webhook_id: uuid.UUID, identity: CurrentIdentity, request: Request) -> JSONResponse:
        require_role(identity, "coordinator")
        items = await _registry(request, box).failures(identity.tenant, webhook_id)
        if items is None:
            raise _not_found(webhook_id)
        return JSONResponse({"items": items})

    return router


def _registry(request: Request, box: SecretBox | None) -> WebhookRegistry:
    """One registry per connection pool (a restarted lifespan brings a new pool)."""
    state = request.app.state
    registry: WebhookRegistry | None = getattr(state, "webhook_registry", None)
    if registry is None or registry.pool is not state.pool:
        registry = WebhookRegistry(state.pool, box)
        state.webhook_registry = registry
    return registry


def _not_found(webhook_id: uuid.UUID) -> Problem:
    return Problem(404, "Webhook not found", f"no webhook {webhook_id} is registered for your association",
                   code="WEBHOOK_NOT_FOUND")
