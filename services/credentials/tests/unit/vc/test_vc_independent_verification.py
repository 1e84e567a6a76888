"""A verifier written from the specification alone checks credentials issued by the library.

`independently_verify` uses only pyld, cryptography and base58 (the context files
are read from disk), the way a third party would; `credentials.vc` is imported
only inside the fixture that issues the credential.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

import base58
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

CONTEXT_FILES = Path(__file__).resolve().parents[3] / "credentials" / "vc" / "contexts"
CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-context-3.0.3.json",
}


def _load(url: str, options: Any = None) -> dict[str, Any]:
    document = json.loads((CONTEXT_FILES / CONTEXTS[url]).read_text(encoding="utf-8"))
    return {"contextUrl": None, "documentUrl": url, "document": document}


def _canonical(document: dict[str, Any]) -> bytes:
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _load}
    nquads: str = jsonld.normalize(document, options)
    return nquads.encode("utf-8")


def independently_verify(credential: dict[str, Any], public_key_multibase: str) -> bool:
    """vc-di-eddsa, eddsa-rdfc-2022 'Verify Proof', with a key from a did:web document."""
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


@pytest.fixture
def issued(award: Any, issuer_key: Any, issuer_method: str) -> dict[str, Any]:
    from credentials.vc.dataintegrity import sign
    from credentials.vc.openbadge import build_open_badge_credential
    from credentials.vc.timestamps import parse_timestamp

    created = parse_timestamp("2025-03-01T09:31:00Z", "created")
    credential: dict[str, Any] = sign(build_open_badge_credential(award), issuer_key, issuer_method, created)
    received: dict[str, Any] = json.loads(json.dumps(credential, ensure_ascii=False))  # as a holder gets it
    return received


def test_a_credential_issued_by_the_library_verifies_independently(issued: dict[str, Any], issuer_key: Any) -> None:
    assert "José Núñez 山田" in json.dumps(issued, ensure_ascii=False)
    assert independently_verify(issued, issuer_key.public_key_multibase)


def test_the_independent_verifier_notices_tampering(issued: dict[str, Any], issuer_key: Any) -> None:
    issued["credentialSubject"]["name"] = "José Núñez"
    assert not independently_verify(issued, issuer_key.public_key_multibase)
