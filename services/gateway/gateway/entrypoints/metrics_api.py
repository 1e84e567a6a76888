"""`GET /metrics`: the gateway's Prometheus metrics, for scrapers inside the deployment only.

The gateway is the public edge, so its own metrics answer only clients whose address (as
`ClientAddressMiddleware` established it) is loopback or private; anyone else gets 404, as for any unknown
path. The services' `/metrics` are never forwarded: no forwarded route matches `/metrics`."""

from __future__ import annotations

import ipaddress

from fastapi import APIRouter, Request
from servicekit.metrics import OUTBOX_BACKLOG, metrics_endpoint
from servicekit.problems import Problem
from starlette.responses import Response

from .runtime import Runtime

OUTBOX_BACKLOG_LABEL = "gateway/outbox"
PENDING_OUTBOX_ROWS = "SELECT count(*) FROM gateway.outbox WHERE published_at IS NULL"

router = APIRouter()


def is_internal(host: str | None) -> bool:
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    return address.is_loopback or address.is_private


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    if not is_internal(request.client.host if request.client else None):
        raise Problem(404, "Not found", "no such resource", code="NOT_FOUND")
    runtime: Runtime = request.app.state.runtime
    pending = int(await runtime.pool.fetchval(PENDING_OUTBOX_ROWS) or 0)
    OUTBOX_BACKLOG.watch(OUTBOX_BACKLOG_LABEL, lambda: pending)
    return metrics_endpoint()
