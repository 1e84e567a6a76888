"""Staff accounts from the tenant files: seeded at start-up, idempotently, following changes to the files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import asyncpg
import pytest
import yaml
from gateway.bootstrap import ConfigurationError, build
from gateway.config import GatewaySettings
from pydantic import ValidationError

from .conftest import COORDINATOR, SEED_PASSWORD, TENANTS_DIR, Gateway, MakeGateway

REVIEWER = "{email: reviewer@itmhca.example, name: A Reviewer, roles: [reviewer]}"


async def accounts(database_url: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetch(
            "SELECT id, email, name, roles, seeded, disabled_at FROM gateway.accounts ORDER BY email")
    finally:
        await conn.close()


def tenant_dir_with(tmp_path: Path, staff_yaml: str) -> Path:
    directory = tmp_path / "tenants"
    directory.mkdir(exist_ok=True)
    text = (TENANTS_DIR / "itmhca.yaml").read_text()
    head, _, _ = text.partition("\nstaff:")
    (directory / "itmhca.yaml").write_text(head + "\nstaff:\n" + staff_yaml)
    return directory


async def test_the_coordinator_is_seeded_and_can_log_in(gateway: Gateway) -> None:
    login = await gateway.client.post("/auth/login", json={"tenant": "itmhca", "email": COORDINATOR,
                                                           "password": SEED_PASSWORD})
    assert login.status_code == 200
    assert login.json()["account"]["roles"] == ["coordinator"]
    assert login.json()["account"]["name"] == "ITMHCA Endorsement Coordinator"


async def test_seeding_twice_changes_nothing(make_gateway: MakeGateway, database_url: str) -> None:
    await make_gateway()
    first = await accounts(database_url)
    await make_gateway()
    assert await accounts(database_url) == first
    staff = yaml.safe_load((TENANTS_DIR / "itmhca.yaml").read_text())["staff"]
    assert sorted(row["email"] for row in first) == sorted(person["email"] for person in staff)
    assert COORDINATOR in [row["email"] for row in first]


async def test_file_changes_update_disable_and_reenable_staff(
    make_gateway: MakeGateway, database_url: str, tmp_path: Path
) -> None:
    first = await make_gateway(tenants_dir=TENANTS_DIR)
    token = await first.log_in(COORDINATOR, SEED_PASSWORD)
    before = await accounts(database_url)

    renamed = f"{{email: {COORDINATOR}, name: New Name, roles: [coordinator, reviewer]}}"
    changed = tenant_dir_with(tmp_path, f"  - {renamed}\n  - {REVIEWER}\n")
    second = await make_gateway(tenants_dir=changed, gateway_seed_password="another-seed-password")
    rows = {row["email"]: row for row in await accounts(database_url)}
    assert rows[COORDINATOR]["id"] == before[0]["id"]
    assert rows[COORDINATOR]["name"] == "New Name"
    assert sorted(rows[COORDINATOR]["roles"]) == ["coordinator", "reviewer"]
    assert rows["reviewer@itmhca.example"]["roles"] == ["reviewer"]
    me = await second.client.get("/auth/me", headers={"authorization": f"Bearer {token}"})
    assert me.json()["roles"] == ["coordinator", "reviewer"]  # roles follow the file at once
    await second.log_in(COORDINATOR, SEED_PASSWORD)  # an existing account keeps its password
    await second.log_in("reviewer@itmhca.example", "another-seed-password")

    removed = tenant_dir_with(tmp_path, f"  - {REVIEWER}\n")
    third = await make_gateway(tenants_dir=removed)
    assert (await third.client.get("/auth/me", headers={"authorization": f"Bearer {token}"})).status_code == 401
    refused = await third.client.post("/auth/login", json={"tenant": "itmhca", "email": COORDINATOR,
                                                           "password": SEED_PASSWORD})
    assert refused.status_code == 401
    assert refused.json()["code"] == "INVALID_CREDENTIALS"

    fourth = await make_gateway(tenants_dir=TENANTS_DIR)
    await fourth.log_in(COORDINATOR, SEED_PASSWORD)


async def test_a_self_registered_account_is_never_promoted(
    make_gateway: MakeGateway, database_url: str, tmp_path: Path
) -> None:
    gateway = await make_gateway()
    await gateway.sign_up("newstaff@itmhca.example", "attacker password")
    listed = tenant_dir_with(tmp_path, "  - {email: newstaff@itmhca.example, name: New Staff, roles: [coordinator]}\n")
    await make_gateway(tenants_dir=listed)
    rows = {row["email"]: row for row in await accounts(database_url)}
    assert rows["newstaff@itmhca.example"]["roles"] == ["applicant"]
    assert rows["newstaff@itmhca.example"]["seeded"] is False


def test_staff_in_the_files_require_a_seed_password(
    settings_for: Callable[..., GatewaySettings], tmp_path: Path
) -> None:
    make_settings = settings_for
    with pytest.raises(ConfigurationError, match="GATEWAY_SEED_PASSWORD"):
        build(make_settings(gateway_seed_password=None))
    no_staff = tmp_path / "no-staff"
    no_staff.mkdir()
    shutil.copy(TENANTS_DIR / "itmhca.yaml", no_staff / "itmhca.yaml")
    text = (no_staff / "itmhca.yaml").read_text().partition("\nstaff:")[0]
    (no_staff / "itmhca.yaml").write_text(text)
    build(make_settings(gateway_seed_password=None, tenants_dir=no_staff))
    with pytest.raises(ValidationError, match="at least 12"):
        make_settings(gateway_seed_password="short")
