"""Reading a VC-API verify request: `{"verifiableCredential": {...}, "options": {...}}`, at most 256 KiB."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from servicekit.problems import Problem
from starlette.requests import Request

from credentials.vc.bounds import MAX_DOCUMENT_BYTES

MAX_REQUEST_BYTES = MAX_DOCUMENT_BYTES
ALLOWED_MEMBERS = frozenset({"verifiableCredential", "options"})


@dataclass(frozen=True)
class VerifyRequest:
    credential: dict[str, Any]
    options: dict[str, Any]


def malformed(status: int, detail: str) -> Problem:
    return Problem(status, "Malformed verification request", detail, code="MALFORMED")


async def read_body(request: Request, limit: int = MAX_REQUEST_BYTES) -> bytes:
    """The request body, refused as soon as it is known to exceed `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise malformed(400, f"the request body must be at most {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise malformed(400, f"the request body must be at most {limit} bytes")
    return bytes(body)


def parse_verify_request(raw: bytes) -> VerifyRequest:
    try:
        data = json.loads(raw, object_pairs_hook=_unique_members, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:  # includes JSONDecodeError and UnicodeDecodeError
        raise malformed(400, f"the request body is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise malformed(422, "the request body must be a JSON object")
    unknown = sorted(set(data) - ALLOWED_MEMBERS)
    if unknown:
        raise malformed(422, f"unexpected members: {', '.join(unknown)}")
    credential = data.get("verifiableCredential")
    if not isinstance(credential, dict):
        raise malformed(422, "verifiableCredential must be present and be a JSON object")
    options = data.get("options", {})
    if not isinstance(options, dict):
        raise malformed(422, "options must be a JSON object")
    return VerifyRequest(credential, options)


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise ValueError("a JSON object repeats a member name")
    return members


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
