"""What every HTTP process installs at its edge: the text guard, and redaction of secrets from its logs."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from starlette.types import Scope

from .redaction import install_log_redaction
from .text_guard import TextGuardMiddleware


def install_edge_guards(api: FastAPI, *, inspects_body: Callable[[Scope], bool] = lambda scope: True) -> None:
    """Refuse text PostgreSQL cannot store (422 `UNSUPPORTED_CHARACTERS`) and keep secrets out of every log line.

    The guard is added as the innermost middleware so far: call this before middleware that must run first
    (a body size limit, request ids). `inspects_body(scope)` False leaves that request's body to the route."""
    install_log_redaction()
    api.add_middleware(TextGuardMiddleware, inspects_body=inspects_body)
