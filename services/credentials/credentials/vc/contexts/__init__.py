"""Offline copies of the JSON-LD contexts that credentials are allowed to use.

Each context is shipped as package data and pinned by its SHA-256 digest, so an
accidental edit to a file is caught the first time it is loaded.
"""

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_EXAMPLES_V2_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB_V3P0_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


@dataclass(frozen=True)
class BundledContext:
    """A context file in this package and the digest it must have."""

    filename: str
    sha256: str


BUNDLED_CONTEXTS: dict[str, BundledContext] = {
    VC_V2_CONTEXT: BundledContext(
        "credentials-v2.jsonld",
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    ),
    VC_EXAMPLES_V2_CONTEXT: BundledContext(
        "credentials-examples-v2.jsonld",
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
    ),
    VC_V1_CONTEXT: BundledContext(
        "credentials-v1.jsonld",
        "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc",
    ),
    OB_V3P0_CONTEXT: BundledContext(
        "ob-context-3.0.3.json",
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    ),
}


class CorruptBundledContextError(RuntimeError):
    """A bundled context file does not match its pinned digest."""


@cache
def _read(url: str) -> bytes:
    bundled = BUNDLED_CONTEXTS[url]
    raw = resources.files(__name__).joinpath(bundled.filename).read_bytes()
    if hashlib.sha256(raw).hexdigest() != bundled.sha256:
        raise CorruptBundledContextError(f"{bundled.filename} does not match its digest")
    return raw


def load_bundled_context(url: str) -> dict[str, Any]:
    """Return a fresh parsed copy of the bundled context for `url` (KeyError if none)."""
    document: dict[str, Any] = json.loads(_read(url))
    return document
