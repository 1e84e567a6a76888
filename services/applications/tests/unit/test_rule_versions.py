"""Rule-set versions switch by date: the version in force is the latest one that started on or before the day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from applications.config import load_tenants
from applications.domain import RuleBook
from applications.domain.errors import NoRuleSetInForce
from applications.rulesets import load_rule_book

CONFIG = Path(__file__).resolve().parents[4] / "config"


@pytest.fixture(scope="module")
def book() -> RuleBook:
    tenants = load_tenants(CONFIG / "tenants")
    rule_book, _ = load_rule_book(CONFIG / "rulesets", {t.slug: t.categories.keys() for t in tenants})
    return rule_book


@pytest.mark.parametrize(("on", "version", "exam"), [
    (date(2015, 1, 1), "itmhca/IMHS/2015-01-01", True),
    (date(2024, 12, 31), "itmhca/IMHS/2023-01-01", True),
    (date(2025, 1, 1), "itmhca/IMHS/2025-01-01", False),
    (date(2030, 6, 1), "itmhca/IMHS/2025-01-01", False),
])
def test_the_imhs_exam_is_dropped_from_2025(book: RuleBook, on: date, version: str, exam: bool) -> None:
    rules = book.in_force("itmhca", "IMHS", on)

    assert (rules.id, rules.exam.required) == (version, exam)


@pytest.mark.parametrize(("category", "before", "after"), [("IMHM-C", 30, 48), ("IMHM-P", 30, 33),
                                                           ("IMHM-R/F", 30, 33)])
def test_mentor_training_hours_change_in_2024(book: RuleBook, category: str, before: int, after: int) -> None:
    assert book.in_force("itmhca", category, date(2023, 12, 31)).training.min_hours == before
    assert book.in_force("itmhca", category, date(2024, 1, 1)).training.min_hours == after


def test_imhm_c_from_2024_needs_15_rsc_provision_and_3_dei_hours(book: RuleBook) -> None:
    training = book.in_force("itmhca", "IMHM-C", date(2024, 1, 1)).training

    assert (training.min_rsc_provision_hours, training.min_dei_hours) == (15, 3)


def test_renewals_need_a_dei_hour_and_12_rsc_hours_from_2023(book: RuleBook) -> None:
    before = book.in_force("itmhca", "IFS", date(2022, 12, 31)).renewal
    after = book.in_force("itmhca", "IFS", date(2023, 1, 1)).renewal

    assert before is not None and after is not None
    assert (before.dei_hours, before.rsc_hours, str(before.due)) == (0, 0, "12-31")
    assert (after.dei_hours, after.rsc_hours, str(after.due), str(after.removal)) == (1, 12, "12-15", "02-01")
    assert (after.fee_cents, after.late_fee_cents) == (2500, 3500)


def test_ifrs_rules_start_in_fall_2022(book: RuleBook) -> None:
    with pytest.raises(NoRuleSetInForce) as refused:
        book.in_force("itmhca", "IFRS", date(2022, 9, 30))

    assert refused.value.code == "NO_RULE_SET_IN_FORCE"
    assert book.in_force("itmhca", "IFRS", date(2022, 10, 1)).training.min_hours == 48


def test_ifs_rsc_providers_change_with_ifrs_and_the_ers_deadline(book: RuleBook) -> None:
    def providers(on: date) -> set[str]:
        rsc = book.in_force("itmhca", "IFS", on).rsc
        assert rsc is not None
        return {p.category + (f"+{p.requires_addon}" if p.requires_addon else "") for p in rsc.eligible_providers}

    assert providers(date(2022, 9, 30)) == {"IMHS", "IMHM-C", "IFS"}
    assert providers(date(2022, 10, 1)) == {"IFRS", "IMHS", "IMHM-C", "IFS"}
    assert providers(date(2025, 1, 1)) == {"IFRS", "IMHS+ERS", "IFS+ERS", "IMHM-C"}


def test_itmhca_fees_by_category(book: RuleBook) -> None:
    fees = {c: book.in_force("itmhca", c, date(2026, 1, 1)).fees for c in ("IFA", "IFS", "IMHS", "IMHM-C")}

    assert {c: (f.registration_cents, f.processing_cents) for c, f in fees.items()} == {
        "IFA": (1500, 2500), "IFS": (2000, 10000), "IMHS": (2500, 20000), "IMHM-C": (2500, 30000)}


def test_unknown_categories_and_templates_are_not_served(book: RuleBook) -> None:
    with pytest.raises(NoRuleSetInForce):
        book.in_force("itmhca", "ECFS", date(2026, 1, 1))
    with pytest.raises(NoRuleSetInForce):
        book.in_force("_alliance", "ECFS", date(2026, 1, 1))


def test_the_ers_add_on_and_emerging_status_are_data(book: RuleBook) -> None:
    ers = book.in_force("itmhca", "ERS", date(2026, 1, 1))
    ifrs = book.in_force("itmhca", "IFRS", date(2026, 1, 1))

    assert ers.prerequisite_categories == ("IFS", "IMHS")
    assert ers.emerging is not None and ers.emerging.years_to_complete == 2
    assert ers.rsc is not None and ers.rsc.min_hours_about_providing_rsc == Decimal(12)
    assert ifrs.emerging is not None and ifrs.emerging.may_provide_rsc_to == ("IFS", "IFRS")
    assert any(a.startswith("emerging: ") for a in ifrs.assumptions)  # every assumed value says so
