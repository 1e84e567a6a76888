"""Every rule of every shipped rule set (ITMHCA and the Alliance templates), read from the data files:
given the least evidence that meets a version, every requirement is met; take a little off one requirement
(half an hour, one day, one cent, one signature) and exactly that requirement is refused with a reason."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from applications.domain import RuleVersion, check_requirements
from applications.rulesets import load_rule_set
from rule_builders import breaker, satisfying

RULESETS = Path(__file__).resolve().parents[4] / "config" / "rulesets"
SHIPPED = sorted(p for p in RULESETS.glob("*/*.yaml"))
VERSIONS = [version for path in SHIPPED for version in load_rule_set(path, path.parent.name).versions]


def judged_on(version: RuleVersion) -> date:
    """A date on which this version is in force (a month after it starts)."""
    return version.effective_from + timedelta(days=31)


def test_the_shipped_files_cover_every_category_and_add_on() -> None:
    names = {(p.parent.name, p.stem) for p in SHIPPED}
    assert {("itmhca", c) for c in ("IFA", "IFS", "IFRS", "IMHS", "IMHM-C", "IMHM-P", "IMHM-R_F", "ERS")} <= names
    assert {("_alliance", c) for c in ("ECFA", "ECFS", "ECFRS", "ECMHS", "ECMHM-C", "ECMHM-P", "ECMHM-R_F",
                                       "ERS")} <= names


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.id)
def test_the_least_evidence_meeting_a_version_meets_every_requirement(version: RuleVersion) -> None:
    on = judged_on(version)

    report = check_requirements(satisfying(version, on), version, on)

    assert [(r.code, r.reasons) for r in report.unmet] == []
    assert report.rule_set_version == version.id
    assert report.exam_required is version.exam.required


CASES = [(version, result.code) for version in VERSIONS
         for result in check_requirements(satisfying(version, judged_on(version)), version, judged_on(version)).results]


@pytest.mark.parametrize(("version", "code"), CASES, ids=[f"{v.id}:{c}" for v, c in CASES])
def test_falling_just_short_of_one_requirement_fails_that_requirement_alone(version: RuleVersion, code: str) -> None:
    on = judged_on(version)
    evidence = breaker(code)(satisfying(version, on), version, on)

    report = check_requirements(evidence, version, on)

    assert [r.code for r in report.unmet] == [code, *inseparable(version, code)]
    assert report.unmet[0].reasons, "an unmet requirement always says why"
    assert all(reason.code and reason.message for reason in report.unmet[0].reasons)


def inseparable(version: RuleVersion, code: str) -> list[str]:
    """When the sub-minimums add up to the whole minimum (ERS: 15 of 15 training hours on RSC provision, 12 of 12
    RSC hours about the RSC provided), less in total is necessarily less in a part too."""
    rsc = version.rsc
    if code == "RSC_HOURS" and rsc is not None and rsc.min_hours_about_providing_rsc == rsc.min_hours:
        return ["RSC_ABOUT_PROVIDING_HOURS"]
    training = version.training
    if code != "TRAINING_HOURS" or training.min_dei_hours + training.min_rsc_provision_hours < training.min_hours:
        return []
    return [c for c, need in (("TRAINING_DEI_HOURS", training.min_dei_hours),
                              ("TRAINING_RSC_PROVISION_HOURS", training.min_rsc_provision_hours)) if need > 0]
