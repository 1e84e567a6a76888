"""Verify an Open Badges 3.0 credential offline: Data Integrity `eddsa-rdfc-2022` (W3C vc-di-eddsa).

Written from the specifications alone, with pyld and cryptography: no code of the platform. JSON-LD
contexts come from the bundled copies in `contexts/`; any other context URL is refused. Terms that no
context defines are refused too (JSON-LD would silently drop them, leaving them unsigned).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-context-3.0.3.json",
}
ED25519_MULTICODEC = b"\xed\x01"
UNDEFINED = "urn:partner-client:undefined-term:"
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

KeyResolver = Callable[[str, str], str | None]
"""(issuer DID, verification method id) -> publicKeyMultibase of that assertion key, or None."""


@dataclass(frozen=True)
class Verdict:
    verified: bool
    detail: str


def verify(credential: Mapping[str, Any], resolve_key: KeyResolver, now: datetime | None = None) -> Verdict:
    """Signature, issuer key and validity period of a signed credential; never raises on bad input."""
    try:
        return _verify(credential, resolve_key, now or datetime.now(UTC))
    except (KeyError, TypeError, ValueError, jsonld.JsonLdError) as error:
        return Verdict(False, f"malformed credential: {type(error).__name__}: {str(error)[:200]}")


def _verify(credential: Mapping[str, Any], resolve_key: KeyResolver, now: datetime) -> Verdict:
    proof = credential.get("proof")
    if not isinstance(proof, Mapping):
        return Verdict(False, "no single proof object")
    expected = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod"}
    for name, value in expected.items():
        if proof.get(name) != value:
            return Verdict(False, f"proof.{name} is not {value}")
    issuer = credential["issuer"]
    issuer_id = issuer["id"] if isinstance(issuer, Mapping) else issuer
    method = str(proof["verificationMethod"])
    multibase = resolve_key(str(issuer_id), method)
    if multibase is None:
        return Verdict(False, f"{method} is not an assertion key of {issuer_id}")
    unsecured = {name: value for name, value in credential.items() if name != "proof"}
    if _has_undefined_terms(unsecured):
        return Verdict(False, "the credential uses terms no context defines")
    config = {name: value for name, value in proof.items() if name != "proofValue"}
    config["@context"] = credential["@context"]
    hash_data = _sha256(_canonical(config)) + _sha256(_canonical(unsecured))
    try:
        _public_key(multibase).verify(_base58btc(str(proof["proofValue"])), hash_data)
    except InvalidSignature:
        return Verdict(False, "signature does not match the credential")
    return _validity(credential, now, method)


def _validity(credential: Mapping[str, Any], now: datetime, method: str) -> Verdict:
    valid_from = _instant(credential["validFrom"])
    if now < valid_from:
        return Verdict(False, f"signature ok; not valid before {credential['validFrom']}")
    if "validUntil" in credential and now >= _instant(credential["validUntil"]):
        return Verdict(False, f"signature ok; expired at {credential['validUntil']}")
    return Verdict(True, f"signed by {method}")


def _instant(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return moment


def _load_context(url: str, options: Any = None) -> dict[str, Any]:
    if url not in CONTEXT_FILES:
        raise jsonld.JsonLdError(f"context {url} is not bundled; refusing to fetch it", "loading document failed")
    text = resources.files(__package__).joinpath("contexts").joinpath(CONTEXT_FILES[url]).read_text(encoding="utf-8")
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(text)}


def _canonical(document: Mapping[str, Any]) -> bytes:
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _load_context}
    nquads: str = jsonld.normalize(dict(document), options)
    return nquads.encode("utf-8")


def _has_undefined_terms(document: Mapping[str, Any]) -> bool:
    """Expand with a catch-all vocabulary after the document's contexts: only undefined terms land in it."""
    contexts = document.get("@context")
    probe = {**document, "@context": [*(contexts if isinstance(contexts, list) else [contexts]), {"@vocab": UNDEFINED}]}
    expanded = jsonld.expand(probe, {"documentLoader": _load_context})
    return UNDEFINED in json.dumps(expanded)


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _public_key(multibase: str) -> Ed25519PublicKey:
    raw = _base58btc(multibase)
    if raw[:2] != ED25519_MULTICODEC or len(raw) != 34:
        raise ValueError("publicKeyMultibase is not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def _base58btc(multibase: str) -> bytes:
    """Decode a multibase base58btc ('z'-prefixed) string."""
    if not multibase.startswith("z"):
        raise ValueError("expected multibase base58btc ('z' prefix)")
    number = 0
    for char in multibase[1:]:
        number = number * 58 + BASE58_ALPHABET.index(char)
    leading_zeros = len(multibase[1:]) - len(multibase[1:].lstrip("1"))
    return b"\x00" * leading_zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")
