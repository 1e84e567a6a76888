"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C vc-di-eddsa).

hashData = SHA-256(canon(proof config)) || SHA-256(canon(document without proof)),
where the proof config is the proof without `proofValue`, carrying the
document's `@context`; the proof value is 'z' + base58btc(Ed25519 signature).
"""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from credentials.vc.canonical import canonicalize
from credentials.vc.errors import InvalidMultikeyError, MalformedDocumentError
from credentials.vc.loader import DEFAULT_LOADER, OfflineDocumentLoader
from credentials.vc.multikey import Ed25519KeyPair, decode_multibase, encode_multibase
from credentials.vc.timestamps import format_timestamp, parse_timestamp

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
SIGNATURE_LENGTH = 64

Hasher = Callable[[Mapping[str, Any], Mapping[str, Any]], "HashData"]
"""(unsecured document, proof config) -> their HashData; `hash_data` in this process, or a worker pool's."""

PublicKeyResolver = Callable[[str], Ed25519PublicKey | None]
"""Verification method id -> its public key, or None when it is not a trusted key."""


@dataclass(frozen=True)
class HashData:
    """Every intermediate value of the transformation and hashing steps."""

    canonical_document: str
    canonical_proof_config: str

    @property
    def document_hash(self) -> bytes:
        return hashlib.sha256(self.canonical_document.encode("utf-8")).digest()

    @property
    def proof_config_hash(self) -> bytes:
        return hashlib.sha256(self.canonical_proof_config.encode("utf-8")).digest()

    @property
    def combined(self) -> bytes:
        return self.proof_config_hash + self.document_hash


class ProofOutcome(StrEnum):
    VERIFIED = "verified"
    MALFORMED = "malformed"
    INVALID_SIGNATURE = "invalid_signature"
    UNRESOLVED_KEY = "unresolved_key"


@dataclass(frozen=True)
class ProofCheck:
    outcome: ProofOutcome
    detail: str
    verification_method: str | None = None

    @property
    def verified(self) -> bool:
        return self.outcome is ProofOutcome.VERIFIED


def proof_config(
    document: Mapping[str, Any], verification_method: str, created: datetime, proof_purpose: str
) -> dict[str, Any]:
    """The proof options to be signed (key order as in the W3C test vectors)."""
    config: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": format_timestamp(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def hash_data(
    document: Mapping[str, Any], config: Mapping[str, Any], loader: OfflineDocumentLoader = DEFAULT_LOADER
) -> HashData:
    """Canonicalize the proof config and the unsecured document (it must carry no proof)."""
    return HashData(
        canonical_document=canonicalize(document, loader=loader),
        canonical_proof_config=canonicalize(config, loader=loader),
    )


def sign(
    document: Mapping[str, Any],
    key: Ed25519KeyPair,
    verification_method: str,
    created: datetime,
    proof_purpose: str = "assertionMethod",
    *,
    loader: OfflineDocumentLoader = DEFAULT_LOADER,
) -> dict[str, Any]:
    """Return a copy of `document` with an `eddsa-rdfc-2022` proof added."""
    if "proof" in document:
        raise MalformedDocumentError("document already has a proof")
    config = proof_config(document, verification_method, created, proof_purpose)
    signature = key.sign(hash_data(document, config, loader).combined)
    proof = {name: value for name, value in config.items() if name != "@context"}
    proof["proofValue"] = encode_multibase(signature)
    return {**document, "proof": proof}


def verify_proof(
    document: Mapping[str, Any],
    public_key_resolver: PublicKeyResolver,
    *,
    expected_proof_purpose: str = "assertionMethod",
    loader: OfflineDocumentLoader = DEFAULT_LOADER,
    hasher: Hasher | None = None,
) -> ProofCheck:
    """Check the document's single `eddsa-rdfc-2022` proof; never raises for bad input.

    `hasher` canonicalizes elsewhere (a worker pool); by default `hash_data` runs here with `loader`."""
    try:
        proof, signature = _read_proof(document, expected_proof_purpose)
    except (MalformedDocumentError, InvalidMultikeyError) as error:
        return ProofCheck(ProofOutcome.MALFORMED, str(error))
    method = proof["verificationMethod"]
    public_key = public_key_resolver(method)
    if public_key is None:
        return ProofCheck(ProofOutcome.UNRESOLVED_KEY, f"verification method {method!r} is not trusted", method)
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    config = {name: value for name, value in proof.items() if name != "proofValue"}
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    try:
        hashes = hasher(unsecured, config) if hasher is not None else hash_data(unsecured, config, loader)
    except MalformedDocumentError as error:
        return ProofCheck(ProofOutcome.MALFORMED, str(error), method)
    try:
        public_key.verify(signature, hashes.combined)
    except InvalidSignature:
        return ProofCheck(ProofOutcome.INVALID_SIGNATURE, "signature does not match the document", method)
    return ProofCheck(ProofOutcome.VERIFIED, "signature verified", method)


def _read_proof(document: Mapping[str, Any], expected_purpose: str) -> tuple[dict[str, Any], bytes]:
    proof = document.get("proof")
    if proof is None:
        raise MalformedDocumentError("document has no proof")
    if not isinstance(proof, Mapping):
        raise MalformedDocumentError("proof must be a single object (proof sets are not supported)")
    expected = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "proofPurpose": expected_purpose}
    for name, value in expected.items():
        if proof.get(name) != value:
            raise MalformedDocumentError(f"proof.{name} must be {value!r}")
    for name in ("verificationMethod", "proofValue"):
        if not isinstance(proof.get(name), str) or not proof[name]:
            raise MalformedDocumentError(f"proof.{name} is missing")
    if "@context" in proof:
        raise MalformedDocumentError("proof must not carry its own @context")
    if "created" in proof:
        parse_timestamp(proof["created"], "proof.created")
    signature = decode_multibase(proof["proofValue"])
    if len(signature) != SIGNATURE_LENGTH:
        raise MalformedDocumentError(f"proofValue must encode {SIGNATURE_LENGTH} bytes")
    return dict(proof), signature
