"""Given/when/then for register retention's rules (docs/erasure.md, "Legal holds and retention"): the tenant file's
`erasure.register_retention_years`, counting years, and when a holder's last endorsement ended. The sweep, the
stored decision and the published `ErasureDue` run on the real engines: tests/integration/test_register_retention.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from reviews.config import TenantDataError, load_tenants
from reviews.domain.endorsement import Endorsement
from reviews.domain.retention import last_ended_on, register_retention_id, retention_ran_out, years_before

from .test_config import write
from .test_endorsement import COORDINATOR, TERMS, granted


def with_erasure_section(folder: Path, section: str) -> Path:
    write(folder)
    path = folder / "test-assoc.yaml"
    path.write_text(path.read_text() + f"erasure:\n{section}")
    return folder


def test_the_tenant_file_sets_how_many_years_the_register_keeps_an_ended_entry(tmp_path: Path) -> None:
    folder = with_erasure_section(tmp_path, "  inactive_account_years: 7\n  register_retention_years: 10\n")
    tenant = load_tenants(folder).get("test-assoc")
    assert tenant is not None and tenant.register_retention_years == 10  # the gateway's own keys are its to check


def test_left_out_the_register_keeps_entries_for_ever(tmp_path: Path) -> None:
    write(tmp_path)
    tenant = load_tenants(tmp_path).get("test-assoc")
    assert tenant is not None and tenant.register_retention_years is None
    shipped = load_tenants(Path(__file__).resolve().parents[4] / "config" / "tenants").get("itmhca")
    assert shipped is not None and shipped.register_retention_years is None  # ITMHCA sets none (no source yet)


@pytest.mark.parametrize("value", ["0", "-3", "101", '"7"', "7.5", "true"])
def test_a_retention_that_is_not_a_whole_number_of_years_from_1_to_100_refuses_to_start(tmp_path: Path,
                                                                                       value: str) -> None:
    folder = with_erasure_section(tmp_path, f"  register_retention_years: {value}\n")
    with pytest.raises(TenantDataError, match=r"erasure\.register_retention_years"):
        load_tenants(folder)


def test_years_are_calendar_years_and_29_february_counts_as_28() -> None:
    assert years_before(date(2036, 3, 1), 10) == date(2026, 3, 1)
    assert years_before(date(2028, 2, 29), 10) == date(2018, 2, 28)


def test_the_retention_runs_out_the_day_after_the_same_date_that_many_years_later() -> None:
    ended = date(2026, 3, 2)
    assert not retention_ran_out(ended, today=date(2036, 3, 2), years=10)
    assert retention_ran_out(ended, today=date(2036, 3, 3), years=10)


def lapsed(on: date) -> Endorsement:
    endorsement = granted()
    endorsement.lapse(on)
    return endorsement


def test_a_holder_ended_on_their_latest_lapse_or_revocation_and_not_while_one_is_in_force() -> None:
    first, second = lapsed(date(2027, 2, 2)), granted()
    second.revoke(COORDINATOR, today=date(2026, 5, 1), reason="Falsified hours")
    assert last_ended_on([first, second]) == date(2027, 2, 2)
    first.revoke(COORDINATOR, today=date(2029, 1, 1), reason="Misconduct")  # the lapsed entry changed again
    assert last_ended_on([first, second]) == date(2029, 1, 1)
    assert last_ended_on([first, second, granted()]) is None  # one in force
    back = lapsed(date(2027, 2, 2))
    back.reinstate(COORDINATOR, today=date(2027, 3, 1), terms=TERMS)
    assert back.ended_on is None and last_ended_on([back]) is None  # a reinstatement puts the holder back in force
    assert last_ended_on([]) is None


def test_one_decision_per_association_and_holder() -> None:
    subject = "account:00000000-0000-4000-8000-000000000001"
    assert register_retention_id("itmhca", subject) == register_retention_id("itmhca", subject)
    assert register_retention_id("other", subject) != register_retention_id("itmhca", subject)
