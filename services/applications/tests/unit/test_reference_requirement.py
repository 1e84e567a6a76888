"""The REFERENCES requirement: a counted reference per slot, with an endorsed rater among them, each valid for
12 months (365 days, its completion day included) before the date judged."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from applications.domain import Evidence, RuleVersion, check_requirements
from applications.domain.checks.references import check_references
from applications.domain.reference_data import Reference, Vetting, VoidReason
from applications.domain.rules import RaterRole, ReferenceSlot
from reference_builders import satisfying_references
from rule_builders import shipped

ON = date(2026, 3, 1)
IFS = shipped("IFS", ON)
IFA = shipped("IFA", ON)


def judged(references: tuple[Reference, ...], rules: RuleVersion = IFS, on: date = ON) -> tuple[bool, list[str]]:
    [result] = check_references(rules.references, references, on)
    assert result.code == "REFERENCES" and result.tab == "references"
    return result.met, [reason.code for reason in result.reasons]


def completed_on(references: tuple[Reference, ...], day: date) -> tuple[Reference, ...]:
    return tuple(replace(r, answer=replace(r.answer, completed_on=day)) for r in references if r.answer)


def test_three_completed_references_with_an_endorsed_rater_meet_it() -> None:
    [result] = check_references(IFS.references, satisfying_references(IFS, ON), ON)

    assert (result.met, result.reasons) == (True, ())
    assert result.detail == "3 of 3 references complete"
    assert (result.progress.have, result.progress.need, result.progress.unit) == (3, 3, "references")  # type: ignore[union-attr]


@pytest.mark.parametrize(("days_after_completion", "met"), [(0, True), (364, True), (365, False), (400, False)])
def test_a_reference_counts_for_365_days_its_completion_day_included(days_after_completion: int, met: bool) -> None:
    completed = date(2024, 3, 1)
    references = completed_on(satisfying_references(IFS, ON), completed)

    found = judged(references, on=completed + timedelta(days=days_after_completion))

    assert found == (met, [] if met else ["REFERENCE_EXPIRED"] * 3)


def test_the_last_valid_day_of_a_reference_completed_on_1_march_2024_is_28_february_2025() -> None:
    [reference, *_] = completed_on(satisfying_references(IFS, ON), date(2024, 3, 1))

    assert reference.valid_until(IFS.references) == date(2025, 2, 28)


def test_a_reference_completed_after_the_date_judged_does_not_count() -> None:
    references = completed_on(satisfying_references(IFS, ON), ON + timedelta(days=1))

    assert judged(references) == (False, ["REFERENCE_AFTER_DATE"] * 3)


def test_each_missing_pending_or_voided_slot_is_named() -> None:
    first, second, third = satisfying_references(IFS, ON)
    pending = replace(second, answer=None)
    voided = replace(third, void_reason=VoidReason.NOT_ENOUGH_INFORMATION, void_detail="6 items")

    [result] = check_references(IFS.references, (pending, voided), ON)

    assert not result.met
    assert result.detail == "0 of 3 references complete"
    assert [(r.code, r.message.split(":")[0]) for r in result.reasons] == [
        ("REFERENCE_MISSING", "slot 1 (supervisor, teacher, trainer, consultant)"),
        ("REFERENCE_PENDING", "slot 2 (rsc_provider)"),
        ("REFERENCE_VOIDED", "slot 3 (supervisor, trainer, colleague)"),
        ("REFERENCES_NO_ENDORSED_RATER", "at least one rater must be endorsed IFS or higher"),
    ]
    assert first not in (pending, voided)


def test_at_least_one_rater_must_be_endorsed_at_the_rules_level() -> None:
    unendorsed = tuple(replace(r, rater=replace(r.rater, endorsed_category=None))
                       for r in satisfying_references(IFS, ON))
    below = tuple(replace(r, rater=replace(r.rater, endorsed_category="IFA")) for r in unendorsed)
    other_framework = tuple(replace(r, rater=replace(r.rater, endorsed_category="ECMHS")) for r in unendorsed)

    assert judged(unendorsed) == (False, ["REFERENCES_NO_ENDORSED_RATER"])
    assert judged(below) == (False, ["REFERENCES_NO_ENDORSED_RATER"])
    assert judged(other_framework) == (True, [])  # level III in ECMH-E: "IFS or higher" [assumption]


def test_an_unendorsed_rater_in_a_vetting_slot_counts_once_vetted() -> None:
    first, second, third = satisfying_references(IFA, ON)
    unendorsed = replace(second, rater=replace(second.rater, endorsed_category=None), vetting=Vetting.PENDING)

    assert judged((first, unendorsed, third), IFA) == (False, ["REFERENCE_VETTING_PENDING"])
    assert judged((first, replace(unendorsed, vetting=Vetting.APPROVED), third), IFA) == (True, [])


def test_the_rules_judged_decide_even_when_they_changed_after_the_rater_was_named() -> None:
    references = satisfying_references(IFS, ON)
    no_supervisors = replace(IFS, references=replace(IFS.references, slots=(
        ReferenceSlot((RaterRole.TEACHER,)), *IFS.references.slots[1:])))
    stricter = replace(IFS, references=replace(IFS.references, max_not_enough_information=0))
    unknowing = tuple(replace(r, answer=replace(r.answer, not_enough_information=1)) for r in references if r.answer)

    assert judged(references, no_supervisors) == (False, ["REFERENCE_RATER_NOT_ALLOWED"])
    assert judged(unknowing, stricter) == (False, ["REFERENCE_NOT_ENOUGH_INFORMATION"] * 3)


def test_without_reference_slots_there_is_no_reference_requirement() -> None:
    none = replace(IFS, references=replace(IFS.references, slots=()))

    assert check_references(none.references, (), ON) == []


def test_shipped_rule_sets_ask_for_references_in_the_requirement_report() -> None:
    report = check_requirements(Evidence(), IFS, ON)

    assert "REFERENCES" in [r.code for r in report.unmet]
    assert not any(note.startswith("REFERENCES") for note in report.not_checked)
