"""`/internal/*`: the gateway's own internal routes, never forwarded to a service or the portal, never in the public
OpenAPI document. Only `POST /internal/unseal` exists: services open the tokens of `endorsement.accounts.v2` there
(`servicekit.unseal`, authenticated by their service tokens); every other `/internal/` path is a 404 problem."""

from __future__ import annotations

from fastapi import APIRouter
from servicekit.problems import Problem
from servicekit.service_identity import ServiceTokenVerifier
from servicekit.shredding import SubjectKeys
from servicekit.unseal import unseal_router

INTERNAL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def internal_router(keys: SubjectKeys, verifier: ServiceTokenVerifier) -> APIRouter:
    """Include it before the portal's catch-all, which would otherwise take `/internal/…`."""
    router = APIRouter()
    router.include_router(unseal_router(keys, verifier))

    async def nothing_here(path: str) -> None:
        raise Problem(404, "Not Found", "no such internal route", code="NOT_FOUND")

    router.add_api_route("/internal/{path:path}", nothing_here, methods=INTERNAL_METHODS, include_in_schema=False)
    return router
