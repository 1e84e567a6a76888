"""Settings and tenant files: what the gateway refuses to start with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from gateway.config import GatewaySettings
from gateway.tenants import TenantConfigError, load_tenants
from pydantic import ValidationError
from servicekit.identity import generate_key_pair

REPO_TENANTS = Path(__file__).resolve().parents[4] / "config" / "tenants"
PRIVATE_PEM, _ = generate_key_pair()


def settings(**values: Any) -> GatewaySettings:
    base: dict[str, Any] = {"database_url": "postgresql://gw@127.0.0.1/gw", "gateway_signing_key": PRIVATE_PEM,
                            "kafka_bootstrap_servers": "127.0.0.1:9092"}
    return GatewaySettings(**{**base, **values})


def test_defaults_follow_the_platform_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PORT", "SESSION_TTL_HOURS", "APPLICATIONS_URL", "TENANTS_DIR", "PORTAL_URL",
                 "REQUIRE_VERIFIED_EMAIL", "PUBLIC_BASE_URL", "TRUSTED_PROXIES",
                 "LOGIN_MAX_FAILURES_PER_ACCOUNT", "LOGIN_MAX_FAILURES_PER_ADDRESS", "LOGIN_FAILURE_WINDOW_MINUTES"):
        monkeypatch.delenv(name, raising=False)
    configured = settings()
    assert configured.port == 8000
    assert configured.session_ttl_hours == 12
    assert configured.upstream_urls() == {
        "applications": "http://127.0.0.1:8001", "reviews": "http://127.0.0.1:8002",
        "credentials": "http://127.0.0.1:8003", "notifications": "http://127.0.0.1:8004",
    }
    assert configured.tenants_dir == Path("config/tenants")
    assert configured.portal_url == "http://127.0.0.1:8005"
    assert configured.require_verified_email is True
    assert configured.public_base_url == "http://127.0.0.1:8000"
    assert configured.trusted_proxy_networks() == ()  # nobody's X-Forwarded-For is believed unless configured
    assert (configured.login_max_failures_per_account, configured.login_max_failures_per_address,
            configured.login_failure_window_minutes) == (10, 30, 5)


def test_a_key_with_escaped_newlines_is_accepted() -> None:
    escaped = PRIVATE_PEM.strip().replace("\n", "\\n")
    assert settings(gateway_signing_key=escaped).gateway_signing_key.get_secret_value().strip() == PRIVATE_PEM.strip()


@pytest.mark.parametrize("values", [
    {"gateway_signing_key": "not a key"},
    {"gateway_signing_key": generate_private_key(SECP256R1()).private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()},
    {"gateway_seed_password": "eleven-char"},
    {"database_url": "mysql://db/gw"},
    {"reviews_url": "ftp://reviews"},
    {"session_ttl_hours": 0},
    {"kafka_bootstrap_servers": " , "},
    {"portal_url": "portal:8005"},
    {"trusted_proxies": "10.0.0.0/8, proxy.example"},
])
def test_unsafe_or_malformed_settings_are_refused(values: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        settings(**values)


def test_secrets_do_not_appear_in_errors() -> None:
    with pytest.raises(ValidationError) as raised:
        settings(gateway_seed_password="secret-ish")
    assert "secret-ish" not in str(raised.value)


def test_the_repository_tenant_files_load() -> None:
    tenants = load_tenants(REPO_TENANTS)
    itmhca = tenants.get("itmhca")
    assert itmhca is not None
    assert itmhca.staff[0].email == "coordinator@itmhca.example"
    assert itmhca.staff[0].roles == frozenset({"coordinator"})
    assert tenants.lists_staff


def write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize(("name", "text", "complaint"), [
    ("other.yaml", "slug: itmhca\nname: X\n", "must match the file name"),
    ("bad.yaml", "slug: bad\nname: [unclosed\n", "bad.yaml"),
    ("nameless.yaml", "slug: nameless\n", "name"),
    ("dup.yaml", "slug: dup\nname: D\nstaff:\n  - {email: a@d.org, name: A, roles: [coordinator]}\n"
                 "  - {email: A@D.org, name: B, roles: [reviewer]}\n", "listed twice"),
    ("roles.yaml", "slug: roles\nname: R\nstaff:\n  - {email: a@r.org, name: A, roles: []}\n", "roles"),
    ("mail.yaml", "slug: mail\nname: M\nstaff:\n  - {email: not-mail, name: A, roles: [coordinator]}\n", "email"),
])
def test_broken_tenant_files_stop_start_up(tmp_path: Path, name: str, text: str, complaint: str) -> None:
    with pytest.raises(TenantConfigError, match=complaint):
        load_tenants(write(tmp_path, name, text))


def test_a_missing_or_empty_tenant_directory_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(TenantConfigError, match="does not exist"):
        load_tenants(tmp_path / "absent")
    with pytest.raises(TenantConfigError, match="no tenant files"):
        load_tenants(tmp_path)


def test_the_rater_index_key_is_required_in_production_and_derived_in_development(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import base64
    import hashlib

    from servicekit.settings import MissingRaterIndexKeyError

    for name in ("RATER_INDEX_KEY", "ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(MissingRaterIndexKeyError, match="RATER_INDEX_KEY is required"):
        settings().rater_index_key_bytes()
    fixed = hashlib.sha256(b"endorsement development rater index key").digest()  # what applications mirrors
    assert settings(environment="development").rater_index_key_bytes() == fixed
    assert settings(environment="test").rater_index_key_bytes() == fixed
    key = bytes(range(32))
    assert settings(rater_index_key=base64.b64encode(key).decode()).rater_index_key_bytes() == key
    with pytest.raises(ValidationError, match="RATER_INDEX_KEY"):
        settings(rater_index_key=base64.b64encode(bytes(31)).decode())


def test_the_master_key_and_the_unseal_callers_are_required_in_production_and_derived_in_development(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from servicekit.service_identity import public_key_text
    from servicekit.settings import MissingMasterKey, MissingServiceIdentity

    for name in ("PERSONAL_DATA_MASTER_KEY", "SERVICE_PUBLIC_KEYS", "ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(MissingMasterKey, match="PERSONAL_DATA_MASTER_KEY is required"):
        settings().master_key()
    with pytest.raises(MissingServiceIdentity, match="SERVICE_PUBLIC_KEYS is required"):
        settings().peer_public_keys()
    derived = settings(environment="test").master_key()
    assert len(derived) == 32 and derived == settings(environment="development").master_key(), "one per database"
    assert derived != settings(environment="test", database_url="postgresql://gw@127.0.0.1/other").master_key()
    assert settings(environment="test").peer_public_keys() == {}
    key = bytes(range(32))
    assert settings(personal_data_master_key=base64.b64encode(key).decode()).master_key() == key
    caller = Ed25519PrivateKey.generate()
    peers = settings(service_public_keys=f"notifications={public_key_text(caller)}").peer_public_keys()
    assert list(peers) == ["notifications"]
    assert peers["notifications"].public_bytes_raw() == caller.public_key().public_bytes_raw()
    with pytest.raises(ValidationError, match="PERSONAL_DATA_MASTER_KEY"):
        settings(personal_data_master_key=base64.b64encode(bytes(31)).decode())
    with pytest.raises(ValidationError, match="SERVICE_PUBLIC_KEYS"):
        settings(service_public_keys="notifications")
