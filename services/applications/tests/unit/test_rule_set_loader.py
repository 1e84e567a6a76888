"""The rule-set loader: real files load; a bad file stops the service, naming the file and the path in it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from applications.rulesets import RuleSetDataError, load_rule_book

RULESETS = Path(__file__).resolve().parents[4] / "config" / "rulesets"
ITMHCA = {"itmhca": ["IFA", "IFS", "IFRS", "IMHS", "IMHM-C", "IMHM-P", "IMHM-R/F"]}


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    """A copy of the shipped rule sets to spoil."""
    target = tmp_path / "rulesets"
    shutil.copytree(RULESETS, target)
    return target


def edit(path: Path, change: str, to: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert change in text, f"{change!r} not in {path}"
    path.write_text(text.replace(change, to, 1), encoding="utf-8")


def test_the_shipped_rule_sets_load_with_the_competency_list(rules_dir: Path) -> None:
    book, competencies = load_rule_book(rules_dir, ITMHCA)

    assert {(rs.tenant, rs.category) for rs in book} == {("itmhca", c) for c in [*ITMHCA["itmhca"], "ERS"]}
    assert len(competencies.domains) == 8
    assert {"reflection", "tf_attachment_trauma_loss"} <= competencies.ids


@pytest.mark.parametrize(("file", "change", "to", "complaint"), [
    ("IFS.yaml", "      min_hours: 30\n", "      min_hours: -30\n", "versions[0].training.min_hours"),
    ("IFS.yaml", "      min_hours: 30\n", "      min_hours: thirty\n", "versions[0].training.min_hours"),
    ("IFS.yaml", "      min_hours: 30\n", "      min_hours: 30\n      max_hours: 90\n",
     "versions[0].training.max_hours"),
    ("IFS.yaml", "        min_families: 10\n", "        min_families: 10\n        families: 3\n",
     "versions[0].work[0].families"),
    ("IFS.yaml", "        activity: direct_service\n", "        activity: babysitting\n",
     "versions[0].work[0].activity"),
    ("IFS.yaml", "      window_max_months: 24\n", "      window_max_months: 6\n", "window_min_months is larger"),
    ("IFS.yaml", "    exam: {required: false}\n", "", "versions[0].exam: Field required"),
    ("IFS.yaml", "effective_from: 2025-01-01", "effective_from: 2020-01-01", "strictly increasing"),
    ("IFS.yaml", "category: IFS\n", "category: IFA\n", "belongs in IFA.yaml"),
    ("IFS.yaml", "format: 1\n", "format: 2\n", "format"),
    ("IFS.yaml", "    attestations: [code_of_ethics, endorsement_agreement]\n",
     "    attestations: [code_of_ethics, pinky_promise]\n", "versions[0].attestations[1]"),
    ("IFS.yaml", "          requires_addon: ERS\n", "          requires_addon: ers\n",
     "versions[3].rsc.eligible_providers[1].requires_addon"),
    ("IMHS.yaml", "      processing: 200\n", "      processing: 200.001\n", "versions[0].fees.processing"),
    ("IFA.yaml", "      due: \"12-31\"\n", "      due: \"12-32\"\n", "versions[0].renewal.due"),
    ("IFA.yaml", "        - kind: cda\n", "        - kind: cda\n          min_level: master\n", "degree"),
    ("IFS.yaml", "versions:\n", "versions: []\nold_versions:\n", "versions"),
])
def test_an_invalid_rule_set_fails_fast_naming_file_and_path(rules_dir: Path, file: str, change: str, to: str,
                                                             complaint: str) -> None:
    bad = rules_dir / "itmhca" / file
    edit(bad, change, to)

    with pytest.raises(RuleSetDataError) as failed:
        load_rule_book(rules_dir, ITMHCA)

    assert str(bad) in str(failed.value)
    assert complaint in str(failed.value)


def test_a_later_version_inherits_the_sections_it_leaves_out(rules_dir: Path) -> None:
    book, _ = load_rule_book(rules_dir, ITMHCA)
    ifs = next(rs for rs in book if rs.category == "IFS")

    first, last = ifs.versions[0], ifs.versions[-1]
    assert last.education == first.education and last.fees == first.fees and last.work == first.work
    assert last.rsc != first.rsc
    assert last.renewal == ifs.versions[2].renewal  # 2023's renewal change carried into 2025


def test_unreadable_yaml_is_refused(rules_dir: Path) -> None:
    bad = rules_dir / "itmhca" / "IFS.yaml"
    bad.write_text("versions: [unclosed\n", encoding="utf-8")

    with pytest.raises(RuleSetDataError, match="cannot read"):
        load_rule_book(rules_dir, ITMHCA)


def test_an_offered_category_without_a_rule_set_is_refused(rules_dir: Path) -> None:
    (rules_dir / "itmhca" / "IMHM-R_F.yaml").unlink()

    with pytest.raises(RuleSetDataError, match=r"IMHM-R_F.yaml: missing; itmhca offers IMHM-R/F"):
        load_rule_book(rules_dir, ITMHCA)


def test_a_rule_set_for_a_category_the_tenant_does_not_offer_is_refused(rules_dir: Path) -> None:
    shutil.copy(rules_dir / "_alliance" / "ECFS.yaml", rules_dir / "itmhca" / "ECFS.yaml")

    with pytest.raises(RuleSetDataError, match="itmhca does not offer ECFS"):
        load_rule_book(rules_dir, ITMHCA)


def test_templates_are_validated_too(rules_dir: Path) -> None:
    edit(rules_dir / "_alliance" / "ECFS.yaml", "min_families: 10", "min_families: many")

    with pytest.raises(RuleSetDataError, match=r"_alliance/ECFS.yaml: .*versions\[0\].work\[0\].min_families"):
        load_rule_book(rules_dir, ITMHCA)


def test_a_second_tenant_runs_on_a_copied_template_with_no_code_change(rules_dir: Path) -> None:
    (rules_dir / "lakes-aimh").mkdir()
    for name in ("ECFA.yaml", "ECMHS.yaml"):
        shutil.copy(rules_dir / "_alliance" / name, rules_dir / "lakes-aimh" / name)

    book, _ = load_rule_book(rules_dir, {**ITMHCA, "lakes-aimh": ["ECFA", "ECMHS"]})

    from datetime import date
    ecmhs = book.in_force("lakes-aimh", "ECMHS", date(2024, 6, 1))
    assert (ecmhs.id, ecmhs.exam.required, ecmhs.exam.track) == ("lakes-aimh/ECMHS/2015-01-01", True, "ECMH")
    assert book.in_force("lakes-aimh", "ECMHS", date(2025, 6, 1)).exam.required is False


@pytest.mark.parametrize(("text", "complaint"), [
    ("format: 1\ndomains: []\n", "domains"),
    ("format: 1\ndomains:\n  - {id: reflection, name: Reflection, areas: {reflection: Again}}\n", "used twice"),
    ("format: 1\ndomains:\n  - {id: Reflection, name: Reflection}\n", "domains.0.id"),
])
def test_a_bad_competency_list_is_refused(rules_dir: Path, text: str, complaint: str) -> None:
    (rules_dir / "competencies.yaml").write_text(text, encoding="utf-8")

    with pytest.raises(RuleSetDataError, match=complaint):
        load_rule_book(rules_dir, ITMHCA)


def test_a_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleSetDataError, match="does not exist"):
        load_rule_book(tmp_path / "nope", ITMHCA)


def test_every_shipped_file_is_plain_yaml_with_a_category() -> None:
    for path in RULESETS.glob("*/*.yaml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert document["format"] == 1 and document["category"], path
