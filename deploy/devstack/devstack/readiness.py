"""Readiness checks: small callables returning True once a service answers."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable

ReadinessCheck = Callable[[], bool]


class NotReadyError(RuntimeError):
    """A service did not become ready in time (or its process died while waiting)."""


def tcp_port_open(host: str, port: int, timeout: float = 0.5) -> ReadinessCheck:
    """Ready when a TCP connection to `host:port` succeeds."""

    def check() -> bool:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return True
        except OSError:
            return False

    return check


def http_ok(
    url: str, timeout: float = 1.0, headers: dict[str, str] | None = None
) -> ReadinessCheck:
    """Ready when GET `url` answers with a 2xx status."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an HTTP URL: {url}")

    def check() -> bool:
        request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - scheme checked
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                status: int = response.status
                return 200 <= status < 300
        except (OSError, urllib.error.URLError):
            return False

    return check


def all_of(*checks: ReadinessCheck) -> ReadinessCheck:
    """Ready when every check is ready (evaluated in order, stopping at the first failure)."""

    def check() -> bool:
        return all(c() for c in checks)

    return check


def wait_until_ready(
    what: str,
    check: ReadinessCheck,
    timeout: float,
    still_alive: Callable[[], bool] = lambda: True,
    interval: float = 0.05,
) -> float:
    """Poll `check` until it passes; return the seconds waited.

    Raises NotReadyError after `timeout` seconds, or as soon as `still_alive()` is False.
    """
    started = time.monotonic()
    deadline = started + timeout
    while True:
        if check():
            return time.monotonic() - started
        if not still_alive():
            raise NotReadyError(f"{what} exited before becoming ready")
        if time.monotonic() >= deadline:
            raise NotReadyError(f"{what} not ready after {timeout:.0f} s")
        time.sleep(interval)
