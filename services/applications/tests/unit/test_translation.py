"""Domain events -> integration events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from applications.domain import Applicant, Application, CategoryOffer, Details
from applications.domain.reference_links import ReferenceLinks
from applications.translation import Translator
from endorsement_contracts import ApplicationSubmitted, decode, encode
from rule_builders import context, fill, satisfying, shipped

OFFER = CategoryOffer({"IMHM-R/F": "Infant Mental Health Mentor - Research/Faculty"})
AT = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
ON = date(2026, 3, 1)
RULES = shipped("IMHM-R/F", ON)
LINKS = ReferenceLinks.ephemeral()


def submitted_application() -> tuple[Application, list[Any]]:
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IMHM-R/F", OFFER)
    application.update_details(Details(phone="602-555-0100", statement="Faculty at ASU.", ethics_attested=True), AT)
    fill(application, satisfying(RULES, ON), context(ON), AT, RULES)
    application.submit(RULES, AT, ON)
    return application, list(application.collect_events())


def loader_of(events: list[Any]) -> Translator:
    def load_version(application_id: UUID, version: int) -> Application:
        aggregate: Application | None = None
        for stored in events:
            if stored.originator_id == application_id and stored.originator_version <= version:
                aggregate = stored.mutate(aggregate)
        assert aggregate is not None
        return aggregate

    return Translator(load_version, LINKS)


def test_a_submission_becomes_application_submitted() -> None:
    application, events = submitted_application()
    translate = loader_of(events)

    published = translate(events[-1])

    assert isinstance(published, ApplicationSubmitted)
    assert published.application_id == application.id
    assert published.key == str(application.id)
    assert published.tenant == "itmhca"
    assert published.occurred_at == AT
    assert published.submission_number == 1
    assert (published.applicant.account_id, published.applicant.name, published.applicant.email) == (
        application.applicant.account_id, "Dana Reyes", "dana@example.org")
    assert published.category == "IMHM-R/F"
    assert published.category_name == "Infant Mental Health Mentor - Research/Faculty"
    assert published.rule_set_version == "itmhca/IMHM-R/F/2024-01-01"
    assert published.details == {"phone": "602-555-0100", "statement": "Faculty at ASU.", "ethics_attested": "true",
                                 "rater_emails": "rater1@example.org,rater2@example.org,rater3@example.org"}
    assert published.exam_required is True
    assert published.requirement_report is not None
    assert [(o.code, o.met) for o in published.requirement_report] == [
        ("EDUCATION", True), ("WORK_TEACHING_RESEARCH", True), ("TRAINING_HOURS", True), ("TRAINING_DEI_HOURS", True),
        ("REFERENCES", True), ("MEMBERSHIP", True), ("ATTESTATION_CODE_OF_ETHICS", True),
        ("ATTESTATION_ENDORSEMENT_AGREEMENT", True), ("FEE_REGISTRATION", True), ("FEE_PROCESSING", True),
        ("REGISTRATION_ACCEPTED", True)]
    assert published.requirement_report[2].detail == "33 of 33 hours of specialized in-service training"


def test_a_submission_stored_before_rule_sets_still_translates() -> None:
    """Skeleton-era `Submitted` events carry no report: the optional contract fields stay absent."""
    _, events = submitted_application()
    old = events[-1]
    del old.__dict__["requirement_report"], old.__dict__["exam_required"]  # as a skeleton-era event reads back

    published = loader_of(events)(old)

    assert published is not None and published.requirement_report is None and published.exam_required is None


def test_the_published_event_survives_the_cloudevents_round_trip() -> None:
    _, events = submitted_application()
    published = loader_of(events)(events[-1])
    assert published is not None

    record = encode(published, event_id=uuid4(), source="/services/applications")

    assert decode(record.headers, record.value).event == published


def test_other_domain_events_stay_private() -> None:
    """Only the journey's milestones are published: started, raters asked and answering, registered, accepted,
    submitted."""
    _, events = submitted_application()
    translate = loader_of(events)

    published = [type(p).__name__ for e in events if (p := translate(e)) is not None]

    assert published == ["ApplicationStarted", *["ReferenceRequested", "ReferenceCompleted"] * 3,
                         "ApplicationRegistered", "RegistrationAccepted", "ApplicationSubmitted"]
