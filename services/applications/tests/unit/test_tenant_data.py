"""The tenant loader: the real files load, and a bad file stops the service from starting."""

from __future__ import annotations

from pathlib import Path

import pytest
from applications.config import TenantDataError, load_tenants

REPO_TENANTS = Path(__file__).resolve().parents[4] / "config" / "tenants"

SECOND_TENANT = """
slug: lakes-aimh
name: Great Lakes Association for Infant Mental Health
categories:
  ECFA: Early Childhood Family Associate
  ECMHS: Early Childhood Mental Health Specialist
review:
  reviewers_per_case: 2
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_repository_tenant_files_load() -> None:
    catalog = load_tenants(REPO_TENANTS)

    itmhca = catalog.get("itmhca")
    assert itmhca is not None
    assert itmhca.offer.name_of("IFS") == "Infant Family Specialist"
    assert itmhca.offer.name_of("IMHM-R/F") == "Infant Mental Health Mentor - Research/Faculty"


def test_a_second_tenant_file_is_picked_up_with_its_own_categories(tmp_path: Path) -> None:
    write(tmp_path, "itmhca.yaml", (REPO_TENANTS / "itmhca.yaml").read_text(encoding="utf-8"))
    write(tmp_path, "lakes-aimh.yaml", SECOND_TENANT)

    catalog = load_tenants(tmp_path)

    assert len(catalog) == 2
    lakes = catalog.get("lakes-aimh")
    assert lakes is not None
    assert dict(lakes.categories) == {"ECFA": "Early Childhood Family Associate",
                                      "ECMHS": "Early Childhood Mental Health Specialist"}
    assert catalog.get("nowhere") is None


@pytest.mark.parametrize(("text", "complaint"), [
    ("slug: lakes-aimh\nname: Lakes\n", "categories"),
    ("slug: lakes-aimh\nname: Lakes\ncategories: {}\n", "categories"),
    ("slug: lakes-aimh\nname: Lakes\ncategories:\n  ifa: lower case\n", "categories"),
    ("slug: lakes-aimh\nname: Lakes\ncategories:\n  IFA: ''\n", "IFA"),
    ("slug: Lakes_AIMH\nname: Lakes\ncategories:\n  IFA: Associate\n", "slug"),
    ("slug: other\nname: Lakes\ncategories:\n  IFA: Associate\n", "file name"),
    ("- just\n- a list\n", "invalid"),
    ("slug: [unclosed\n", "cannot read"),
])
def test_an_invalid_tenant_file_fails_fast_naming_the_file(tmp_path: Path, text: str, complaint: str) -> None:
    bad = write(tmp_path, "lakes-aimh.yaml", text)

    with pytest.raises(TenantDataError) as failed:
        load_tenants(tmp_path)

    assert str(bad) in str(failed.value)
    assert complaint in str(failed.value)


def test_a_missing_or_empty_tenant_directory_fails_fast(tmp_path: Path) -> None:
    with pytest.raises(TenantDataError, match="does not exist"):
        load_tenants(tmp_path / "nope")
    with pytest.raises(TenantDataError, match="no tenant files"):
        load_tenants(tmp_path)
