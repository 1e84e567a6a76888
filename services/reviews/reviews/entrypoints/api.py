"""The HTTP API: routers for cases, decisions, reviewers and the register, and domain errors as problems."""

from __future__ import annotations

from fastapi import FastAPI
from servicekit.clock import Clock
from servicekit.problems import Problem
from servicekit.refusals import Family, Refusals

from ..application import Reviews
from ..config import TenantCatalog
from ..domain import DomainError, InvalidRequest, NotFound, StateConflict
from . import case_api, decision_api, endorsement_api, examination_api, report_api, reviewer_api

REFUSALS = Refusals(DomainError, (
    Family(NotFound, 404, "Not found"),
    Family(StateConflict, 409, "Conflict"),
    Family(InvalidRequest, 422, "Invalid request"),
))
"""The HTTP answer to a refused command: the family gives the status, the error its code (`servicekit.refusals`)."""


def domain_problem(error: DomainError) -> Problem:
    return REFUSALS.problem(error)


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
    REFUSALS.install(api)
    return api
