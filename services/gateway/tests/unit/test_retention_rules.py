"""Retention (docs/erasure.md, "Legal holds and retention"): the inactivity rule and the tenant files' `erasure:`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from gateway.application.retention import inactivity_rules
from gateway.domain.retention import InactivityRule, RegisterRetentionRule, is_applicant_account, last_activity
from gateway.tenants import TenantConfigError, load_tenants

REPO_TENANTS = Path(__file__).resolve().parents[4] / "config" / "tenants"
NOW = datetime(2033, 3, 2, 9, 0, tzinfo=UTC)
APPLICANT = frozenset({"applicant"})


def test_an_applicant_inactive_for_longer_than_the_limit_is_due_and_no_one_else_is() -> None:
    rule = InactivityRule("itmhca", 7)
    assert rule.cutoff(NOW) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    long_ago = rule.cutoff(NOW) - timedelta(seconds=1)
    assert rule.is_due(roles=APPLICANT, seeded=False, last_active_at=long_ago, now=NOW)
    assert not rule.is_due(roles=APPLICANT, seeded=False, last_active_at=rule.cutoff(NOW), now=NOW)
    assert not rule.is_due(roles=frozenset({"coordinator"}), seeded=True, last_active_at=long_ago, now=NOW)
    assert not rule.is_due(roles=frozenset({"applicant", "reviewer"}), seeded=False, last_active_at=long_ago, now=NOW)
    assert not rule.is_due(roles=APPLICANT, seeded=True, last_active_at=long_ago, now=NOW)
    assert rule.reason == "retention: inactive for 7 years"


def test_the_limit_counts_calendar_years_and_a_29_february_becomes_the_28th() -> None:
    leap_day = datetime(2028, 2, 29, 12, 0, tzinfo=UTC)
    assert InactivityRule("t", 1).cutoff(leap_day) == datetime(2027, 2, 28, 12, 0, tzinfo=UTC)
    assert InactivityRule("t", 4).cutoff(leap_day) == datetime(2024, 2, 29, 12, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="positive"):
        InactivityRule("t", 0)


def test_activity_is_the_latest_of_sign_up_change_and_sign_in() -> None:
    created = datetime(2026, 1, 1, tzinfo=UTC)
    assert last_activity(created, created, None) == created
    assert last_activity(created, created + timedelta(days=3), created + timedelta(days=2)) == created + timedelta(3)
    assert last_activity(created, created, created + timedelta(days=9)) == created + timedelta(days=9)
    assert is_applicant_account(APPLICANT, seeded=False)
    assert not is_applicant_account(frozenset({"scorer"}), seeded=False)


def write_tenant(tmp_path: Path, erasure: object) -> Path:
    data = yaml.safe_load((REPO_TENANTS / "itmhca.yaml").read_text())
    if erasure is None:
        data.pop("erasure", None)
    else:
        data["erasure"] = erasure
    (tmp_path / "itmhca.yaml").write_text(yaml.safe_dump(data))
    return tmp_path


def test_itmhca_sets_an_inactivity_limit_and_a_tenant_without_one_erases_nobody(tmp_path: Path) -> None:
    assert inactivity_rules(load_tenants(REPO_TENANTS)) == [InactivityRule("itmhca", 7)]
    assert "assumption" in (REPO_TENANTS / "itmhca.yaml").read_text().split("\nerasure:", 1)[1]
    assert inactivity_rules(load_tenants(write_tenant(tmp_path, None))) == []
    assert inactivity_rules(load_tenants(write_tenant(tmp_path, {}))) == []
    assert inactivity_rules(load_tenants(write_tenant(tmp_path, {"inactive_account_years": None}))) == []


@pytest.mark.parametrize(("erasure", "message"), [
    ({"inactive_account_years": 0}, "greater than or equal to 1"),
    ({"inactive_account_years": -3}, "greater than or equal to 1"),
    ({"inactive_account_years": "7"}, "valid integer"),
    ({"inactive_account_years": 7.5}, "valid integer"),
    ({"inactive_account_years": True}, "valid integer"),
    ({"inactive_acount_years": 7}, "inactive_acount_years"),
    ({"register_retention_years": 0}, "greater than or equal to 1"),
    ({"register_retention_years": 101}, "less than or equal to 100"),
    ({"register_retention_years": "10"}, "valid integer"),
])
def test_a_bad_erasure_section_stops_start_up(tmp_path: Path, erasure: object, message: str) -> None:
    with pytest.raises(TenantConfigError, match=message):
        load_tenants(write_tenant(tmp_path, erasure))


def test_a_tenant_file_may_set_the_register_retention_that_reviews_applies(tmp_path: Path) -> None:
    tenants = load_tenants(write_tenant(tmp_path, {"inactive_account_years": 7, "register_retention_years": 10}))
    tenant = tenants.get("itmhca")
    assert tenant is not None and tenant.erasure.register_retention_years == 10
    assert inactivity_rules(tenants) == [InactivityRule("itmhca", 7)], "the inactivity job is unchanged"


def test_register_retention_erases_an_applicants_account_and_never_a_staff_account() -> None:
    rule = RegisterRetentionRule("itmhca", 10)
    assert rule.is_due(roles=APPLICANT, seeded=False, last_active_at=NOW, now=NOW), "reviews decided the period"
    assert not rule.is_due(roles=frozenset({"coordinator"}), seeded=True, last_active_at=NOW, now=NOW)
    assert not rule.is_due(roles=frozenset({"applicant", "reviewer"}), seeded=False, last_active_at=NOW, now=NOW)
    assert not rule.is_due(roles=APPLICANT, seeded=True, last_active_at=NOW, now=NOW)
    assert rule.reason == "retention: register entry ended over 10 years ago"
    with pytest.raises(ValueError, match="positive"):
        RegisterRetentionRule("itmhca", 0)
