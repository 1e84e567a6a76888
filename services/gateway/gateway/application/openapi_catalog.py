"""The services' own OpenAPI documents, fetched at request time with a short timeout and kept for a while.

A service with several replicas is asked replica by replica, in the order listed, until one answers with a
document: any healthy replica will do (they serve the same code).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from .openapi_merge import Availability, UpstreamDocument

log = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 2.0
KEEP_SECONDS = 300.0
"""A fetched document is used this long before it is fetched again."""
RETRY_SECONDS = 15.0
"""After a failed fetch, the service is not asked again for this long (each ask may wait the whole timeout)."""


@dataclass
class _Entry:
    document: Mapping[str, Any] | None = None
    fetched_at: float = float("-inf")
    failed_at: float = float("-inf")
    detail: str = ""


class UpstreamDocuments:
    """One per gateway: the last good document of every service, refreshed when older than `keep_seconds`."""

    def __init__(
        self,
        *,
        timeout_seconds: float = FETCH_TIMEOUT_SECONDS,
        keep_seconds: float = KEEP_SECONDS,
        retry_seconds: float = RETRY_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._timeout = timeout_seconds
        self._keep = keep_seconds
        self._retry = retry_seconds
        self._now = monotonic
        self._entries: dict[str, _Entry] = {}
        self._lock = asyncio.Lock()

    async def current(self, client: httpx.AsyncClient,
                      upstream_urls: Mapping[str, str | Sequence[str]]) -> list[UpstreamDocument]:
        """Every service's document; `upstream_urls` gives each service's base URL or its replicas' URLs."""
        async with self._lock:  # concurrent page loads share one round of fetches
            now = self._now()
            due = [name for name in upstream_urls if self._due(name, now)]
            results = await asyncio.gather(*(self._fetch_any(client, _listed(upstream_urls[name])) for name in due))
            now = self._now()
            for name, (document, detail) in zip(due, results, strict=True):
                entry = self._entries.setdefault(name, _Entry())
                if document is not None:
                    entry.document, entry.fetched_at, entry.detail = document, now, ""
                else:
                    entry.failed_at, entry.detail = now, detail
                    log.warning("OpenAPI document of %s unavailable: %s", name, detail)
            return [self._state(name, now) for name in upstream_urls]

    def _due(self, name: str, now: float) -> bool:
        entry = self._entries.get(name)
        if entry is None:
            return True
        return now - entry.fetched_at >= self._keep and now - entry.failed_at >= self._retry

    def _state(self, name: str, now: float) -> UpstreamDocument:
        entry = self._entries[name]
        if entry.document is None:
            return UpstreamDocument(name, None, Availability.UNAVAILABLE, entry.detail)
        if now - entry.fetched_at >= self._keep:
            return UpstreamDocument(name, entry.document, Availability.STALE, entry.detail)
        return UpstreamDocument(name, entry.document)

    async def _fetch_any(self, client: httpx.AsyncClient,
                         replicas: Sequence[str]) -> tuple[Mapping[str, Any] | None, str]:
        """The first document a replica gives, trying the next replica on any failure."""
        failures: list[str] = []
        for base_url in replicas:
            document, detail = await self._fetch(client, base_url)
            if document is not None:
                return document, ""
            failures.append(detail)
        if len(failures) == 1:
            return None, failures[0]
        return None, "; ".join(f"replica {number}: {detail}" for number, detail in enumerate(failures, 1))

    async def _fetch(self, client: httpx.AsyncClient, base_url: str) -> tuple[Mapping[str, Any] | None, str]:
        try:
            async with asyncio.timeout(self._timeout):
                answer = await client.get(f"{base_url}/openapi.json", timeout=self._timeout)
        except (TimeoutError, httpx.TimeoutException):
            return None, f"no answer within {self._timeout:g} s"
        except httpx.ConnectError:
            return None, "not reachable"
        except httpx.HTTPError as exc:
            return None, f"unusable answer ({type(exc).__name__})"
        if answer.status_code != 200:
            return None, f"/openapi.json answered HTTP {answer.status_code}"
        return _openapi_document(answer)


def _listed(urls: str | Sequence[str]) -> Sequence[str]:
    return [urls] if isinstance(urls, str) else urls


def _openapi_document(answer: httpx.Response) -> tuple[Mapping[str, Any] | None, str]:
    try:
        document = answer.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None, "/openapi.json is not JSON"
    if not (isinstance(document, dict) and str(document.get("openapi", "")).startswith("3.")
            and isinstance(document.get("paths"), dict)):
        return None, "/openapi.json is not an OpenAPI 3 document"
    return document, ""
