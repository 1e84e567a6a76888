"""Events stored before personal values were sealed (plaintext names, emails, profile, entries, rater, comments,
the requirement report's details, a reviewer's address) still load:
the old applicant shape has its own decoder, and each changed event its upcaster. And erasing makes the sealed ones
decode as None while the aggregate still replays."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from applications.application import ApplicationsService
from applications.config import load_tenants
from applications.domain import (
    Actor,
    AgeBand,
    Applicant,
    Application,
    Tab,
    WorkActivity,
    WorkEntry,
)
from applications.domain.values import PersonalText
from applications.rulesets import load_rule_book
from applications.use_cases.references import ReferenceCases
from eventsourcing.persistence import StoredEvent
from reference_builders import link_token, raters, ratings

CONFIG = Path(__file__).resolve().parents[4] / "config"
JOB = WorkEntry("Early Head Start", "Home visitor", date(2020, 1, 6), None, paid=True, supervised=True,
                families_served=14, age_band=AgeBand.INFANT_TODDLER, activities=(WorkActivity.DIRECT_SERVICE,))


@pytest.fixture
def service() -> Iterator[ApplicationsService]:
    tenants = load_tenants(CONFIG / "tenants")
    rules, competencies = load_rule_book(CONFIG / "rulesets", {t.slug: t.categories.keys() for t in tenants})
    app = ApplicationsService(tenants, rules, competencies, env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield app
    app.close()


def a_draft(service: ApplicationsService) -> tuple[Actor, UUID, UUID]:
    account = uuid4()
    actor = Actor(account, "itmhca", frozenset({"applicant"}))
    application_id = service.start(actor, Applicant(account, "Olga Oldtimer", "olga@example.org"), "IFS").id
    service.update_details(application_id, actor, {"statement": "My statement", "county": "Pima"})
    service.add_entry(application_id, actor, JOB)
    application = service.get(application_id, actor)
    rule = service.rules_on(application, service.local_date("itmhca")).references
    rater = replace(raters(rule)[0], name="Rhoda Rater", email="rhoda@example.org")
    references = ReferenceCases(service)
    application, reference_id = references.name_rater(application_id, actor, 1, rater, waived=False)
    references.answer_reference(link_token(service, application, reference_id), ratings(rule), "Very good")
    return actor, application_id, reference_id


def as_before_sealing(state: dict[str, Any], topic: str) -> dict[str, Any]:
    """The JSON a stored event had before sealing (v1 shapes, plaintext values)."""
    state.pop("class_version", None)
    name = topic.rsplit(":", 1)[-1].rsplit(".", 1)[-1]
    if name == "Started":
        person = state["applicant"]["_data_"]
        account = person["subject"].removeprefix("account:")
        state["applicant"] = {"_type_": "applicant",
                              "_data_": {"account_id": account, "name": "Olga Oldtimer", "email": "olga@example.org"}}
    elif name == "DetailsUpdated":
        del state["profile"]
        state.update(phone=None, county="Pima", statement="My statement")
    elif name == "RaterNamed":
        del state["rater"]
        state.update(rater_name="Rhoda Rater", rater_email="rhoda@example.org")
    elif name == "ReferenceAnswered":
        state["comments"] = "Very good"
    elif name == "EntryAdded":
        entry = state["entry"]["_data_"]["entry"]
        entry["_data_"].update(employer="Old Employer Inc", role="Home visitor")
        state["entry"] = entry
    return state


def test_events_stored_before_sealing_still_load(service: ApplicationsService) -> None:
    _, application_id, reference_id = a_draft(service)
    stored = list(service.recorder.select_events(application_id))
    for marker in (b"Olga", b"olga@", b"My statement", b"Pima", b"Rhoda", b"rhoda@", b"Very good", b"Head Start",
                   b"Home visitor"):
        assert not [e.topic for e in stored if marker in e.state]  # sealed
    legacy = [StoredEvent(e.originator_id, e.originator_version, e.topic,
                          json.dumps(as_before_sealing(json.loads(e.state), e.topic)).encode()) for e in stored]
    assert any(b"Rhoda Rater" in e.state for e in legacy)
    application: Any = None
    for event in (service.mapper.to_domain_event(e) for e in legacy):
        application = event.mutate(application)
    assert isinstance(application, Application)
    assert (application.applicant.name, application.applicant.email) == ("Olga Oldtimer", "olga@example.org")
    assert (application.details.statement, application.details.county) == ("My statement", "Pima")
    reference = application.reference(reference_id)
    assert (reference.rater.name, reference.rater.email, reference.rater.subject) == (
        "Rhoda Rater", "rhoda@example.org", service.rater_subject("itmhca", "rhoda@example.org"))
    assert reference.answer is not None and reference.answer.comments == "Very good"
    [job] = application.entries(Tab.WORK).values()
    assert (job.employer, job.role) == ("Old Employer Inc", "Home visitor")


def test_a_submission_stored_before_sealing_keeps_its_report_details() -> None:
    state: dict[str, Any] = {"requirement_report": [{"code": "EDUCATION", "tab": "education", "met": True,
                                                    "detail": "met by a degree (Old College, 2001)"}]}
    Application.Submitted.upcast_v1_v2(state)
    assert state["requirement_report"] == [{"code": "EDUCATION", "tab": "education", "met": True,
                                            "detail": PersonalText(None, "met by a degree (Old College, 2001)")}]
    older: dict[str, Any] = {}  # stored before rule sets: no report at all
    Application.Submitted.upcast_v1_v2(older)
    assert older == {}


def test_after_erasure_the_sealed_values_decode_as_none_and_the_application_replays(
        service: ApplicationsService) -> None:
    actor, application_id, reference_id = a_draft(service)
    service.keys.destroy(f"account:{actor.account_id}")
    application = service.load(application_id)
    assert application.applicant == Applicant(actor.account_id, None, None)
    assert (application.details.statement, application.details.county) == (None, None)
    reference = application.reference(reference_id)
    assert reference.answer is not None and reference.answer.comments is None
    [job] = application.entries(Tab.WORK).values()
    assert (job.employer, job.role, job.families_served) == (None, None, JOB.families_served)  # still counts
    assert reference.rater.name == "Rhoda Rater"  # sealed under the rater, who was not erased
    service.keys.destroy(reference.rater.subject or "")
    rater = service.load(application_id).reference(reference_id).rater
    assert (rater.name, rater.email, rater.erased) == (None, None, True)


def test_a_reviewer_grant_stored_with_an_address_reads_back_keyed_by_the_address_subject(
        service: ApplicationsService) -> None:
    _, application_id, _ = a_draft(service)
    mia = service.rater_subject("itmhca", "mia@itmhca.example")
    application = service.load(application_id)
    assert application.grant_reviewer_access(review_case_id=uuid4(), reviewer=mia, slot=1,
                                             assigned_at=datetime.now(UTC))
    service.commit(application)
    stored = list(service.recorder.select_events(application_id))[-1]
    state = json.loads(stored.state)
    assert mia in state["event_key"] and "mia@" not in stored.state.decode()
    # as version 1 stored it: the address, in the grant and in its key
    state.pop("class_version")
    state["reviewer_email"] = "Mia@itmhca.example"
    state["event_key"] = state["event_key"].replace(state.pop("reviewer"), "Mia@itmhca.example")
    legacy = StoredEvent(stored.originator_id, stored.originator_version, stored.topic, json.dumps(state).encode())
    granted: Any = service.mapper.to_domain_event(legacy)
    assert (granted.reviewer, granted.event_key.split("/")[2]) == (mia, mia)
    assert granted.event_key in application.handled_reviewer_events  # a copy arriving now is still recognised
    with pytest.raises(LookupError):  # an upcaster alone cannot key an address: the store's mapper does
        Application.ReviewerAccessGranted.upcast_v1_v2({**state, "originator_id": application_id})
