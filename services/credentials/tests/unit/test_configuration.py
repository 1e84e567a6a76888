"""Tenant data and signing keys: every tenant needs a key, and a bad configuration stops the start."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from credentials.adapters.keyring import build_issuer_directory
from credentials.bootstrap import build
from credentials.config import ConfigurationError, CredentialsSettings, TenantProfile, load_tenants
from credentials.vc.did import assertion_keys
from pydantic import SecretStr

from .conftest import BASE_URL, NEW_KEY, OLD_KEY, TENANTS_DIR

SECRET_SEED = "a1" * 32


def test_the_tenant_profile_carries_what_credentials_show(tenants: dict[str, TenantProfile]) -> None:
    itmhca = tenants["itmhca"]
    assert itmhca.issuer_name == "Infant Toddler Mental Health Coalition of Arizona"
    assert itmhca.endorsement_name("Infant Family Specialist") == "Infant Family Specialist Endorsement® (IMH-E®)"
    assert itmhca.timezone.key == "America/Phoenix"
    assert "IMHM-R/F" in itmhca.categories
    assert itmhca.description is not None and itmhca.criteria is not None


def test_a_tenant_without_a_key_stops_the_start(tenants: dict[str, TenantProfile]) -> None:
    with pytest.raises(ConfigurationError, match="no key for tenant 'itmhca'"):
        build_issuer_directory(tenants, {"other": [SECRET_SEED]}, BASE_URL)


@pytest.mark.parametrize(
    ("seeds", "message"),
    [(["abcd"], "32 bytes"), (["not hex"], "hex or base58btc"), ([SECRET_SEED, SECRET_SEED], "twice")],
)
def test_unusable_keys_stop_the_start_without_revealing_them(
    tenants: dict[str, TenantProfile], seeds: list[str], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message) as refused:
        build_issuer_directory(tenants, {"itmhca": seeds}, BASE_URL)
    assert SECRET_SEED not in str(refused.value)


def test_every_key_is_published_and_the_newest_signs(tenants: dict[str, TenantProfile]) -> None:
    directory = build_issuer_directory(tenants, {"itmhca": [OLD_KEY.seed.hex(), NEW_KEY.private_key_multibase]},
                                       BASE_URL)
    issuer = directory.get("itmhca")
    assert issuer is not None
    assert issuer.did == "did:web:verify.example.org:tenants:itmhca"
    assert issuer.signing_key.public_key_multibase == NEW_KEY.public_key_multibase
    assert issuer.verification_method == f"{issuer.did}#{NEW_KEY.public_key_multibase}"
    published = assertion_keys(issuer.did_document)
    assert list(published.values()) == [NEW_KEY.public_key_multibase, OLD_KEY.public_key_multibase]
    assert directory.resolve(issuer.did) == published
    assert directory.resolve("did:web:elsewhere.example:tenants:itmhca") is None
    assert directory.get("nowhere") is None


def test_signing_keys_are_read_from_json_in_the_environment_and_kept_out_of_reprs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CREDENTIALS_SIGNING_KEYS", json.dumps({"itmhca": [SECRET_SEED]}))
    settings = CredentialsSettings(database_url="postgresql://x/y", kafka_bootstrap_servers="k:9092",
                                   gateway_public_key="pem")
    assert settings.credentials_signing_keys == {"itmhca": [SecretStr(SECRET_SEED)]}
    assert settings.port == 8003
    assert settings.public_base_url == "http://127.0.0.1:8000"
    assert SECRET_SEED not in repr(settings)


def test_build_refuses_a_missing_key_before_touching_any_engine() -> None:
    settings = CredentialsSettings(
        database_url="postgresql://nobody@127.0.0.1:1/none", kafka_bootstrap_servers="127.0.0.1:1",
        gateway_public_key="pem", tenants_dir=str(TENANTS_DIR), credentials_signing_keys={},
    )
    with pytest.raises(ConfigurationError, match="no key for tenant 'itmhca'"):
        build(settings)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("slug: x\nname: X\n", "x.yaml: invalid tenant data: timezone: Field required; categories: Field required"),
        ("slug: x\nname: X\ntimezone: Mars/Olympus\ncategories: {A: a}\n", "invalid tenant data: timezone: .*'Mars"),
        ("slug: x\nname: X\ntimezone: UTC\ncategories: {A: a}\ncredentials: {endorsement_name_template: '{x}'}\n",
         "invalid tenant data: credentials.endorsement_name_template: .*category_name"),
        (": : :", "x.yaml: cannot read tenant data: expected <block end>"),
        ("slug: y\nname: X\ntimezone: UTC\ncategories: {A: a}\n", "slug 'y' does not match the file name"),
    ],
)
def test_unusable_tenant_files_stop_the_start(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "x.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message):
        load_tenants(tmp_path)


def test_a_directory_without_tenants_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="no tenant files"):
        load_tenants(tmp_path)


def test_the_process_exits_with_the_reason_when_a_tenant_has_no_key() -> None:
    env = {
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
        "GATEWAY_PUBLIC_KEY": "pem",
        "TENANTS_DIR": str(TENANTS_DIR),
        "CREDENTIALS_SIGNING_KEYS": json.dumps({"itmhca": SECRET_SEED}),  # not a list
    }
    finished = subprocess.run([sys.executable, "-m", "credentials"], env=env, capture_output=True, text=True,
                              timeout=60, check=False)
    assert finished.returncode == 1
    assert "credentials_signing_keys.itmhca" in finished.stderr
    assert SECRET_SEED not in finished.stderr + finished.stdout
