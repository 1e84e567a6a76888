"""What the portal reads besides the forms: reasons' parameters, names in Spanish, references' states for people,
`If-Match` parsing and the catalogue's tabs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from applications.domain import Evidence, RuleBook, check_requirements
from applications.domain.reference_data import Answer, LinkRequest, Rater, Reference, VoidReason
from applications.domain.rules import DEFAULT_RATING_SCALE, NOT_ENOUGH_INFORMATION, RaterRole
from applications.entrypoints.dependencies import expected_versions
from applications.rulesets import load_rule_set
from applications.rulesets.competencies import load_competencies
from applications.use_cases.catalogue import TAB_ORDER, competency_list, offered_categories, tabs_of

RULESETS = Path(__file__).resolve().parents[4] / "config" / "rulesets"
ON = date(2026, 3, 1)
IFS = load_rule_set(RULESETS / "itmhca" / "IFS.yaml", "itmhca")


def test_unmet_reasons_carry_the_numbers_they_mention() -> None:
    report = check_requirements(Evidence(), IFS.in_force(ON), ON)
    reasons = {reason.code: reason for result in report.results for reason in result.reasons}
    assert reasons["RSC_HOURS_SHORT"].params == {"have": 0.0, "need": 24.0, "window_months": 24}
    assert reasons["TRAINING_HOURS_SHORT"].params["have"] == 0.0
    assert reasons["WORK_YEARS_SHORT"].params["need_days"] == 730
    assert reasons["FEE_NOT_RECORDED"].params["currency"] == "USD"


def test_competencies_and_the_scale_have_spanish_names_with_english_as_the_fallback() -> None:
    framework = load_competencies(RULESETS / "competencies.yaml", ValueError)
    assert framework.name_of("thinking", "es") == "Pensamiento"
    assert framework.name_of("th_solving_problems") == "Solving problems"
    assert framework.name_of("th_solving_problems", "fr") == "Solving problems"
    assert all(es != "" for *_, es in competency_list(framework))
    assert DEFAULT_RATING_SCALE[0].label_in("es") == "Totalmente de acuerdo"
    assert NOT_ENOUGH_INFORMATION.label_in("de") == NOT_ENOUGH_INFORMATION.label


def test_competency_translations_must_name_known_ids(tmp_path: Path) -> None:
    broken = tmp_path / "competencies.yaml"
    broken.write_text("format: 1\ndomains: [{id: thinking, name: Thinking}]\ntranslations: {es: {nope: Nada}}\n")
    with pytest.raises(ValueError, match="unknown ids: nope"):
        load_competencies(broken, ValueError)


def _reference(**changes: object) -> Reference:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    reference = Reference(uuid4(), 1, Rater("Sam", "sam@example.org", RaterRole.SUPERVISOR), False, at,
                          LinkRequest(1, "hash", at, at + timedelta(days=30)))
    return replace(reference, **changes)  # type: ignore[arg-type]


def test_each_reference_has_a_state_for_people() -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    assert _reference().state == "sent"
    assert _reference(request=LinkRequest(2, "hash", at, at, reminder=True)).state == "reminded"
    assert _reference(answer=Answer(1, at, at.date(), {}, None, 0)).state == "completed"
    assert _reference(void_reason=VoidReason.WITHDRAWN).state == "void"
    assert _reference(void_reason=VoidReason.DECLINED).state == "declined"


@pytest.mark.parametrize(("header", "versions"), [
    (None, None), ("*", None), ('"12"', {12}), ('W/"12"', {12}), ("12", {12}), ('"3", W/"4"', {3, 4}),
    ("garbage", set()), ('"abc"', set()),
])
def test_if_match_names_the_versions_a_write_accepts(header: str | None, versions: set[int] | None) -> None:
    assert expected_versions(header) == (None if versions is None else frozenset(versions))


def test_the_catalogue_lists_each_tab_with_its_requirements_and_categories_without_rules() -> None:
    book = RuleBook({("itmhca", "IFS"): IFS})
    offered = offered_categories({"IFS": "Infant Family Specialist", "XYZ": "Unruled"}, "itmhca", book, ON)
    assert [(c.code, c.can_start) for c in offered] == [("IFS", True), ("XYZ", False)]
    tabs = dict(tabs_of(offered))
    assert list(tabs)[:len(TAB_ORDER)] == list(TAB_ORDER)
    assert tabs["rsc"] == ["RSC_HOURS"] and tabs["references"] == ["REFERENCES"]
    assert "REGISTRATION_ACCEPTED" in tabs["registration"]
