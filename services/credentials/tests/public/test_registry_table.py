"""The registry's table is made at start-up (under servicekit's DDL lock), not by the first request."""

from __future__ import annotations

from typing import Any

from ..integration.conftest import Running


async def test_the_registry_table_exists_before_any_request(running_service: Running) -> None:
    """Given a service started on a fresh database, before any request, then `registry_listings` exists."""
    pool: Any = running_service.service.api.state.pool
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT to_regclass('registry_listings') IS NOT NULL")
