"""Unit-test builders: the reviews application on in-memory persistence and the real tenant data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from reviews.application import Reviews, Submission
from reviews.config import Tenant, TenantCatalog, load_tenants
from reviews.domain import Applicant
from servicekit.testing_keys import MemoryKeys

from .personal_data import FINGERPRINT

TENANTS_DIR = Path(__file__).resolve().parents[4] / "config" / "tenants"


@pytest.fixture
def tenants() -> TenantCatalog:
    return load_tenants(TENANTS_DIR)


@pytest.fixture
def itmhca(tenants: TenantCatalog) -> Tenant:
    tenant = tenants.get("itmhca")
    assert tenant is not None
    return tenant


@pytest.fixture
def reviews() -> Iterator[Reviews]:
    app = Reviews(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, keys=MemoryKeys(), fingerprint=FINGERPRINT)
    yield app
    app.close()


@pytest.fixture
def other_store(reviews: Reviews) -> Iterator[Reviews]:
    """Another store over the same subject keys (the sealed values of `reviews` open in it)."""
    app = Reviews(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, keys=reviews.keys, fingerprint=FINGERPRINT)
    yield app
    app.close()


def a_submission(*, tenant: str = "itmhca", submission_number: int = 1,
                 received_at: datetime = datetime(2024, 12, 1, 18, 0, tzinfo=UTC)) -> Submission:
    return Submission(
        tenant=tenant,
        application_id=uuid4(),
        submission_number=submission_number,
        applicant=Applicant(account_id=uuid4(), name="Ana Applicant", email="ana@example.org"),
        category="IFS",
        category_name="Infant Family Specialist",
        rule_set_version="itmhca-IFS-2024",
        received_at=received_at,
    )


@pytest.fixture
def submission() -> Submission:
    return a_submission()
