"""Who a request comes from: the peer, unless the peer is a configured proxy (TRUSTED_PROXIES).

uvicorn runs with `proxy_headers=False`; this middleware alone reads `X-Forwarded-For`/`X-Forwarded-Proto`, and
only from a trusted peer (`domain/client_addresses.py`).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from ..domain.client_addresses import TrustedProxies, forwarded_hops


class ClientAddressMiddleware:
    """Sets `scope["client"]` (and the scheme) from forwarded headers when the peer is a trusted proxy.

    The scope is changed in place, so the access log shows the same address the throttles use.
    """

    def __init__(self, app: ASGIApp, trusted: TrustedProxies) -> None:
        self._app = app
        self._trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            client = scope.get("client")
            if client and self._trusted.trusts(client[0]):
                headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]]
                hops = forwarded_hops(value for name, value in headers if name == "x-forwarded-for")
                scope["client"] = (self._trusted.client_address(client[0], hops), 0)
                proto = [value.strip().lower() for name, value in headers if name == "x-forwarded-proto"]
                if proto and proto[-1] in ("http", "https"):
                    scope["scheme"] = proto[-1] if scope["type"] == "http" else {"http": "ws", "https": "wss"}[
                        proto[-1]]
        await self._app(scope, receive, send)
