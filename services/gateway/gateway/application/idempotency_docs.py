"""The `Idempotency-Key` header as the public OpenAPI document shows it on every POST that takes it."""

from __future__ import annotations

from typing import Any

from ..domain.idempotency import NOT_COVERED_PATHS

PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes the POST safe to repeat (draft-ietf-httpapi-idempotency-key-header): 1 to 255 printable "
                   "ASCII characters, unique per request, kept 24 hours per caller (account, or client address "
                   "when anonymous), method and path. A repeat with the same body gets the first answer (2xx or "
                   "4xx) again, marked `Idempotent-Replayed: true`; after a 5xx it runs again. Same key, other "
                   "body: 422 `IDEMPOTENCY_KEY_REUSED`; while the first still runs: 409 `IDEMPOTENCY_KEY_IN_USE` "
                   "with `Retry-After`; a malformed key: 400 `INVALID_IDEMPOTENCY_KEY`.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7E]+$"},
}
PROBLEM = {"application/problem+json": {"schema": {"type": "object"}}}
RESPONSES = {
    "409": {"description": "`IDEMPOTENCY_KEY_IN_USE`: a request with this key still runs; retry after `Retry-After`.",
            "content": PROBLEM},
    "422": {"description": "Refused (RFC 9457 problem); `IDEMPOTENCY_KEY_REUSED`: this key came with another body.",
            "content": PROBLEM},
}


def document_idempotency_key(path: str, method: str, operation: Any) -> None:
    """Add the header (and its refusals) to a POST operation the gateway keys."""
    if method != "post" or path in NOT_COVERED_PATHS or not isinstance(operation, dict):
        return
    parameters = operation.setdefault("parameters", [])
    if not any(isinstance(p, dict) and str(p.get("name", "")).lower() == "idempotency-key" for p in parameters):
        parameters.append(dict(PARAMETER))
    responses = operation.setdefault("responses", {})
    for status, response in RESPONSES.items():
        responses.setdefault(status, response)
