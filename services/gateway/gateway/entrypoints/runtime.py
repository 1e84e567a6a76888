"""What exists while the gateway runs (pool, HTTP client, use cases), as routes reach it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import asyncpg
import httpx
from fastapi import Depends, Request
from servicekit.clock import Clock

from ..application.accounts import AccountService
from ..application.auth import AuthService
from ..application.erasures import ErasureService
from ..application.identity_tokens import IdentitySigner
from ..config import GatewaySettings
from ..forwarding.portal import PortalForwarder
from ..forwarding.proxy import Forwarder
from ..tenants import TenantDirectory


@dataclass(frozen=True)
class Runtime:
    settings: GatewaySettings
    tenants: TenantDirectory
    pool: asyncpg.Pool
    client: httpx.AsyncClient
    auth: AuthService
    accounts: AccountService
    signer: IdentitySigner
    forwarder: Forwarder
    portal: PortalForwarder
    clock: Clock
    erasures: ErasureService


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
