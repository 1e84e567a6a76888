"""A verifier written from the specification alone checks credentials issued by the library.

The verifier (`independent_verifier`, in tests/conftest.py) uses only pyld, cryptography and base58;
`credentials.vc` is imported only inside the fixture that issues the credential.
"""

import json
from collections.abc import Callable
from typing import Any

import pytest

IndependentVerifier = Callable[[dict[str, Any], str], bool]


@pytest.fixture
def issued(award: Any, issuer_key: Any, issuer_method: str) -> dict[str, Any]:
    from credentials.vc.dataintegrity import sign
    from credentials.vc.openbadge import build_open_badge_credential
    from credentials.vc.timestamps import parse_timestamp

    created = parse_timestamp("2025-03-01T09:31:00Z", "created")
    credential: dict[str, Any] = sign(build_open_badge_credential(award), issuer_key, issuer_method, created)
    received: dict[str, Any] = json.loads(json.dumps(credential, ensure_ascii=False))  # as a holder gets it
    return received


def test_a_credential_issued_by_the_library_verifies_independently(
    issued: dict[str, Any], issuer_key: Any, independent_verifier: IndependentVerifier
) -> None:
    assert "José Núñez 山田" in json.dumps(issued, ensure_ascii=False)
    assert independent_verifier(issued, issuer_key.public_key_multibase)


def test_the_independent_verifier_notices_tampering(
    issued: dict[str, Any], issuer_key: Any, independent_verifier: IndependentVerifier
) -> None:
    issued["credentialSubject"]["name"] = "José Núñez"
    assert not independent_verifier(issued, issuer_key.public_key_multibase)
