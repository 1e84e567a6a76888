"""Limits on hostile input, checked before any JSON-LD processing.

A credential issued by this platform is about 2 KiB, nested at most 6 levels;
the limits leave ample room for legitimate documents while keeping parsing and
canonicalization cheap.
"""

import json
import math
from collections.abc import Mapping
from typing import Any

from credentials.vc.errors import MalformedDocumentError

MAX_DOCUMENT_BYTES = 256 * 1024
"""Largest accepted document, as UTF-8 JSON."""

MAX_NESTING_DEPTH = 32
"""Deepest accepted nesting of JSON objects and arrays (the top-level object is depth 1)."""


def _reject_constant(name: str) -> float:
    raise MalformedDocumentError(f"{name} is not valid JSON")


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise MalformedDocumentError("duplicate keys in a JSON object")
    return document


def _too_large(size: int | str) -> MalformedDocumentError:
    return MalformedDocumentError(f"document is {size} bytes; the limit is {MAX_DOCUMENT_BYTES}")


def parse_json_document(raw: str | bytes) -> dict[str, Any]:
    """Parse untrusted JSON text into a document, enforcing every limit."""
    size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
    if size > MAX_DOCUMENT_BYTES:
        raise _too_large(size)
    try:
        document = json.loads(raw, parse_constant=_reject_constant, object_pairs_hook=_reject_duplicate_keys)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, UnicodeDecodeError, overlong int
        raise MalformedDocumentError(f"not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise MalformedDocumentError("document must be a JSON object")
    check_document_bounds(document)
    return document


def check_document_bounds(document: Mapping[str, Any]) -> None:
    """Reject a parsed document that is too deep or too big, or that JSON-LD would silently alter.

    Also rejected: `null` values and non-finite numbers (JSON-LD drops or mangles
    them) and inline `@context` objects (only bundled context URLs may be used).
    The walk is iterative, so even a pathologically deep object cannot exhaust the stack.
    """
    stack: list[tuple[Any, int, str]] = [(document, 1, "$")]
    least_size = 0  # a lower bound of the encoded size, to stop early on huge documents
    while stack:
        value, depth, path = stack.pop()
        least_size += _least_encoded_size(value)
        if least_size > MAX_DOCUMENT_BYTES:
            raise _too_large(f"more than {least_size}")
        if isinstance(value, Mapping | list) and depth > MAX_NESTING_DEPTH:
            raise MalformedDocumentError(f"nesting deeper than {MAX_NESTING_DEPTH} at {path}")
        if isinstance(value, Mapping):
            for key, child in value.items():
                _check_key(key, child, path)
                stack.append((child, depth + 1, f"{path}.{key}"))
        elif isinstance(value, list):
            stack.extend((child, depth + 1, f"{path}[{index}]") for index, child in enumerate(value))
        else:
            _check_scalar(value, path)
    size = len(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    if size > MAX_DOCUMENT_BYTES:
        raise _too_large(size)


def _least_encoded_size(value: Any) -> int:
    """The characters `value` itself adds to the encoding (its children count for themselves)."""
    if isinstance(value, str):
        return len(value) + 2  # quotes
    if isinstance(value, Mapping):  # braces, commas, and quotes and colon per key
        return 1 + sum(len(str(key)) + 4 for key in value) if value else 2
    if isinstance(value, list):  # brackets and commas
        return 1 + len(value) if value else 2
    return 1


def _check_key(key: Any, value: Any, path: str) -> None:
    if not isinstance(key, str):
        raise MalformedDocumentError(f"non-string key at {path}")
    if key == "@context":
        entries = value if isinstance(value, list) else [value]
        if not entries or not all(isinstance(entry, str) for entry in entries):
            raise MalformedDocumentError(f"{path}.@context must be a context URL or a list of context URLs")


def _check_scalar(value: Any, path: str) -> None:
    if value is None:
        raise MalformedDocumentError(f"null value at {path}")
    if isinstance(value, float) and not math.isfinite(value):
        raise MalformedDocumentError(f"non-finite number at {path}")
    if not isinstance(value, str | int | float | bool):
        raise MalformedDocumentError(f"{type(value).__name__} is not a JSON value at {path}")
