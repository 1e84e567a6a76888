"""Given/when/then for reading tenant data: the real files load; broken ones stop the service from starting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from reviews.config import TenantCatalog, TenantDataError, load_tenants
from reviews.domain import RenewalRule

VALID = """
slug: {slug}
name: Test Association
timezone: {timezone}
categories:
  IFS: Infant Family Specialist
renewal:
  due: "{due}"
  first_renewal: {first}
"""


def write(folder: Path, *, slug: str = "test-assoc", timezone: str = "America/Phoenix", due: str = "12-15",
          first: str = "next_year", name: str | None = None) -> None:
    (folder / f"{name or slug}.yaml").write_text(VALID.format(slug=slug, timezone=timezone, due=due, first=first))


def test_the_shipped_tenant_data_loads(tenants: TenantCatalog) -> None:
    itmhca = tenants.get("itmhca")
    assert itmhca is not None
    assert itmhca.renewal == RenewalRule(12, 15)
    assert itmhca.categories["IMHM-C"] == "Infant Mental Health Mentor - Clinical"
    assert str(itmhca.timezone) == "America/Phoenix"
    assert itmhca.today(datetime(2025, 1, 1, 6, 59, tzinfo=UTC)) == date(2024, 12, 31)
    assert itmhca.today(datetime(2025, 1, 1, 7, 0, tzinfo=UTC)) == date(2025, 1, 1)


def test_a_valid_file_loads(tmp_path: Path) -> None:
    write(tmp_path, due="02-01")
    tenant = load_tenants(tmp_path).get("test-assoc")
    assert tenant is not None
    assert tenant.renewal == RenewalRule(2, 1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown timezone"),
        ({"due": "12-32"}, "renewal.due"),
        ({"first": "whenever"}, "renewal.first_renewal"),
        ({"name": "elsewhere"}, "does not match the file name"),
    ],
)
def test_invalid_tenant_data_refuses_to_start(tmp_path: Path, kwargs: dict[str, str], message: str) -> None:
    write(tmp_path, **kwargs)
    with pytest.raises(TenantDataError, match=message):
        load_tenants(tmp_path)


def test_a_missing_or_empty_directory_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(TenantDataError, match="does not exist"):
        load_tenants(tmp_path / "nowhere")
    with pytest.raises(TenantDataError, match="no tenant files"):
        load_tenants(tmp_path)


REVIEW_DATA = """
tenant: test-assoc
policy: {{coordinator_decides_directly: false, denial_allowed: true}}
categories:
  IFS: {{rank: 2, exam_required: [{{since: 2020-01-01, until: 2024-12-31}}], emerging_years: 2}}
renewal: {{window_opens: "{opens}"}}
reviewers:
  - {{email: {email}, name: Rex Reviewer, category: {category}, trained: true}}
"""


def write_review_data(folder: Path, *, tenant: str = "test-assoc", opens: str = "10-01",
                      email: str = "Rex@Example.org", category: str = "IFS", extra: str = "") -> Path:
    reviews = folder / "reviews"
    reviews.mkdir(exist_ok=True)
    text = REVIEW_DATA.format(opens=opens, email=email, category=category).replace("test-assoc", tenant) + extra
    (reviews / "test-assoc.yaml").write_text(text)
    return reviews


def test_the_shipped_review_data_loads(tenants: TenantCatalog) -> None:
    itmhca = tenants.get("itmhca")
    assert itmhca is not None
    policy = itmhca.policy
    assert (policy.reviewers_per_case, policy.coordinator_decides_directly, policy.denial_allowed) == (1, True, False)
    assert policy.exam_required("IMHS", datetime(2024, 6, 1, tzinfo=UTC))
    assert not policy.exam_required("IMHS", datetime(2025, 6, 1, tzinfo=UTC))
    assert policy.exam_required("IMHM-C", datetime(2030, 6, 1, tzinfo=UTC))
    assert policy.emerging_years("IFRS") == 2
    assert set(policy.categories) == set(itmhca.categories)
    assert itmhca.terms.removal_date(date(2026, 12, 15)) == date(2027, 2, 1)
    assert itmhca.terms.opens_on(date(2026, 12, 15)) == date(2026, 10, 1)
    assert all(r.trained and r.active for r in itmhca.reviewers.values())


def test_review_data_is_read_next_to_the_tenant_files_or_from_where_told(tmp_path: Path) -> None:
    tenants_dir = tmp_path / "tenants"
    tenants_dir.mkdir()
    write(tenants_dir)
    assert load_tenants(tenants_dir).get("test-assoc").policy.coordinator_decides_directly  # type: ignore[union-attr]
    reviews_dir = write_review_data(tmp_path)
    for catalog in (load_tenants(tenants_dir), load_tenants(tenants_dir, reviews_dir)):
        tenant = catalog.get("test-assoc")
        assert tenant is not None
        assert (tenant.policy.coordinator_decides_directly, tenant.policy.denial_allowed) == (False, True)
        assert list(tenant.reviewers) == ["rex@example.org"]
        assert tenant.policy.emerging_years("IFS") == 2


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"tenant": "someone-else"}, "does not match the file name"),
    ({"opens": "10-32"}, "renewal.window_opens"),
    ({"email": "not-an-email"}, "reviewers.0.email"),
    ({"category": "ECMHS"}, "not awarded by test-assoc"),
    ({"extra": "surprise: true\n"}, "surprise"),
])
def test_invalid_review_data_refuses_to_start(tmp_path: Path, kwargs: dict[str, str], message: str) -> None:
    tenants_dir = tmp_path / "tenants"
    tenants_dir.mkdir()
    write(tenants_dir)
    reviews_dir = write_review_data(tmp_path, **kwargs)
    with pytest.raises(TenantDataError, match=message):
        load_tenants(tenants_dir, reviews_dir)
