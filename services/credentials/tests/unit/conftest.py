"""Unit-test fixtures: the real tenant data, test signing keys, a grant."""

import uuid
from datetime import date
from pathlib import Path

import pytest
from credentials.adapters.keyring import IssuerDirectory, build_issuer_directory
from credentials.config import TenantProfile, load_tenants
from credentials.domain.grant import EndorsementGrant, Holder
from credentials.vc.multikey import Ed25519KeyPair

TENANTS_DIR = Path(__file__).resolve().parents[4] / "config" / "tenants"
BASE_URL = "https://verify.example.org"
OLD_KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
NEW_KEY = Ed25519KeyPair.from_seed(bytes(range(100, 132)))


@pytest.fixture(scope="session")
def tenants() -> dict[str, TenantProfile]:
    return load_tenants(TENANTS_DIR)


@pytest.fixture(scope="session")
def issuers(tenants: dict[str, TenantProfile]) -> IssuerDirectory:
    return build_issuer_directory(
        tenants, {"itmhca": [OLD_KEY.seed.hex(), NEW_KEY.private_key_multibase]}, BASE_URL
    )


@pytest.fixture
def endorsement_grant() -> EndorsementGrant:
    return EndorsementGrant(
        tenant="itmhca",
        endorsement_id=uuid.UUID("5b0d3c52-8c55-4b6e-9a55-3f3f2b8f1e10"),
        holder=Holder.of_account(uuid.UUID("0f7c1c1e-46ad-4d0b-8a39-7a1f1f1f1f1f"), "Ana Núñez",
                                "Ana.Nunez@Example.org"),
        category="IMHM-C",
        category_name="Infant Mental Health Mentor - Clinical",
        designation="Clinical",
        effective_date=date(2025, 3, 1),
        renewal_date=date(2026, 12, 15),
    )
