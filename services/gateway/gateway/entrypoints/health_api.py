"""The gateway's probes: GET /livez, GET /readyz (its own readiness) and GET /healthz (the whole platform)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from servicekit.problems import MEDIA_TYPE, RETRY_AFTER_SECONDS, Problem

from ..application.health import HealthReport, check_health, check_readiness
from .runtime import RuntimeDep
from .schemas import HealthOut, ProblemOut

router = APIRouter(tags=["ops"])


@router.get("/livez", include_in_schema=False)
async def livez() -> JSONResponse:
    """200 whenever the process answers: an engine being down is not a reason to restart the gateway."""
    return JSONResponse({"status": "ok"})


@router.get("/readyz", include_in_schema=False)
async def readyz(runtime: RuntimeDep, request: Request) -> JSONResponse:
    """200 when the gateway's database answers and its outbox backlog is below the limit, else a 503 problem."""
    settings = runtime.settings
    report = await check_readiness(runtime.pool, settings.health_timeout_seconds,
                                   settings.readiness_max_outbox_backlog, runtime.clock())
    body: dict[str, Any] = {"status": "ok" if report.healthy else "failing",
                            "checks": {name: {"status": c.status, "detail": c.detail}
                                       for name, c in report.checks.items()}}
    return _answer(report, body, request.url.path)


@router.get("/healthz", response_model=HealthOut,
            responses={503: {"model": ProblemOut, "content": {MEDIA_TYPE: {}},
                             "description": "problem details plus the HealthOut fields"}})
async def healthz(runtime: RuntimeDep, request: Request) -> JSONResponse:
    """200 when the gateway is ready and every service has a healthy replica, else 503 naming what fails."""
    settings = runtime.settings
    report = await check_health(runtime.pool, runtime.client, settings.upstream_replicas(),
                                settings.health_timeout_seconds, runtime.clock(),
                                max_outbox_backlog=settings.readiness_max_outbox_backlog)
    return _answer(report, HealthOut.of(report).model_dump(), request.url.path)


def _answer(report: HealthReport, body: dict[str, Any], instance: str) -> JSONResponse:
    if report.healthy:
        return JSONResponse(body)
    failing = [name for name, check in report.checks.items() if check.status != "ok"]
    details = {key: value for key, value in body.items() if key != "status"}  # a problem's status is the HTTP one
    problem = Problem(503, "Not ready", f"failing: {', '.join(failing)}", code="NOT_READY",
                      extra={**details, "failing": failing})
    return JSONResponse(problem.body(instance), status_code=503, media_type=MEDIA_TYPE,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
