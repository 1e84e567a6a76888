"""Starting, registering and accepting a registration become `ApplicationStarted`, `ApplicationRegistered` and
`RegistrationAccepted`; documents stay private."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from applications.domain import Applicant, Application, CategoryOffer, FeeKind, FeePayment
from applications.domain.documents import Document, DocumentKind
from applications.translation import Translator
from endorsement_contracts import decode, encode
from endorsement_contracts.events.applications import ApplicationRegistered, ApplicationStarted, RegistrationAccepted
from rule_builders import shipped

OFFER = CategoryOffer({"IFS": "Infant Family Specialist"})
AT = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
ACCEPTED_AT = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
ON = date(2026, 3, 1)
IFS = shipped("IFS", ON)
COORDINATOR = uuid4()


def accepted_application() -> tuple[Application, list[Any]]:
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFS", OFFER)
    application.record_fee(FeePayment(FeeKind.REGISTRATION, 2000, "REG-1", ON), ON)
    content = b"%PDF-1.4 cv"
    application.attach_document(Document(uuid4(), DocumentKind.CV, "cv.pdf", "application/pdf", len(content),
                                         hashlib.sha256(content).hexdigest(), AT, application.applicant.subject),
                                50)
    application.register(IFS, AT)
    application.accept_registration(COORDINATOR, ACCEPTED_AT)
    return application, list(application.collect_events())


def translator(events: list[Any]) -> Translator:
    def load_version(application_id: UUID, version: int) -> Application:
        aggregate: Application | None = None
        for stored in events:
            if stored.originator_id == application_id and stored.originator_version <= version:
                aggregate = stored.mutate(aggregate)
        assert aggregate is not None
        return aggregate

    return Translator(load_version)


def test_the_registration_journey_is_published_and_documents_are_not() -> None:
    application, events = accepted_application()
    translate = translator(events)

    published = [translate(e) for e in events]

    started, fee, attached, registered, accepted = published
    assert (fee, attached) == (None, None)
    assert isinstance(started, ApplicationStarted)
    assert (started.application_id, started.kind, started.endorsement_id) == (application.id, "initial", None)
    assert (started.category, started.category_name, started.tenant) == ("IFS", "Infant Family Specialist", "itmhca")
    assert started.applicant.email == "dana@example.org"
    assert started.occurred_at == events[0].timestamp
    assert isinstance(registered, ApplicationRegistered)
    assert (registered.registered_at, registered.occurred_at, registered.key) == (AT, AT, str(application.id))
    assert isinstance(accepted, RegistrationAccepted)
    assert (accepted.accepted_by, accepted.accepted_at, accepted.occurred_at) == (COORDINATOR, ACCEPTED_AT,
                                                                                ACCEPTED_AT)
    for event in (started, registered, accepted):
        record = encode(event, event_id=uuid4(), source="/services/applications")
        assert decode(record.headers, record.value).event == event
