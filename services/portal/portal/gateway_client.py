"""GatewayClient: the portal's only way to the platform, JSON calls on the gateway's public API."""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger(__name__)


@dataclass
class ApiError(Exception):
    """A refusal from the gateway (RFC 9457 problem details), with field errors keyed by form field name."""

    status: int
    code: str
    title: str
    detail: str
    field_errors: dict[str, str] = field(default_factory=dict)
    retry_after: int | None = None
    body: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.detail}"


class ApiUnavailable(Exception):
    """The gateway (or a service behind it) did not answer, or answered 5xx."""


def field_name(location: object) -> str:
    """The form field a validation error points at: the last part of its location (`body.password` -> password)."""
    if isinstance(location, (list, tuple)):
        parts = [str(p) for p in location]
    else:
        parts = str(location).split(".")
    # a list index ("items.3") is not a field: name the list
    named = [p for p in parts if not p.isdigit()]
    return named[-1] if named else ""


def problem_to_error(status: int, body: Any, retry_after: int | None = None) -> ApiError:
    doc: dict[str, Any] = body if isinstance(body, dict) else {}
    detail = doc.get("detail")
    if not isinstance(detail, str):
        detail = str(doc.get("title") or "")
    fields: dict[str, str] = {}
    errors = doc.get("errors")
    if isinstance(errors, list):
        for error in errors:
            if not isinstance(error, dict):
                continue
            where = error.get("location", error.get("loc", error.get("field", "")))
            name = field_name(where)
            message = str(error.get("message", error.get("msg", "")))
            if name and name not in fields:
                fields[name] = message
    elif isinstance(errors, dict):
        fields = {str(k): str(v) for k, v in errors.items()}
    return ApiError(status=status, code=str(doc.get("code") or f"HTTP_{status}"), title=str(doc.get("title") or ""),
                    detail=detail, field_errors=fields, retry_after=retry_after, body=doc)


def browser_address(request_headers: Mapping[str, str]) -> dict[str, str]:
    """`X-Forwarded-For` for the calls the gateway throttles per client address (log-in, sign-up, password reset,
    email confirmation, password change): the browser's address as the gateway gave it to the portal (the last
    entry of the `X-Forwarded-For` it sent here). Without it, every browser would count as the portal's own address.
    The gateway believes it only because the portal's address is in its TRUSTED_PROXIES."""
    hops = [hop.strip() for hop in request_headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    if not hops:
        return {}
    try:
        return {"x-forwarded-for": str(ipaddress.ip_address(hops[-1]))}
    except ValueError:
        return {}


TRACEPARENT = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
"""W3C trace context `traceparent` (version-trace id-parent id-flags)."""


def trace_context(request_headers: Mapping[str, str]) -> dict[str, str]:
    """The W3C trace context the gateway sent with the page request (its forwarding span), for the page's calls
    back to the gateway: a page and the API calls it makes are then one trace (issue 10 item 13). A malformed
    `traceparent` is dropped (the gateway starts a new trace), and `tracestate` only travels with a valid one."""
    parent = request_headers.get("traceparent", "").strip().lower()
    if not TRACEPARENT.match(parent):
        return {}
    state = request_headers.get("tracestate", "").strip()
    return {"traceparent": parent, **({"tracestate": state[:512]} if state and state.isprintable() else {})}


class GatewayClient:
    """Calls on behalf of one person: their bearer token (if signed in), language and the page's trace context go
    with every call."""

    def __init__(self, http: httpx.AsyncClient, token: str | None = None, language: str | None = None,
                 trace: Mapping[str, str] | None = None) -> None:
        self._http = http
        self._token = token
        self._language = language
        self._trace = dict(trace or {})

    @property
    def signed_in(self) -> bool:
        return self._token is not None

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"accept": "application/json"}
        if self._token:
            headers["authorization"] = f"Bearer {self._token}"
        if self._language:
            headers["accept-language"] = self._language
        headers.update(self._trace)
        if extra:
            headers.update(extra)
        return headers

    async def send(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None,
                   files: Any = None, data: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
        """The raw response of a successful call (2xx/3xx); ApiError for 4xx, ApiUnavailable otherwise."""
        try:
            response = await self._http.request(method, path, json=json, params=params, files=files, data=data,
                                                headers=self._headers(headers))
        except httpx.HTTPError as exc:
            # never log the URL: it may carry a single-use token
            log.warning("gateway call failed: %s %s", method, type(exc).__name__)
            raise ApiUnavailable(type(exc).__name__) from exc
        if response.status_code >= 500:
            log.warning("gateway answered %s to a %s", response.status_code, method)
            raise ApiUnavailable(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            retry = response.headers.get("retry-after")
            raise problem_to_error(response.status_code, body, int(retry) if retry and retry.isdigit() else None)
        return response

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON body of a successful call (None when there is none)."""
        response = await self.send(method, path, **kwargs)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return None

    async def get(self, path: str, **kwargs: Any) -> Any:
        return await self.call("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> Any:
        return await self.call("POST", path, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> Any:
        return await self.call("PUT", path, **kwargs)

    async def patch(self, path: str, **kwargs: Any) -> Any:
        return await self.call("PATCH", path, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> Any:
        return await self.call("DELETE", path, **kwargs)
