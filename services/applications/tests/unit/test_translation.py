"""Domain events -> integration events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from applications.domain import Applicant, Application, CategoryOffer, Details
from applications.translation import Translator
from endorsement_contracts import ApplicationSubmitted, decode, encode

OFFER = CategoryOffer({"IMHM-R/F": "Infant Mental Health Mentor - Research/Faculty"})
AT = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)


def submitted_application() -> tuple[Application, list[Any]]:
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IMHM-R/F", OFFER)
    application.update_details(Details(phone="602-555-0100", statement="Faculty at ASU.", ethics_attested=True))
    application.submit("itmhca/IMHM-R/F/skeleton-1", AT)
    return application, list(application.collect_events())


def loader_of(events: list[Any]) -> Translator:
    def load_version(application_id: UUID, version: int) -> Application:
        aggregate: Application | None = None
        for stored in events:
            if stored.originator_id == application_id and stored.originator_version <= version:
                aggregate = stored.mutate(aggregate)
        assert aggregate is not None
        return aggregate

    return Translator(load_version)


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
    assert published.rule_set_version == "itmhca/IMHM-R/F/skeleton-1"
    assert published.details == {"phone": "602-555-0100", "statement": "Faculty at ASU.", "ethics_attested": "true"}


def test_the_published_event_survives_the_cloudevents_round_trip() -> None:
    _, events = submitted_application()
    published = loader_of(events)(events[-1])
    assert published is not None

    record = encode(published, event_id=uuid4(), source="/services/applications")

    assert decode(record.headers, record.value).event == published


def test_other_domain_events_stay_private() -> None:
    _, events = submitted_application()
    translate = loader_of(events)

    assert [translate(e) for e in events[:-1]] == [None, None]
