"""Test helpers shared by the credentials tests.

`independently_verify` is a verifier written from the specification alone (vc-di-eddsa, eddsa-rdfc-2022
'Verify Proof'): it uses only pyld, cryptography and base58 and reads the context files from disk, the
way a third party would. It never imports `credentials`.
"""

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import base58
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

CONTEXT_FILES = Path(__file__).resolve().parents[1] / "credentials" / "vc" / "contexts"
CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-context-3.0.3.json",
}

IndependentVerifier = Callable[[dict[str, Any], str], bool]


def _load(url: str, options: Any = None) -> dict[str, Any]:
    document = json.loads((CONTEXT_FILES / CONTEXTS[url]).read_text(encoding="utf-8"))
    return {"contextUrl": None, "documentUrl": url, "document": document}


def _canonical(document: dict[str, Any]) -> bytes:
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _load}
    nquads: str = jsonld.normalize(document, options)
    return nquads.encode("utf-8")


def independently_verify(credential: dict[str, Any], public_key_multibase: str) -> bool:
    """True when the credential's proof is a valid eddsa-rdfc-2022 signature by the given Multikey."""
    proof = dict(credential["proof"])
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    signature = base58.b58decode(proof.pop("proofValue")[1:])
    unsecured = {name: value for name, value in credential.items() if name != "proof"}
    proof["@context"] = credential["@context"]
    hash_data = hashlib.sha256(_canonical(proof)).digest() + hashlib.sha256(_canonical(unsecured)).digest()
    raw_key = base58.b58decode(public_key_multibase[1:])
    assert raw_key[:2] == b"\xed\x01"
    try:
        Ed25519PublicKey.from_public_bytes(raw_key[2:]).verify(signature, hash_data)
    except InvalidSignature:
        return False
    return True


@pytest.fixture(scope="session")
def independent_verifier() -> IndependentVerifier:
    return independently_verify


@pytest.fixture(scope="session")
def kafka_bootstrap(private_broker: Callable[[str], str]) -> str:
    """This service's tests get a broker of their own (see the root conftest)."""
    return private_broker("credentials")
