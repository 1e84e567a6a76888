"""The HTTP API: routers for cases, decisions, reviewers and the register, and domain errors as problems."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from servicekit.clock import Clock
from servicekit.problems import Problem, problem_response

from ..application import Reviews
from ..config import TenantCatalog
from ..domain import DomainError, InvalidRequest, NotFound, StateConflict
from . import case_api, decision_api, endorsement_api, examination_api, report_api, reviewer_api


def domain_problem(error: DomainError) -> Problem:
    """The HTTP answer to a refused command: the family gives the status, the error its code."""
    if isinstance(error, NotFound):
        return Problem(404, "Not found", error.message, code=error.code)
    if isinstance(error, StateConflict):
        return Problem(409, "Conflict", error.message, code=error.code)
    if isinstance(error, InvalidRequest):
        return Problem(422, "Invalid request", error.message, code=error.code)
    return Problem(400, "Refused", error.message, code=error.code)


def create_api(reviews: Reviews, tenants: TenantCatalog, clock: Clock) -> FastAPI:
    """The FastAPI app; `clock` is business time (`servicekit.clock`). servicekit.runtime.attach adds the
    lifespan, problem handlers and identity verifier."""
    api = FastAPI(title="Endorsement reviews", version="0.2.0",
                  docs_url=None, redoc_url=None)  # API docs: the gateway's /docs (vendored, no CDN)
    api.state.reviews = reviews
    api.state.tenants = tenants
    api.state.clock = clock
    routers = (case_api, decision_api, reviewer_api, endorsement_api, report_api, examination_api)
    for module in routers:
        api.include_router(module.router)

    async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return problem_response(domain_problem(exc), request.url.path)

    api.add_exception_handler(DomainError, on_domain_error)
    return api
