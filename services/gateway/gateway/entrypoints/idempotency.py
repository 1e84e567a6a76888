"""Idempotency-Key on POSTs: a repeat of a request whose answer the client never got is answered, not run again.

Covers the gateway's own POSTs (but `POST /auth/login`: its answer is a session token, which the gateway never
stores, and a repeated log-in harms nothing) and those it forwards to the services; not the portal's pages
(browsers send no key, and their answers set cookies). Without the header nothing changes.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Collection

from servicekit.asgi_body import replaying
from servicekit.database_faults import DATABASE_UNAVAILABLE, TRANSIENT_IO
from servicekit.problems import Problem, problem_response, unavailable_response
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..adapters.sealing import ResponseSeal, derive_key
from ..application.idempotency import Claim, IdempotentRequests
from ..domain.errors import IdempotencyKeyInUse, IdempotencyKeyReused, InvalidIdempotencyKey, InvalidSession
from ..domain.idempotency import (
    KEPT_RESPONSE_HEADERS,
    NOT_COVERED_PATHS,
    REPLAYED_HEADER,
    IdempotencyPolicy,
    StoredResponse,
    checked_key,
    fingerprint,
    request_key,
)
from .route_matching import api_route
from .runtime import Runtime

log = logging.getLogger(__name__)
HEADER = b"idempotency-key"
CLEAN_UP_EVERY_SECONDS = 3600.0


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, *, secret: bytes, policy: IdempotencyPolicy,
                 not_covered: Collection[str] = NOT_COVERED_PATHS) -> None:
        self.app = app
        self._policy = policy
        self._fingerprint_key = derive_key(secret, "idempotency fingerprints")
        self._seal = ResponseSeal(derive_key(secret, "idempotency answers"))
        self._not_covered = frozenset(not_covered)
        self._next_clean_up = 0.0

    def covers(self, scope: Scope) -> bool:
        route = api_route(scope)
        return route is not None and route not in self._not_covered

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        values = [v.decode("latin-1") for k, v in scope.get("headers", ()) if k.lower() == HEADER]
        if scope["type"] != "http" or scope["method"] != "POST" or not values or not self.covers(scope):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            return  # the client went away
        outcome = await self._begin(scope, values, body)
        if isinstance(outcome, Claim):
            await self._run(outcome, scope, body, receive, send)
        else:
            await outcome(scope, receive, send)

    def _requests(self, scope: Scope) -> IdempotentRequests:
        runtime: Runtime = scope["app"].state.runtime
        return IdempotentRequests(runtime.pool, runtime.clock, self._policy, self._seal)

    async def _begin(self, scope: Scope, values: list[str], body: bytes) -> Claim | Response:
        """The claim to run this request, or the answer to send instead (a kept one, or a refusal)."""
        path: str = scope["path"]
        requests = self._requests(scope)
        try:
            key = checked_key(values)
            await self._clean_up_now_and_then(requests)
            caller, account_id = await _caller(scope, scope["app"].state.runtime)
            body_print = fingerprint(self._fingerprint_key, Headers(scope=scope).get("content-type", ""),
                                     scope.get("query_string", b"") + b"\n" + body)
            outcome = await requests.begin(request_key(caller, "POST", path, key), body_print, account_id)
        except InvalidIdempotencyKey as exc:
            return problem_response(Problem(400, "Invalid Idempotency-Key", exc.detail, code=exc.code), path)
        except IdempotencyKeyReused as exc:
            return problem_response(Problem(422, "Idempotency-Key reused", exc.detail, code=exc.code), path)
        except IdempotencyKeyInUse as exc:
            in_use = problem_response(Problem(409, "Idempotency-Key in use", exc.detail, code=exc.code), path)
            in_use.headers["Retry-After"] = str(exc.retry_after_seconds)
            return in_use
        except DATABASE_UNAVAILABLE + TRANSIENT_IO as exc:
            return unavailable_response(exc, path)
        return outcome if isinstance(outcome, Claim) else _replay(outcome)

    async def _run(self, claim: Claim, scope: Scope, body: bytes, receive: Receive, send: Send) -> None:
        """Run the request, keep its answer (or release the key), then send the answer: a client that has it can
        count on a repeat getting the same."""
        requests = self._requests(scope)
        start: Message | None = None
        chunks: list[bytes] = []
        complete = False

        async def capture(message: Message) -> None:
            nonlocal start, complete
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                complete = not message.get("more_body", False)

        try:
            await self.app(scope, replaying(body, receive), capture)
        except BaseException:
            await _finish(requests, claim, None)
            raise
        await _finish(requests, claim, _stored(start, b"".join(chunks)) if complete else None)
        if start is not None:
            await send(start)
            await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": False})

    async def _clean_up_now_and_then(self, requests: IdempotentRequests) -> None:
        if time.monotonic() >= self._next_clean_up:
            self._next_clean_up = time.monotonic() + CLEAN_UP_EVERY_SECONDS
            await requests.delete_expired()


async def _caller(scope: Scope, runtime: Runtime) -> tuple[str, uuid.UUID | None]:
    """Whose keys these are: the account of a valid session, else the client address (and the account's id)."""
    token = bearer_token(Headers(scope=scope).get("authorization", ""))
    if token is not None:
        try:
            session = await runtime.auth.authenticate(token)
        except InvalidSession:
            pass
        else:
            return f"account:{session.account.id}", session.account.id
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}", None


async def _finish(requests: IdempotentRequests, claim: Claim, answer: StoredResponse | None) -> None:
    """Keep the answer or release the key; the client gets its answer even when the database has gone (the key
    then stays taken until the lease ends, and a repeat after that runs again)."""
    try:
        await requests.finish(claim, answer)
    except DATABASE_UNAVAILABLE + TRANSIENT_IO:
        log.warning("the answer of a POST with an Idempotency-Key could not be kept: the database is unavailable")


def _stored(start: Message | None, body: bytes) -> StoredResponse | None:
    if start is None:
        return None
    headers = tuple((name.decode("latin-1"), value.decode("latin-1")) for name, value in start.get("headers", ())
                    if name.decode("latin-1").lower() in KEPT_RESPONSE_HEADERS)
    return StoredResponse(status=int(start["status"]), headers=headers, body=body)


def _replay(kept: StoredResponse) -> Response:
    response = Response(kept.body, status_code=kept.status)
    response.raw_headers += [(name.encode("latin-1"), value.encode("latin-1")) for name, value in kept.headers]
    response.raw_headers.append((REPLAYED_HEADER.encode(), b"true"))
    return response


def bearer_token(authorization: str) -> str | None:
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)
