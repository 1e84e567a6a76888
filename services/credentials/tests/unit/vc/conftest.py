"""Fixtures for the verifiable-credential core: test vectors, keys, a sample award."""

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from credentials.vc.loader import OfflineDocumentLoader
from credentials.vc.multikey import Ed25519KeyPair
from credentials.vc.openbadge import EndorsementAward

VECTORS = Path(__file__).parent / "vectors"
CITIZENSHIP_V4RC1 = "https://w3id.org/citizenship/v4rc1"
ISSUER_DID = "did:web:vc.example.org%3A8443:tenants:acme"


def _read_json(relative: str) -> Any:
    return json.loads((VECTORS / relative).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def vector_json() -> Callable[[str], Any]:
    """Parse a file of the `vectors/` folder."""
    return _read_json


@pytest.fixture(scope="session")
def vector_text() -> Callable[[str], str]:
    """Read a file of the `vectors/` folder, byte for byte (as UTF-8)."""
    return lambda relative: (VECTORS / relative).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def citizenship_loader() -> OfflineDocumentLoader:
    """The bundled contexts plus the citizenship context that the `employ` vector needs."""
    context = _read_json("eddsa-rdfc-2022/employ/citizenship-v4rc1.jsonld")
    return OfflineDocumentLoader(extra={CITIZENSHIP_V4RC1: context})


@pytest.fixture(scope="session")
def w3c_key() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(_read_json("keyPair.json")["privateKeyMultibase"])


@pytest.fixture(scope="session")
def issuer_did() -> str:
    return ISSUER_DID


@pytest.fixture(scope="session")
def issuer_key() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")


@pytest.fixture(scope="session")
def issuer_method(issuer_key: Ed25519KeyPair) -> str:
    return f"{ISSUER_DID}#{issuer_key.public_key_multibase}"


@pytest.fixture
def award() -> EndorsementAward:
    """An award full of non-ASCII text, for tenant `acme`."""
    return EndorsementAward(
        tenant_slug="acme",
        credential_id=uuid.UUID("6f1c2b8e-3d4a-4f5b-9c7d-2e1f0a9b8c7d"),
        issuer_did=ISSUER_DID,
        issuer_name="Ordre des Ingénieurs de Montréal ®",
        category_code="STR-01",
        category_name="Ingénierie structurelle — 構造工学",
        designation="Ing. Struct.®",
        holder_email="José.Núñez@Example.org",
        holder_name="José Núñez 山田",
        awarded_at=datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
        valid_from=datetime(2025, 3, 1, tzinfo=UTC),
        valid_until=datetime(2027, 3, 1, tzinfo=UTC),
        identity_salt="c0ffee",
    )
