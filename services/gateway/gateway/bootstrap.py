"""Composition root: settings and tenant files in, a ready FastAPI application out."""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
from argon2 import PasswordHasher
from fastapi import FastAPI
from servicekit.problems import install_problem_handlers

from . import __doc__ as package_doc
from .adapters.database import create_pool, migrate
from .adapters.passwords import Passwords
from .adapters.publisher import KafkaPublisher
from .application.accounts import AccountService
from .application.auth import AuthService
from .application.clock import Clock, system_clock
from .application.identity_tokens import IdentitySigner
from .application.outbox_relay import OutboxRelay
from .application.seeding import seed_staff
from .config import GatewaySettings
from .domain.client_addresses import TrustedProxies
from .domain.throttle import LoginThrottle
from .entrypoints import auth_api, health_api, tenants_api
from .entrypoints.client_address import ClientAddressMiddleware
from .entrypoints.docs_api import install_docs
from .entrypoints.errors import install_gateway_error_handler
from .entrypoints.forwarding_api import forwarding_router
from .entrypoints.middleware import BodyLimitMiddleware, RequestIdMiddleware, install_edge_guards
from .entrypoints.portal_proxy_api import portal_router
from .entrypoints.runtime import Runtime
from .forwarding.portal import PortalForwarder
from .forwarding.proxy import Forwarder
from .forwarding.routes import UPLOAD_PATHS
from .tenants import TenantDirectory, load_tenants

VERSION = "0.1.0"
SHUTDOWN_STEP_SECONDS = 5.0
DESCRIPTION = f"""{package_doc}

Accounts and sessions live here (`/auth/*`). Everything else is forwarded to the services with a
short-lived identity token the gateway signs; a client's own `Authorization` header never reaches them:

* `/applications`, `/applications/…` → applications service (session required)
* `/reviews/…` → reviews service (session required)
* `/notifications/…` → notifications service (session required)
* `/credentials/…`, `/tenants/{{slug}}/did.json`, `/status-lists/…` → credentials service (public)
* any other path → the portal (the web pages people use)

Refusals are RFC 9457 problem documents with a stable `code`.
"""


class ConfigurationError(Exception):
    """Settings and tenant files do not fit together; the gateway must not start."""


def build(
    settings: GatewaySettings,
    *,
    tenants: TenantDirectory | None = None,
    password_hasher: PasswordHasher | None = None,
    clock: Clock = system_clock,
) -> FastAPI:
    tenants = tenants if tenants is not None else load_tenants(settings.tenants_dir)
    if tenants.lists_staff and settings.gateway_seed_password is None:
        raise ConfigurationError("GATEWAY_SEED_PASSWORD is required: the tenant files list staff accounts")
    passwords = Passwords(password_hasher)
    seed_password = settings.gateway_seed_password.get_secret_value() if settings.gateway_seed_password else None

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        pool = await create_pool(settings.database_url)
        publisher = KafkaPublisher(settings.kafka_bootstrap_servers,
                                   enable_idempotence=settings.kafka_enable_idempotence)
        relay_task: asyncio.Task[None] | None = None
        try:
            await migrate(pool)
            await seed_staff(pool, tenants, passwords, seed_password, clock)
            relay = OutboxRelay(pool, publisher, clock, poll_seconds=settings.outbox_poll_seconds)
            throttle = LoginThrottle(max_failures_per_account=settings.login_max_failures_per_account,
                                     max_failures_per_address=settings.login_max_failures_per_address,
                                     window=timedelta(minutes=settings.login_failure_window_minutes))
            auth = AuthService(pool, tenants=tenants, passwords=passwords, clock=clock,
                               session_ttl=timedelta(hours=settings.session_ttl_hours), throttle=throttle,
                               public_base_url=settings.public_base_url, outbox_written=relay.notify)
            accounts = AccountService(pool, tenants=tenants, passwords=passwords, clock=clock, throttle=throttle,
                                      public_base_url=settings.public_base_url, outbox_written=relay.notify)
            await auth.delete_stale_records()
            await relay.delete_published()
            # The relay retries on its own: the gateway serves while the broker is away, and events wait.
            relay_task = asyncio.create_task(relay.run_forever(), name="gateway-outbox-relay")
            # One client forwards every visitor's requests: it must never keep a cookie (by default httpx stores
            # each Set-Cookie and sends it with later requests that have none: one person's portal session to the next).
            no_cookies = http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
            async with httpx.AsyncClient(timeout=settings.upstream_timeout_seconds, trust_env=False,
                                         follow_redirects=False, cookies=no_cookies) as client:
                api.state.runtime = Runtime(
                    settings=settings, tenants=tenants, pool=pool, client=client, auth=auth, accounts=accounts,
                    signer=IdentitySigner(settings.gateway_signing_key.get_secret_value()),
                    forwarder=Forwarder(client, settings.upstream_urls()),
                    portal=PortalForwarder(client, settings.portal_url), clock=clock,
                )
                api.state.outbox_relay = relay
                yield
        finally:
            # Shutdown is bounded: a publish stuck on an absent broker must not hold the process (rows stay
            # pending and the next start relays them).
            if relay_task is not None:
                relay_task.cancel()
                with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                    await asyncio.wait_for(relay_task, SHUTDOWN_STEP_SECONDS)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(publisher.close(), SHUTDOWN_STEP_SECONDS)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(pool.close(), SHUTDOWN_STEP_SECONDS)

    api = FastAPI(title="Endorsement API gateway", version=VERSION, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # the bundled docs pages load scripts from a CDN
    install_problem_handlers(api)
    install_gateway_error_handler(api)
    install_edge_guards(api)  # innermost: reads bodies the limit below has already bounded
    api.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes,
                       upload_max_bytes=settings.max_upload_bytes, upload_paths=UPLOAD_PATHS)
    api.add_middleware(RequestIdMiddleware)
    # outermost: every part of the gateway (throttles, the portal's X-Forwarded-For, access log) sees one client
    api.add_middleware(ClientAddressMiddleware, trusted=TrustedProxies(settings.trusted_proxy_networks()))
    api.include_router(auth_api.router)
    api.include_router(health_api.router)
    api.include_router(tenants_api.router)
    api.include_router(forwarding_router())
    install_docs(api)  # /openapi.json (whole public API), /docs, /redoc: vendored viewers, no CDN
    api.include_router(portal_router())  # LAST: whatever no route above takes goes to the portal
    return api
