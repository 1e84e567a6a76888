"""Opening sealed fields of integration events: the producer's `POST /internal/unseal` and the consumer's client.

Personal values travel on Kafka only as `Sealed` tokens (docs/erasure.md, option C). A consumer asks the record's
producer to open them just before it handles the record; the producer opens them with its `SubjectKeys`, so after
a person's erasure every copy of their tokens, on every topic, opens to None. The call is authenticated by service
identity tokens (`servicekit.service_identity`) and logged by count only, never by content.

- `sealed_tokens(event)`: the tokens of an event, found by the `SEALED` marker of its fields' types, never by text.
- `unseal_router(keys, verifier)`: the producer's side.
- `UnsealClient`: the consumer's side. An unreachable producer (or 5xx, timeout) raises `ProducerUnavailable`: the
  record waits and is redelivered. A refusal of the tokens themselves (400, 422: a bug or a forged record) raises
  `UnsealRefused`, which the consumer dead-letters.
- `plaintext(token)`: what a consumer's handler calls to read a field of the record it is handling.
"""

from __future__ import annotations

import contextlib
import logging
import re
import types
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextvars import ContextVar
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

import httpx
from endorsement_contracts import UndeliverableMessage
from endorsement_contracts.events.common import SEALED, SEALED_PATTERN
from fastapi import APIRouter, Depends, Header
from prometheus_client import Gauge
from pydantic import BaseModel, ConfigDict, Field

from .problems import Problem
from .service_identity import SERVICE_NAME_PATTERN, ServiceTokenSigner, ServiceTokenVerifier
from .shredding import InvalidToken, SubjectKeys, key_batch

if TYPE_CHECKING:
    from .settings import ServiceSettings

__all__ = ["MAX_TOKENS", "UNSEAL_PATH", "ProducerUnavailable", "UnsealClient", "UnsealRefused", "parse_unseal_urls",
           "plaintext", "producer_of_topic", "sealed_tokens", "unseal_router", "unsealed"]

log = logging.getLogger(__name__)

UNSEAL_PATH = "/internal/unseal"
MAX_TOKENS = 100
TOPIC_PRODUCERS = {"accounts": "gateway"}
"""Topics whose name (`endorsement.<name>.v<N>`) is not their producer's name."""
_TRANSIENT_REFUSALS = frozenset({401, 403, 404, 408, 429})
"""4xx answers about the caller's configuration, a rollout or load, not about the record: the record waits."""
_SERVICE_NAME = re.compile(SERVICE_NAME_PATTERN)

PRODUCER_AWAY = Gauge("unseal_producer_unavailable",
                      "1 while this process's consumer waits for the producer to answer /internal/unseal.",
                      ["producer"])


class ProducerUnavailable(Exception):
    """The producer could not answer now (unreachable, 5xx, timeout): transient, the record is redelivered."""

    def __init__(self, producer: str, why: str) -> None:
        super().__init__(f"{producer}: {why}")
        self.producer, self.why = producer, why


class UnsealRefused(UndeliverableMessage):
    """The producer refused the record's tokens (a bug or a forged record): permanent, the record is dead-lettered."""

    def __init__(self, producer: str, code: str) -> None:
        super().__init__(f"unseal refused: {code}")
        self.producer, self.code = producer, code


# --- which fields are sealed -------------------------------------------------------------------------------------

def sealed_tokens(event: BaseModel) -> list[str]:
    """Every token held in a field typed `Sealed`, through nested models, lists, tuples, dicts and Optional; in
    order of appearance, without repeats. Text in other fields is never taken, whatever it looks like."""
    found: list[str] = []
    _collect(event, [], found)
    return list(dict.fromkeys(found))


def _collect(value: Any, annotations: list[Any], found: list[str]) -> None:
    if value is None:
        return
    if isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            marked = any(item is SEALED for item in field.metadata)
            _collect(getattr(value, name), [Annotated[field.annotation, SEALED] if marked else field.annotation],
                     found)
        return
    shapes = [shape for annotation in annotations for shape in _shapes(annotation, sealed=False)]
    if isinstance(value, str):
        if any(sealed for _, sealed in shapes):
            found.append(value)
    elif isinstance(value, Mapping):
        pairs = [args for args in _containers(shapes, Mapping) if len(args) == 2]
        for key, item in value.items():
            _collect(key, [args[0] for args in pairs], found)
            _collect(item, [args[1] for args in pairs], found)
    elif isinstance(value, list | tuple | set | frozenset):
        kinds = [args for args in _containers(shapes, Sequence | AbstractSet) if args]
        for position, item in enumerate(value):
            _collect(item, [_item_type(args, position) for args in kinds], found)


def _shapes(annotation: Any, *, sealed: bool) -> list[tuple[Any, bool]]:
    """The alternatives of a type (unions flattened), each with whether a `SEALED` marker applies to it."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *metadata = get_args(annotation)
        return _shapes(base, sealed=sealed or any(item is SEALED for item in metadata))
    if origin is Union or origin is types.UnionType:
        return [shape for arg in get_args(annotation) for shape in _shapes(arg, sealed=sealed)]
    return [(annotation, sealed)]


def _containers(shapes: list[tuple[Any, bool]], kind: Any) -> list[tuple[Any, ...]]:
    """The type arguments of the alternatives that are containers of `kind` (e.g. `list[X]` for a list value)."""
    origins = [(get_origin(shape), get_args(shape)) for shape, _ in shapes]
    return [args for origin, args in origins if isinstance(origin, type) and issubclass(origin, kind)]


def _item_type(args: tuple[Any, ...], position: int) -> Any:
    if len(args) == 2 and args[1] is Ellipsis:  # tuple[X, ...]
        return args[0]
    return args[position] if position < len(args) else args[-1]


# --- the record being handled -----------------------------------------------------------------------------------

_OPENED: ContextVar[Mapping[str, str | None] | None] = ContextVar("servicekit_unsealed", default=None)


@contextlib.contextmanager
def unsealed(opened: Mapping[str, str | None]) -> Iterator[None]:
    """Make `opened` what `plaintext` answers while a handler runs (the consumer sets it; tests may too)."""
    reset = _OPENED.set(types.MappingProxyType(dict(opened)))
    try:
        yield
    finally:
        _OPENED.reset(reset)


def plaintext(token: str) -> str | None:
    """The text of a sealed field of the record being handled; None when its subject was erased. LookupError when
    the token was not opened for this record (no unsealer given to the consumer, or not a `Sealed` field)."""
    opened = _OPENED.get()
    if opened is None or token not in opened:
        raise LookupError("this token was not unsealed for the record being handled")
    return opened[token]


# --- the producer's side ----------------------------------------------------------------------------------------

class UnsealRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tokens: list[Annotated[str, Field(pattern=SEALED_PATTERN, max_length=20_000)]] = Field(
        min_length=1, max_length=MAX_TOKENS)


class UnsealAnswer(BaseModel):
    opened: dict[str, str | None]
    """Each token's text; null once its subject was erased."""


def unseal_router(keys: SubjectKeys, verifier: ServiceTokenVerifier) -> APIRouter:
    """`POST /internal/unseal` for the services `verifier` knows; outside the OpenAPI document (internal)."""
    router = APIRouter()

    def calling_service(authorization: Annotated[str | None, Header()] = None) -> str:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Problem(401, "Unauthenticated", "a service token is required", code="MISSING_SERVICE_TOKEN")
        return verifier.verify(token.strip())

    # a plain `def`: SubjectKeys is synchronous, so the route runs in the thread pool, off the event loop
    @router.post(UNSEAL_PATH, include_in_schema=False)
    def unseal(request: UnsealRequest, caller: str = Depends(calling_service)) -> UnsealAnswer:
        opened: dict[str, str | None] = {}
        with key_batch():  # one request: each subject's key row read once, not once per token
            for position, token in enumerate(request.tokens):
                if token in opened:
                    continue
                try:
                    opened[token] = keys.open(token)
                except InvalidToken as exc:
                    raise Problem(422, "Not sealed here", f"tokens[{position}] was not sealed by this service",
                                  code="UNSEALABLE_TOKEN",
                                  errors=[{"location": f"body.tokens.{position}", "message": "not sealed here",
                                           "type": "unsealable_token"}]) from exc
        erased = sum(text is None for text in opened.values())
        log.info("unsealed %d tokens for %s (%d of an erased subject)", len(opened), caller, erased)
        return UnsealAnswer(opened=opened)

    return router


# --- the consumer's side ----------------------------------------------------------------------------------------

def parse_unseal_urls(text: str) -> dict[str, tuple[str, ...]]:
    """UNSEAL_URLS: `<service>=<url>[,<url>...]`, comma separated; a URL without a name is another replica of
    the producer named before it (`applications=http://a1:8001,http://a2:8001,reviews=http://r:8002`)."""
    urls: dict[str, list[str]] = {}
    current: str | None = None
    for position, entry in enumerate(item.strip() for item in text.split(",")):
        if not entry:
            continue
        name, equals, url = entry.partition("=")
        if equals and _SERVICE_NAME.match(name.strip()):
            current, url = name.strip(), url.strip()
        elif current is None:
            raise ValueError(f"UNSEAL_URLS entry {position + 1} must start with `<service name>=`")
        else:
            url = entry
        parsed = httpx.URL(url)
        if parsed.scheme not in ("http", "https") or not parsed.host or parsed.query or parsed.fragment:
            raise ValueError(f"UNSEAL_URLS entry {position + 1} must be an http(s) base URL")
        urls.setdefault(current, []).append(url.rstrip("/"))
    return {name: tuple(found) for name, found in urls.items()}


def producer_of_topic(topic: str) -> str:
    """The service that publishes `endorsement.<name>.v<N>`: `<name>`, or TOPIC_PRODUCERS' entry for it."""
    parts = topic.split(".")
    if len(parts) != 3 or parts[0] != "endorsement":
        raise ValueError(f"no producer known for topic {topic!r}")
    return TOPIC_PRODUCERS.get(parts[1], parts[1])


class UnsealClient:
    """Opens tokens at their producer, in batches of MAX_TOKENS, trying the producer's next replica on a failed
    connection. One instance per process (it keeps HTTP connections open)."""

    def __init__(self, signer: ServiceTokenSigner, urls: Mapping[str, Sequence[str]], *,
                 timeout_seconds: float = 5.0, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._signer = signer
        self._urls = {name: tuple(found) for name, found in urls.items()}
        self._http = httpx.AsyncClient(timeout=timeout_seconds, transport=transport)

    @classmethod
    def from_settings(cls, service: str, settings: ServiceSettings) -> UnsealClient:
        """From SERVICE_IDENTITY_KEY and UNSEAL_URLS; a missing key outside dev/test raises here, at start-up."""
        return cls(ServiceTokenSigner(service, settings.identity_key(service)), settings.unseal_urls_by_producer())

    async def open_many(self, producer: str, tokens: Sequence[str]) -> dict[str, str | None]:
        """Each token's text (None: erased). ProducerUnavailable (transient) or UnsealRefused (permanent)."""
        urls = self._urls.get(producer)
        if not urls:
            raise ProducerUnavailable(producer, "no UNSEAL_URLS entry for it")
        unique = list(dict.fromkeys(tokens))
        opened: dict[str, str | None] = {}
        for start in range(0, len(unique), MAX_TOKENS):
            opened.update(await self._open_batch(producer, urls, unique[start:start + MAX_TOKENS]))
        return opened

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _open_batch(self, producer: str, urls: tuple[str, ...], tokens: list[str]) -> dict[str, str | None]:
        for url in urls:
            headers = {"Authorization": f"Bearer {self._signer.token_for(producer)}"}
            try:
                response = await self._http.post(url + UNSEAL_PATH, json={"tokens": tokens}, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                continue  # this replica is away: the next one
            except httpx.HTTPError as exc:  # a timeout once connected, a dropped connection
                raise ProducerUnavailable(producer, type(exc).__name__) from exc
            return _answer(producer, tokens, response)
        raise ProducerUnavailable(producer, "unreachable")


def _answer(producer: str, tokens: list[str], response: httpx.Response) -> dict[str, str | None]:
    status = response.status_code
    if status >= 500 or status in _TRANSIENT_REFUSALS:
        raise ProducerUnavailable(producer, f"HTTP {status} ({_problem_code(response)})")
    if status >= 400:
        raise UnsealRefused(producer, _problem_code(response))
    try:
        opened = UnsealAnswer.model_validate_json(response.content).opened
    except ValueError as exc:
        raise ProducerUnavailable(producer, "an answer that is not an unseal answer") from exc
    if any(token not in opened for token in tokens):
        raise ProducerUnavailable(producer, "an answer missing some tokens")
    return {token: opened[token] for token in tokens}


def _problem_code(response: httpx.Response) -> str:
    with contextlib.suppress(ValueError):
        body = response.json()
        code = body.get("code") if isinstance(body, dict) else None
        if isinstance(code, str) and re.fullmatch(r"[A-Z0-9_]{1,60}", code):
            return code
    return f"HTTP_{response.status_code}"
