"""Settings fail fast on values that cannot work; tenant data is read from the tenant files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from notifications.config import NotificationsSettings, load_tenants
from pydantic import ValidationError

REQUIRED: dict[str, Any] = {
    "database_url": "postgresql://postgres@127.0.0.1/x",
    "kafka_bootstrap_servers": "127.0.0.1:9092",
    "gateway_public_key": "pem",
    "smtp_url": "smtp://127.0.0.1:2525",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PORT", "CONSUMER_GROUP", "MAIL_FROM", "PUBLIC_BASE_URL", "SMTP_URL"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_of_the_brief() -> None:
    settings = NotificationsSettings(**REQUIRED)
    assert settings.port == 8004
    assert settings.consumer_group == "notifications"
    assert settings.mail_from == "no-reply@endorsement.example"
    assert settings.public_base_url == "http://127.0.0.1:8000"


def test_the_public_base_url_loses_its_trailing_slash() -> None:
    assert NotificationsSettings(**REQUIRED, public_base_url="https://x.example/").public_base_url == "https://x.example"


@pytest.mark.parametrize(
    "override",
    [
        {"smtp_url": "mail.example.org:25"},
        {"mail_from": "no-reply"},
        {"public_base_url": "/relative"},
        {"smtp_url": None},
    ],
)
def test_unusable_settings_are_refused(override: dict[str, Any]) -> None:
    values = {**REQUIRED, **override}
    values = {k: v for k, v in values.items() if v is not None}
    with pytest.raises(ValidationError):
        NotificationsSettings(**values)


def test_tenants_come_from_the_tenant_files(tenants_dir: Path) -> None:
    itmhca = load_tenants(tenants_dir)["itmhca"]
    assert itmhca.name == "Infant Toddler Mental Health Coalition of Arizona"
    assert itmhca.contact_email == "azendorsement@gmail.com"
    assert itmhca.timezone == "America/Phoenix"


def test_a_tenant_file_without_a_contact_email_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("slug: x\nname: X\n", encoding="utf-8")
    with pytest.raises(ValueError, match="contact_email"):
        load_tenants(tmp_path)


def test_a_tenant_file_with_an_unknown_timezone_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "slug: x\nname: X\ncontact_email: x@x.org\ntimezone: Mars/Olympus\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="timezone"):
        load_tenants(tmp_path)


def test_tenants_say_who_coordinates_and_in_which_languages_they_write(tenants_dir: Path) -> None:
    itmhca = load_tenants(tenants_dir)["itmhca"]
    assert [c.address for c in itmhca.coordinator_recipients] == ["coordinator@itmhca.example"]
    assert itmhca.languages == ("en", "es")
    assert itmhca.default_language == "en"
    assert itmhca.category_name("IMHS") == "Infant Mental Health Specialist"
    assert itmhca.category_name("XYZ") == "XYZ"


def test_a_minimal_tenant_file_writes_in_english_to_its_contact_address(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("slug: x\nname: X\ncontact_email: hi@x.example\n", encoding="utf-8")
    tenant = load_tenants(tmp_path)["x"]
    assert (tenant.languages, tenant.default_language) == (("en",), "en")
    assert [(c.address, c.name) for c in tenant.coordinator_recipients] == [("hi@x.example", "X")]


@pytest.mark.parametrize(
    ("languages", "message"),
    [
        ("languages: [en, es]\ndefault_language: fr\n", "default_language 'fr' is not in languages"),
        ("languages: english\n", "two-letter codes"),
        ("languages: [en, ES]\n", "two-letter codes"),
    ],
)
def test_languages_that_cannot_work_are_refused(tmp_path: Path, languages: str, message: str) -> None:
    (tmp_path / "x.yaml").write_text(f"slug: x\nname: X\ncontact_email: hi@x.example\n{languages}", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_tenants(tmp_path)
