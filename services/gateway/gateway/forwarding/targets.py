"""Where a forwarded request goes: the service's base URL plus the request's own path and query."""

from __future__ import annotations

import re
from urllib.parse import unquote

import httpx

SECRET_PATH = re.compile(r"(/account/verify/|/account/password/reset/|/references/)[^/?\s\"]+")
"""Paths whose last part is a one-time secret (emailed links): never logged as they are."""


def redacted(text: str) -> str:
    return SECRET_PATH.sub(r"\1[redacted]", text)


def has_dot_segment(raw_path: bytes) -> bool:
    """`.` or `..` segments (also percent-encoded) could reach another path on the service."""
    return any(segment in (".", "..") for segment in unquote(raw_path.decode("latin-1")).split("/"))


def target_url(base_url: str, raw_path: bytes, query_string: bytes) -> httpx.URL:
    """The path and query are passed on byte for byte, after any path prefix of the base URL."""
    base = httpx.URL(base_url)
    prefix = base.raw_path.split(b"?")[0].rstrip(b"/")
    raw = prefix + raw_path + (b"?" + query_string if query_string else b"")
    return base.copy_with(raw_path=raw)
