"""The tenant-file reader: one extension rule, the service's model, slug = file name, one error naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field
from servicekit.tenant_files import TenantFileError, read_tenant_file, read_tenant_files, tenant_file_paths

REPO_TENANTS = Path(__file__).resolve().parents[3] / "config" / "tenants"
SECRET = "s3cr3t-Value-never-echoed"


class Section(BaseModel):
    """A service's own model: the parts it reads; other services' sections are ignored."""

    model_config = ConfigDict(extra="ignore")

    slug: str = Field(pattern=r"^[a-z][a-z0-9-]{1,39}$")
    name: str
    contact_email: str = Field(pattern=r"^[^@]+@[^@]+$")


class ServiceError(TenantFileError):
    """What a service raises: still a TenantFileError."""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_repository_tenant_files_read_with_a_services_model() -> None:
    tenants = read_tenant_files(REPO_TENANTS, Section)
    assert tenants["itmhca"].contact_email == "azendorsement@gmail.com"


def test_yaml_and_yml_files_are_tenant_files_in_name_order_and_nothing_else_is(tmp_path: Path) -> None:
    write(tmp_path, "zeta.yml", "slug: zeta\nname: Z\ncontact_email: z@z.org\n")
    write(tmp_path, "alpha.yaml", "slug: alpha\nname: A\ncontact_email: a@a.org\n")
    write(tmp_path, "notes.txt", "not a tenant")
    write(tmp_path, "beta.yaml.bak", "slug: [broken")
    (tmp_path / "gamma.yaml").mkdir()

    tenants = read_tenant_files(tmp_path, Section)

    assert list(tenants) == ["alpha", "zeta"]
    assert tenants["zeta"] == Section(slug="zeta", name="Z", contact_email="z@z.org")
    assert [path.name for path in tenant_file_paths(tmp_path)] == ["alpha.yaml", "zeta.yml"]


def test_a_slug_must_equal_its_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, "alpha.yaml", "slug: beta\nname: A\ncontact_email: a@a.org\n")
    with pytest.raises(TenantFileError) as failed:
        read_tenant_files(tmp_path, Section)
    assert str(failed.value) == (f"{path}: slug 'beta' does not match the file name; a tenant file's slug must match "
                                 "the file name, here 'alpha'")


def test_one_tenant_in_two_files_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "alpha.yaml", "slug: alpha\nname: A\ncontact_email: a@a.org\n")
    second = write(tmp_path, "alpha.yml", "slug: alpha\nname: A2\ncontact_email: a@a.org\n")
    with pytest.raises(TenantFileError, match="tenant 'alpha' is defined twice") as failed:
        read_tenant_files(tmp_path, Section)
    assert str(failed.value).startswith(f"{second}: ")


def test_an_invalid_file_names_the_file_and_each_field_but_no_value(tmp_path: Path) -> None:
    path = write(tmp_path, "alpha.yaml", f"slug: alpha\ncontact_email: {SECRET}\n")
    with pytest.raises(ServiceError) as failed:
        read_tenant_files(tmp_path, Section, error=ServiceError)
    message = str(failed.value)
    assert message.startswith(f"{path}: invalid tenant data: ")
    assert "name: Field required" in message and "contact_email: String should match pattern" in message
    assert SECRET not in message
    assert failed.value.__cause__ is None and failed.value.__suppress_context__  # no chained input either


def test_a_file_that_is_not_yaml_names_where_but_does_not_quote_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "alpha.yaml", f"slug: alpha\npassword: [{SECRET}\n")
    with pytest.raises(TenantFileError) as failed:
        read_tenant_files(tmp_path, Section)
    message = str(failed.value)
    assert message.startswith(f"{path}: cannot read tenant data: ")
    assert "line 3, column 1" in message
    assert SECRET not in message
    assert failed.value.__cause__ is None and failed.value.__suppress_context__


def test_a_file_that_is_not_a_mapping_is_invalid(tmp_path: Path) -> None:
    write(tmp_path, "alpha.yaml", "- just\n- a list\n")
    with pytest.raises(TenantFileError, match=r"alpha\.yaml: invalid tenant data: <file>: Input should be"):
        read_tenant_files(tmp_path, Section)


def test_a_file_that_is_not_utf8_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "alpha.yaml"
    path.write_bytes(b"slug: alpha\nname: \xff\n")
    with pytest.raises(TenantFileError, match=r"alpha\.yaml: cannot read tenant data: 'utf-8' codec"):
        read_tenant_file(path, Section)


def test_a_missing_or_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ServiceError, match=f"tenant directory {tmp_path / 'nope'} does not exist"):
        read_tenant_files(tmp_path / "nope", Section, error=ServiceError)
    write(tmp_path, "readme.md", "no tenants here")
    with pytest.raises(TenantFileError, match=r"no tenant files \(\*.yaml, \*.yml\) in "):
        read_tenant_files(tmp_path, Section)


def test_a_model_without_a_slug_is_a_programming_error(tmp_path: Path) -> None:
    class Nameless(BaseModel):
        name: str

    path = write(tmp_path, "alpha.yaml", "slug: alpha\nname: A\n")
    with pytest.raises(TypeError, match="Nameless must have a `slug: str` field"):
        read_tenant_file(path, Nameless)
