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
