"""The consumer's handlers on an in-memory event store: one email per cause, refusals dead-lettered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from endorsement_contracts import ApplicationSubmitted, EndorsementGranted, Envelope, IntegrationEvent, Person
from eventsourcing.persistence import Tracking
from notifications.application import NotificationsApplication
from notifications.config import Tenant
from notifications.domain import Email, EmailStatus
from notifications.entrypoints.consumer import handlers
from notifications.notices import Notifier
from notifications.templates import Links
from servicekit.consumer import Handler, RejectedMessage
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY
from servicekit.unseal import sealed_tokens, unsealed


@pytest.fixture
def app(memory_app: NotificationsApplication) -> NotificationsApplication:
    return memory_app  # in-memory persistence


@pytest.fixture
def handle(
    app: NotificationsApplication, itmhca: Tenant, producers: Any
) -> Callable[[IntegrationEvent, str], list[Email]]:
    table: dict[type[IntegrationEvent], Handler] = handlers(
        Notifier(app, {"itmhca": itmhca}, Links("http://h"), rater_index_key=DEVELOPMENT_RATER_INDEX_KEY))

    def run(event: IntegrationEvent, ce_id: str) -> list[Email]:
        """The emails the event's sealed v2 twin queues, its tokens opened as the consumer's unseal step would (the
        contacts it teaches are checked in test_notices)."""
        record = producers.sealed(event, ce_id)
        envelope = Envelope(
            id=ce_id, source="/applications", type=record.type_name(), time=datetime.now(UTC), event=record
        )
        with unsealed({token: producers.keys.open(token) for token in sealed_tokens(record)}):
            return [effect for effect in table[type(record)](envelope) if isinstance(effect, Email)]

    return run


def test_a_submission_queues_one_email_to_the_applicant(
    handle: Callable[[IntegrationEvent, str], list[Email]],
    submitted: Callable[..., ApplicationSubmitted],
    itmhca: Tenant,
) -> None:
    # given an application submitted by Zoë
    event = submitted()
    # when the handler sees it
    [email] = handle(event, "ce-1")
    # then one email to her, replying to the association, remembering its cause
    assert email.id == Email.id_for("application-submitted", event.application_id, 1)
    assert (email.recipient, email.recipient_name) == (event.applicant.email, "Zoë Ñúñez-Łukasiewicz")
    assert email.tenant == "itmhca"
    assert email.reply_to == itmhca.contact_email
    assert email.sender_name == itmhca.name
    assert (email.cause_id, email.cause_type) == ("ce-1", "ApplicationSubmitted.v2")  # read on the v2 topic
    assert email.status is EmailStatus.QUEUED


def test_the_same_cause_again_queues_nothing(
    app: NotificationsApplication,
    handle: Callable[[IntegrationEvent, str], list[Email]],
    submitted: Callable[..., ApplicationSubmitted],
) -> None:
    # given a submission whose email was saved
    event = submitted()
    app.save_tracked(Tracking("notifications/t/0", 1), *handle(event, "ce-1"))
    # when the same event arrives again (redelivered or republished under any ce_id)
    # then nothing new is queued
    assert handle(event, "ce-1") == []
    assert handle(event, "ce-republished") == []
    # while a resubmission is a new email
    assert (
        len(
            handle(
                submitted(application_id=event.application_id, applicant=event.applicant, submission_number=2), "ce-2"
            )
        )
        == 1
    )


def test_endorsement_granted_queues_its_own_email(
    handle: Callable[[IntegrationEvent, str], list[Email]], granted: Callable[..., EndorsementGranted]
) -> None:
    event = granted()
    [email] = handle(event, "ce-9")
    assert email.kind == "endorsement-granted"
    assert email.subject == "You are endorsed: Infant Mental Health Specialist"
    assert email.id == Email.id_for("endorsement-granted", event.application_id, event.endorsement_id)


def test_an_unknown_tenant_is_rejected_for_the_dead_letter_topic(
    handle: Callable[[IntegrationEvent, str], list[Email]], submitted: Callable[..., ApplicationSubmitted]
) -> None:
    with pytest.raises(RejectedMessage) as refused:
        handle(submitted(tenant="nowhere"), "ce-1")
    assert refused.value.reason == "unknown tenant 'nowhere'"


def test_a_name_spanning_lines_becomes_one_line(
    handle: Callable[[IntegrationEvent, str], list[Email]], submitted: Callable[..., ApplicationSubmitted]
) -> None:
    applicant = Person(account_id=uuid4(), name="Zoë\r\nBcc: victim@example.org", email="zoe@example.org")
    [email] = handle(submitted(applicant=applicant), "ce-1")
    assert email.recipient_name == "Zoë Bcc: victim@example.org"
    assert "Dear Zoë Bcc: victim@example.org," in email.text_body
