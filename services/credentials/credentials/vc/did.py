"""did:web identifiers and DID documents for tenants.

A tenant's DID is `did:web:<host>[%3A<port>][:<base path>]:tenants:<slug>`,
resolved (per the did:web method) at `https://<host>[:<port>][/<base path>]/tenants/<slug>/did.json`.
DID documents are plain JSON here: they are served and read, never signed or canonicalized.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit

DID_CONTEXTS = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1")
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def tenant_did(base_url: str, tenant_slug: str) -> str:
    """The tenant's did:web, e.g. https://vc.example:8443 + acme -> did:web:vc.example%3A8443:tenants:acme."""
    if not _SLUG.match(tenant_slug):
        raise ValueError(f"invalid tenant slug {tenant_slug!r}")
    url = urlsplit(base_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ValueError(f"base URL must be http(s) with a host, got {base_url!r}")
    host = url.hostname + (f":{url.port}" if url.port else "")
    segments = [segment for segment in url.path.split("/") if segment]
    parts = [quote(host, safe=""), *(quote(segment, safe="") for segment in segments)]
    return ":".join(["did", "web", *parts, "tenants", tenant_slug])


def did_document_url(did: str) -> str:
    """Where a did:web document is published (always https, as the method requires)."""
    if not did.startswith("did:web:"):
        raise ValueError(f"not a did:web: {did!r}")
    host, *path = (unquote(part) for part in did.removeprefix("did:web:").split(":"))
    return f"https://{host}/" + ("/".join([*path, "did.json"]) if path else ".well-known/did.json")


@dataclass(frozen=True)
class PublishedKey:
    """A public key of the tenant, as listed in its DID document."""

    public_key_multibase: str
    created: datetime

    @property
    def fragment(self) -> str:
        return self.public_key_multibase


def verification_method_id(did: str, key: PublishedKey) -> str:
    return f"{did}#{key.fragment}"


def signing_key(keys: Sequence[PublishedKey]) -> PublishedKey:
    """The key that signs new credentials: the newest one."""
    if not keys:
        raise ValueError("a tenant needs at least one key")
    return max(keys, key=lambda key: key.created)


def build_did_document(did: str, keys: Sequence[PublishedKey]) -> dict[str, Any]:
    """DID document listing every key (newest first) as a Multikey assertion method.

    Older keys stay listed so that credentials they signed keep verifying.
    """
    ordered = sorted(keys, key=lambda key: key.created, reverse=True)
    if not ordered:
        raise ValueError("a tenant needs at least one key")
    methods = [
        {
            "id": verification_method_id(did, key),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in ordered
    ]
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def assertion_keys(did_document: Mapping[str, Any]) -> dict[str, str]:
    """Verification method id -> publicKeyMultibase of the Multikeys listed as assertion methods."""
    did = did_document.get("id")
    assertion = {ref for ref in did_document.get("assertionMethod", []) if isinstance(ref, str)}
    keys: dict[str, str] = {}
    for method in did_document.get("verificationMethod", []):
        if not isinstance(method, Mapping):
            continue
        method_id, multibase = method.get("id"), method.get("publicKeyMultibase")
        if (
            method.get("type") == "Multikey"
            and method.get("controller") == did
            and method_id in assertion
            and isinstance(method_id, str)
            and isinstance(multibase, str)
        ):
            keys[method_id] = multibase
    return keys
