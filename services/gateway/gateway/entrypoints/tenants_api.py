"""GET /tenants and /tenants/{slug}/profile: the associations' public profiles, from their tenant files."""

from __future__ import annotations

from fastapi import APIRouter
from servicekit.problems import Problem

from .errors import problem_responses
from .runtime import RuntimeDep
from .schemas import TenantOut

router = APIRouter(prefix="/tenants", tags=["tenants"])


@router.get("")
async def list_tenants(runtime: RuntimeDep) -> list[TenantOut]:
    """Every association on the platform."""
    return [TenantOut.of(tenant) for tenant in runtime.tenants]


@router.get("/{slug}/profile", responses=problem_responses(404))
async def tenant_profile(slug: str, runtime: RuntimeDep) -> TenantOut:
    """One association: names, time zone, languages, categories, contact."""
    tenant = runtime.tenants.get(slug)
    if tenant is None:
        raise Problem(404, "Unknown tenant", f"there is no tenant {slug!r}", code="UNKNOWN_TENANT")
    return TenantOut.of(tenant)
