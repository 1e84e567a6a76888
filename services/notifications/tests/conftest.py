"""Fixtures of the notifications tests: integration events as other services publish them, tenant data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from endorsement_contracts import ApplicationSubmitted, EndorsementGranted, Person
from notifications.config import Tenant, load_tenants

TENANTS_DIR = Path(__file__).resolve().parents[3] / "config" / "tenants"


@pytest.fixture
def tenants_dir() -> Path:
    return TENANTS_DIR


@pytest.fixture
def itmhca() -> Tenant:
    return load_tenants(TENANTS_DIR)["itmhca"]


@pytest.fixture
def submitted() -> Callable[..., ApplicationSubmitted]:
    """ApplicationSubmitted for a new applicant; keyword arguments override fields."""

    def make(**overrides: Any) -> ApplicationSubmitted:
        suffix = uuid4().hex[:10]
        fields: dict[str, Any] = {
            "tenant": "itmhca",
            "occurred_at": datetime(2025, 3, 1, 3, 30, tzinfo=UTC),
            "application_id": uuid4(),
            "submission_number": 1,
            "applicant": Person(account_id=uuid4(), name="Zoë Ñúñez-Łukasiewicz", email=f"zoe-{suffix}@example.org"),
            "category": "IFS",
            "category_name": "Infant Family Specialist",
            "rule_set_version": "itmhca-ifs-2025.1",
        }
        fields.update(overrides)
        return ApplicationSubmitted(**fields)

    return make


@pytest.fixture
def granted() -> Callable[..., EndorsementGranted]:
    """EndorsementGranted for a new applicant; keyword arguments override fields."""

    def make(**overrides: Any) -> EndorsementGranted:
        suffix = uuid4().hex[:10]
        fields: dict[str, Any] = {
            "tenant": "itmhca",
            "occurred_at": datetime(2025, 6, 2, 16, 0, tzinfo=UTC),
            "endorsement_id": uuid4(),
            "review_case_id": uuid4(),
            "application_id": uuid4(),
            "applicant": Person(account_id=uuid4(), name="Søren O'Brien", email=f"soren-{suffix}@example.org"),
            "category": "IMHS",
            "category_name": "Infant Mental Health Specialist",
            "effective_date": date(2025, 6, 2),
            "renewal_date": date(2026, 12, 15),
            "granted_by": uuid4(),
        }
        fields.update(overrides)
        return EndorsementGranted(**fields)

    return make


@pytest.fixture(scope="session")
def kafka_bootstrap(private_broker: Callable[[str], str]) -> str:
    """This service's tests get a broker of their own (see the root conftest)."""
    return private_broker("notifications")
