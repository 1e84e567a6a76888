"""Given/when/then for the reviewer's competency checklist: knowledge/skill areas of the shared competency file,
ticked met or not per application section, with notes; unknown ids are refused with nothing recorded."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from reviews.config import CompetencyDataError, competencies_path, load_competencies
from reviews.domain import (
    Actor,
    Applicant,
    CategoryRules,
    ChecklistItem,
    Competencies,
    RecommendationKind,
    ReviewCase,
    Reviewer,
    ReviewPolicy,
)
from reviews.domain import case_events as ev
from reviews.domain.errors import InvalidChecklist

from .personal_data import FINGERPRINT, on_roster, subject

CONFIG = Path(__file__).resolve().parents[4] / "config"
POLICY = ReviewPolicy(categories={"IFS": CategoryRules(rank=2), "IMHM-C": CategoryRules(rank=4)})
MENTOR = on_roster(Reviewer("mia@example.org", "Mia Mentor", "IMHM-C"))
COORDINATOR = Actor(account_id=uuid4(), name="Cora Coordinator")


@pytest.fixture(scope="module")
def competencies() -> Competencies:
    return load_competencies(competencies_path(CONFIG / "tenants", None))


def reviewing() -> tuple[ReviewCase, Actor]:
    case = ReviewCase.open(fingerprint=FINGERPRINT, tenant="itmhca", application_id=uuid4(), submission_number=1,
                           applicant=Applicant(uuid4(), "Ana Applicant", "ana@example.org"), category="IFS",
                           category_name="IFS", rule_set_version="v1", received_at=datetime(2025, 3, 1, tzinfo=UTC))
    case.pass_completeness(COORDINATOR, POLICY)
    case.assign_reviewer(MENTOR, COORDINATOR, POLICY, FINGERPRINT)
    reviewer = Actor(account_id=uuid4(), name=MENTOR.name)
    case.answer_assignment(subject(MENTOR), reviewer, accept=True)
    case.collect_events()
    return case, reviewer


def test_the_shared_competency_file_is_read_by_this_service(competencies: Competencies) -> None:
    assert len(competencies.domains) == 8
    assert competencies.domain_of("tf_attachment_trauma_loss") == "theoretical_foundations"
    assert competencies.domain_of("reflection") == "reflection"
    assert competencies.domain_of("astrology") is None
    assert "systems_expertise" in competencies.ids  # a domain without listed areas is ticked as a whole


def test_a_reviewer_ticks_areas_per_section_with_notes(competencies: Competencies) -> None:
    # given a reviewer who accepted the case
    case, reviewer = reviewing()
    # when they recommend with a checklist
    ticks = [ChecklistItem("tf_infant_development", True, "training", "  Strong   coursework "),
             ChecklistItem("ds_observation_listening", False, "work", None),
             ChecklistItem("tf_infant_development", True, "work"),
             ChecklistItem("systems_expertise", True)]
    case.recommend(subject(MENTOR), reviewer, RecommendationKind.ENDORSE, POLICY, checklist=ticks,
                   competencies=competencies)
    # then the ticks are recorded tidied and in a stable order (overall first, then by section and area)
    [submitted] = [e for e in case.collect_events() if isinstance(e, ev.RecommendationSubmitted)]
    assert submitted.checklist == [
        {"area": "systems_expertise", "met": True, "section": None, "note": None},
        {"area": "tf_infant_development", "met": True, "section": "training", "note": "Strong coursework"},
        {"area": "ds_observation_listening", "met": False, "section": "work", "note": None},
        {"area": "tf_infant_development", "met": True, "section": "work", "note": None},
    ]
    recommendation = case.assignments[subject(MENTOR)].recommendation
    assert recommendation is not None
    assert [(t.area, t.section, t.met) for t in recommendation.checklist][:2] == [
        ("systems_expertise", None, True), ("tf_infant_development", "training", True)]


@pytest.mark.parametrize(("tick", "why"), [
    (ChecklistItem("astrology", True), "unknown competency area 'astrology'"),
    (ChecklistItem("reflection", True, "Training Tab"), "short lower-case id"),
    (ChecklistItem("reflection", True, None, "x" * 1001), "at most 1000 characters"),
])
def test_a_bad_tick_refuses_the_whole_recommendation(competencies: Competencies, tick: ChecklistItem,
                                                     why: str) -> None:
    case, reviewer = reviewing()
    with pytest.raises(InvalidChecklist, match=why) as refused:
        case.recommend(subject(MENTOR), reviewer, RecommendationKind.ENDORSE, POLICY, checklist=[tick],
                       competencies=competencies)
    assert refused.value.code == "INVALID_CHECKLIST"
    assert case.collect_events() == []
    assert case.assignments[subject(MENTOR)].recommendation is None


def test_an_area_is_ticked_once_per_section_and_nothing_without_the_competency_data(
    competencies: Competencies,
) -> None:
    case, reviewer = reviewing()
    twice = [ChecklistItem("reflection", True, "rsc"), ChecklistItem("reflection", False, "rsc")]
    with pytest.raises(InvalidChecklist, match="ticked twice in rsc"):
        case.recommend(subject(MENTOR), reviewer, RecommendationKind.ENDORSE, POLICY, checklist=twice,
                       competencies=competencies)
    with pytest.raises(InvalidChecklist, match="unknown competency area"):
        case.recommend(subject(MENTOR), reviewer, RecommendationKind.ENDORSE, POLICY, checklist=twice[:1])


def test_recommendations_stored_before_the_checklist_read_with_an_empty_one() -> None:
    state: dict[str, object] = {"recommendation": "endorse", "domains_met": []}
    ev.RecommendationSubmitted.upcast_v1_v2(state)
    assert state["checklist"] == []


def test_a_missing_or_broken_competency_file_stops_the_service(tmp_path: Path) -> None:
    assert competencies_path("config/tenants", "elsewhere/c.yaml") == Path("elsewhere/c.yaml")
    with pytest.raises(CompetencyDataError, match="cannot read"):
        load_competencies(tmp_path / "missing.yaml")
    broken = tmp_path / "competencies.yaml"
    broken.write_text("format: 1\ndomains:\n  - {id: reflection, name: Reflection, areas: {reflection: Again}}\n")
    with pytest.raises(CompetencyDataError, match="an id is used twice"):
        load_competencies(broken)
    broken.write_text("format: 1\ndomains: []\n")
    with pytest.raises(CompetencyDataError, match="invalid competency data"):
        load_competencies(broken)
