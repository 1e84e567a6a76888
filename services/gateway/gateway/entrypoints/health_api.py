"""GET /healthz: the gateway and every service it forwards to."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..application.health import check_health
from .runtime import RuntimeDep
from .schemas import HealthOut

router = APIRouter(tags=["ops"])


@router.get("/healthz", response_model=HealthOut, responses={503: {"model": HealthOut}})
async def healthz(runtime: RuntimeDep) -> JSONResponse:
    """200 when the gateway's database and every service are healthy, else 503 naming what fails."""
    report = await check_health(runtime.pool, runtime.client, runtime.settings.upstream_urls(),
                                runtime.settings.health_timeout_seconds, runtime.clock())
    return JSONResponse(HealthOut.of(report).model_dump(), status_code=200 if report.healthy else 503)
