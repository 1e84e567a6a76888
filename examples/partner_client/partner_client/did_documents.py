"""Issuer DID documents (did:web): given as files, or fetched once and cached for the life of the process.

Fetched from the platform's gateway (`{gateway}/tenants/{slug}/did.json`) when `gateway_url` is set, else
from the did:web location itself (`https://{host}/{path}/did.json`). A document is accepted only when its
`id` is the DID asked for; only Multikeys listed under `assertionMethod` and controlled by it are trusted.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

MAX_DOCUMENT_BYTES = 64 * 1024
FETCH_TIMEOUT_SECONDS = 10


class DidResolutionError(Exception):
    """The issuer's DID document could not be had or is not usable."""


class DidDocuments:
    def __init__(self, *, files: Iterable[Path] = (), gateway_url: str | None = None) -> None:
        if gateway_url and not gateway_url.startswith(("http://", "https://")):
            raise ValueError("the gateway URL must be http(s)")
        self.gateway_url = gateway_url.rstrip("/") if gateway_url else None
        self._cache: dict[str, dict[str, str]] = {}
        self.fetches = 0
        for path in files:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
            self._cache[str(document["id"])] = assertion_keys(document)

    def assertion_key(self, did: str, method: str) -> str | None:
        """The publicKeyMultibase of `method` if it is one of the issuer's assertion keys, else None."""
        try:
            return self.keys(did).get(method)
        except DidResolutionError:
            return None

    def keys(self, did: str) -> dict[str, str]:
        if did not in self._cache:
            self._cache[did] = assertion_keys(self._fetch(did), expected_id=did)
        return self._cache[did]

    def location(self, did: str) -> str:
        if not did.startswith("did:web:"):
            raise DidResolutionError(f"only did:web issuers are supported, not {did[:80]!r}")
        host, *path = (unquote(part) for part in did.removeprefix("did:web:").split(":"))
        if self.gateway_url is not None:
            if len(path) != 2 or path[0] != "tenants":
                raise DidResolutionError(f"{did} is not a tenant of the platform")
            return f"{self.gateway_url}/tenants/{path[1]}/did.json"
        return f"https://{host}/" + ("/".join([*path, "did.json"]) if path else ".well-known/did.json")

    def _fetch(self, did: str) -> Mapping[str, Any]:
        url = self.location(did)  # always http(s): the gateway URL is checked, did:web gives https
        accept = {"Accept": "application/did+json, application/json"}
        request = urllib.request.Request(url, headers=accept)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
                body = response.read(MAX_DOCUMENT_BYTES + 1)
        except OSError as error:
            raise DidResolutionError(f"cannot fetch {url}: {error}") from error
        self.fetches += 1
        if len(body) > MAX_DOCUMENT_BYTES:
            raise DidResolutionError(f"{url} is larger than {MAX_DOCUMENT_BYTES} bytes")
        try:
            document = json.loads(body)
        except ValueError as error:
            raise DidResolutionError(f"{url} is not JSON") from error
        if not isinstance(document, dict):
            raise DidResolutionError(f"{url} is not a DID document")
        return document


def assertion_keys(document: Mapping[str, Any], expected_id: str | None = None) -> dict[str, str]:
    """Verification method id -> publicKeyMultibase, for Multikeys the DID lists as assertion methods."""
    did = document.get("id")
    if expected_id is not None and did != expected_id:
        raise DidResolutionError(f"the DID document is for {str(did)[:80]!r}, not {expected_id}")
    allowed = {ref for ref in document.get("assertionMethod", []) if isinstance(ref, str)}
    keys = {}
    for method in document.get("verificationMethod", []):
        if (isinstance(method, Mapping) and method.get("type") == "Multikey" and method.get("controller") == did
                and method.get("id") in allowed and isinstance(method.get("publicKeyMultibase"), str)):
            keys[str(method["id"])] = str(method["publicKeyMultibase"])
    return keys
