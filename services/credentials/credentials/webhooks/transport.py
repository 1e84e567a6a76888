"""The HTTP client deliveries go out with: it resolves the host when it connects, checks every address
(see `addresses`) and connects to a checked one, so a name that changed its DNS after registration cannot
send a delivery inside the platform's network, and nothing is resolved twice between check and connect.

The request itself is unchanged: the `Host` header and the TLS server name (SNI, and the certificate check)
are the URL's host, as httpcore takes them from the URL, not from the socket. Redirects are not followed and
proxies from the environment are not used (a proxy would connect on our behalf, unchecked).
"""

from __future__ import annotations

import typing

import httpcore
import httpx

from credentials.webhooks.addresses import InternalTargetError, Resolver, public_addresses, system_resolver


class PinnedBackend(httpcore.NetworkBackend):
    """httpcore's synchronous network backend, connecting to the checked addresses of the host it is given."""

    def __init__(self, resolver: Resolver, *, allow_internal: bool = False) -> None:
        self.resolver = resolver
        self.allow_internal = allow_internal
        self.backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None) -> httpcore.NetworkStream:
        try:
            addresses = (list(self.resolver(host, port)) if self.allow_internal
                         else public_addresses(host, port, self.resolver))
        except InternalTargetError as error:
            raise httpcore.ConnectError(f"refused: {error}") from None
        except OSError as error:
            raise httpcore.ConnectError(f"the host does not resolve: {error}") from None
        if not addresses:
            raise httpcore.ConnectError("the host does not resolve")
        options = list(socket_options or [])
        last: Exception | None = None
        for address in addresses:
            try:
                return self.backend.connect_tcp(str(address), port, timeout, local_address, options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last = error
        assert last is not None
        raise last

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
                            ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("webhooks are delivered over TCP only")

    def sleep(self, seconds: float) -> None:
        self.backend.sleep(seconds)


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport on a connection pool whose network backend is a `PinnedBackend`."""

    def __init__(self, resolver: Resolver, *, allow_internal: bool = False) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(  # httpx exposes no network backend; its mapping code is reused
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=PinnedBackend(resolver, allow_internal=allow_internal),
        )


def delivery_client(timeout: float, *, resolver: Resolver = system_resolver, allow_internal: bool = False,
                    ) -> httpx.Client:
    """The client the sender posts with: pinned to checked addresses, no redirects, no environment proxies."""
    return httpx.Client(transport=PinnedTransport(resolver, allow_internal=allow_internal), timeout=timeout,
                        follow_redirects=False, trust_env=False)
