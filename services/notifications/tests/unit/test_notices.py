"""Every step someone must act on reaches them: each event through the real consumer on an in-memory store.

For each notice: who receives it, the subject, the facts it must carry, and what it must never carry.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any
from uuid import UUID, uuid4

import pytest
from endorsement_contracts import Envelope, IntegrationEvent, Person
from endorsement_contracts.events.erasures import PersonErased
from notifications.application import NotificationsApplication
from notifications.config import Tenant
from notifications.delivery import MailSender, PermanentDeliveryError
from notifications.domain import (
    RECIPIENT_ERASED,
    Addressee,
    Contact,
    Email,
    EmailStatus,
    Erasure,
    Letter,
    Recipient,
    Wording,
)
from notifications.entrypoints.api import WITHHELD, _detail
from notifications.entrypoints.application_notices import preferred_language
from notifications.entrypoints.consumer import handlers, v1_handlers
from notifications.notices import Notifier
from notifications.templates import Links
from servicekit.consumer import IdempotentConsumer, RejectedMessage
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, account_subject, rater_subject

BASE = "https://endorse.example.org"


class Platform:
    """The service's consumer on an in-memory store; `publish` is a record arriving at the next offset: a v1 event's
    sealed v2 twin, as the producers publish it (`producers`, tests/conftest.py), its tokens opened by the consumer's
    unseal step before it is handled."""

    def __init__(self, tenants: Mapping[str, Tenant], app: NotificationsApplication, producers: Any) -> None:
        self.app = app
        self.producers = producers
        notifier = Notifier(self.app, tenants, Links(BASE), rater_index_key=DEVELOPMENT_RATER_INDEX_KEY)
        self.consumer = IdempotentConsumer(self.app, group_id="g", handlers=handlers(notifier),
                                           unsealer=producers.unsealer)
        self.v1_consumer = IdempotentConsumer(self.app, group_id="g", handlers=v1_handlers(notifier))
        self.offset = 0

    def publish_v1(self, event: IntegrationEvent, ce_id: str) -> str:
        """The v1 record itself, as the consumer read it before it moved to the v2 topics."""
        envelope = Envelope(id=ce_id, source="/tests", type=event.type_name(), time=datetime.now(UTC), event=event)
        self.offset += 1
        return self.v1_consumer.process(envelope, self.v1_consumer.tracking_for(event.topic, 0, self.offset))

    def stored(self) -> int:
        """How many events this service has stored (emails, contacts, accounts, erasures)."""
        return len(self.app.log_after(0, 100_000))

    def publish(self, event: IntegrationEvent, ce_id: str | None = None) -> str:
        ce_id = ce_id or str(uuid4())
        record = self.producers.sealed(event, ce_id)
        envelope = Envelope(id=ce_id, source="/tests", type=record.type_name(), time=datetime.now(UTC), event=record)
        self.offset += 1
        opened = asyncio.run(self.consumer.unseal(envelope, record.topic))
        return self.consumer.process(envelope, self.consumer.tracking_for(record.topic, 0, self.offset), opened)

    def emails(self) -> list[Email]:
        return [
            self.app.get_email(entry.queued_email_id)
            for entry in self.app.log_after(0, 10_000)
            if entry.queued_email_id is not None
        ]

    def to(self, address: str) -> list[Email]:
        return [email for email in self.emails() if email.recipient == address]

    def only(self, address: str) -> Email:
        [email] = self.to(address)
        return email


@pytest.fixture
def platform(itmhca: Tenant, memory_app: NotificationsApplication, producers: Any) -> Platform:
    return Platform({"itmhca": itmhca}, memory_app, producers)


def bodies(email: Email) -> str:
    return email.text_body + email.html_body


# applications service ------------------------------------------------------------------------------------------


def test_a_registration_asks_every_coordinator_to_accept_it(platform: Platform, journey: Any) -> None:
    platform.publish(journey.registered())
    email = platform.only("coordinator@itmhca.example")
    assert email.kind == "registration-awaiting-acceptance"
    assert email.subject == "Registration awaiting acceptance: Zoë Ñúñez-Łukasiewicz (Infant Family Specialist)"
    assert "Dear ITMHCA Endorsement Coordinator," in email.text_body
    assert "registered for Infant Family Specialist endorsement on February 28, 2025" in email.text_body  # Phoenix
    assert f"{BASE}/applications/{journey.application_id}" in email.text_body
    assert journey.applicant.email not in bodies(email)
    assert platform.to(journey.applicant.email) == []


def test_without_coordinators_in_the_tenant_file_the_registration_goes_to_the_contact_address(
    itmhca: Tenant, journey: Any, memory_app: NotificationsApplication, producers: Any
) -> None:
    platform = Platform({"itmhca": replace(itmhca, coordinators=())}, memory_app, producers)
    platform.publish(journey.registered())
    assert platform.only("azendorsement@gmail.com").kind == "registration-awaiting-acceptance"


def test_a_coordinator_listed_twice_gets_one_email(
    itmhca: Tenant, journey: Any, memory_app: NotificationsApplication, producers: Any
) -> None:
    twice = (Recipient("Coord@itmhca.example", "C"), Recipient("coord@itmhca.example", "C"))
    platform = Platform({"itmhca": replace(itmhca, coordinators=twice)}, memory_app, producers)
    assert platform.publish(journey.registered()) == "processed"
    assert len(platform.emails()) == 1


def test_an_accepted_registration_tells_the_applicant_to_complete_the_application(
    platform: Platform, journey: Any
) -> None:
    platform.publish(journey.accepted())
    email = platform.only(journey.applicant.email)
    assert email.subject == "Your Infant Family Specialist registration is accepted"
    assert f"{BASE}/apply/{journey.application_id}" in email.text_body


def test_a_reference_request_gives_the_rater_the_link_on_its_own_line_and_the_expiry(
    platform: Platform, journey: Any
) -> None:
    event = journey.reference_requested()
    platform.publish(event)
    email = platform.only(journey.rater.email)
    assert email.recipient_name == "Rita Moreno"
    assert "reference" in email.subject.lower()
    assert email.subject == "Please complete a reference for Zoë Ñúñez-Łukasiewicz"
    assert "Zoë Ñúñez-Łukasiewicz is applying" in email.text_body
    assert "Infant Family Specialist" in email.text_body
    assert f"\n\n{event.form_url}\n\n" in email.text_body  # verbatim, alone on its line
    assert f'<a href="{event.form_url}">' in email.html_body
    assert "expires on March 31, 2025" in email.text_body  # 05:00 UTC on April 1 is still March 31 in Phoenix
    assert journey.applicant.email not in bodies(email)
    assert email.id == Email.id_for("reference-requested", journey.reference_id, 1)


def test_each_reminder_is_a_new_email_with_its_new_link_and_reminder_wording(platform: Platform, journey: Any) -> None:
    first, second = journey.reference_requested(1), journey.reference_requested(2)
    platform.publish(first)
    platform.publish(second)
    platform.publish(second)  # republished: nothing new
    original, reminder = platform.to(journey.rater.email)
    assert reminder.subject == "Reminder: please complete a reference for Zoë Ñúñez-Łukasiewicz"
    assert "A reminder:" in reminder.text_body
    assert "replaces any link we sent you before" in reminder.text_body
    assert second.form_url in reminder.text_body
    assert first.form_url not in reminder.text_body
    assert reminder.id == Email.id_for("reference-requested", journey.reference_id, 2) != original.id


def test_the_reference_link_reaches_no_log_line_and_no_support_screen(
    platform: Platform, journey: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # given a reference request consumed twice, and a reminder the rater's mail server refuses for good
    event = journey.reference_requested()
    platform.publish(event)
    platform.publish(event)
    reminder = journey.reference_requested(2)
    platform.publish(reminder)

    class Refusing:
        def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
            if "secret-2" in message.as_string():
                raise PermanentDeliveryError("550 5.7.1 message refused")

    MailSender(platform.app, Refusing(), "no-reply@endorsement.example").run_once()
    # then the refusal was logged (so real lines are checked) and no line carries either link
    assert "failed for good: 550 5.7.1 message refused" in caplog.text
    assert "secret-1" not in caplog.text
    assert "secret-2" not in caplog.text
    detail = _detail(platform.to(journey.rater.email)[0])
    assert (detail.text_body, detail.html_body) == (WITHHELD, WITHHELD)
    assert detail.subject == "Please complete a reference for Zoë Ñúñez-Łukasiewicz"


def test_a_reference_link_that_is_not_a_web_link_is_refused_without_repeating_it(
    platform: Platform, journey: Any
) -> None:
    with pytest.raises(RejectedMessage) as refused:
        platform.publish(journey.reference_requested(form_url="javascript:alert('secret-js')"))
    assert "INVALID_EMAIL" in refused.value.reason
    assert "secret-js" not in refused.value.reason


def test_a_voided_reference_asks_the_applicant_for_another_rater(platform: Platform, journey: Any) -> None:
    # given the application's events named the applicant before
    platform.publish(journey.reference_requested())
    # when the reference is voided
    platform.publish(journey.reference_voided("vetting_refused"))
    # then the applicant hears why, in words, and where to name another rater; the rater hears nothing more
    email = platform.only(journey.applicant.email)
    assert email.subject == "A reference for your Infant Family Specialist application no longer counts"
    assert (
        "Reference 2 of your Infant Family Specialist application no longer counts: the coordinator could "
        "not accept the rater for this reference." in email.text_body
    )
    assert "name another rater" in email.text_body
    assert f"{BASE}/apply/{journey.application_id}/references" in email.text_body
    assert "QWERTY" not in bodies(email)  # the detail is for staff
    assert len(platform.to(journey.rater.email)) == 1


def test_a_declined_reference_asks_the_applicant_for_another_rater_on_the_references_page(
    platform: Platform, journey: Any
) -> None:
    # given a rater declined through their link, on a reference the applicant did not waive
    event = journey.reference_declined(reason="I have not supervised\nher for long enough.")
    assert platform.publish(event) == "processed"
    # then the applicant hears who declined which reference, the rater's words, and what to do next
    email = platform.only(journey.applicant.email)
    assert email.kind == "reference-declined"
    assert email.subject == "A rater declined to give a reference for your Infant Family Specialist application"
    text = email.text_body
    assert "Dear Zoë Ñúñez-Łukasiewicz," in text
    assert "Rita Moreno declined to give reference 2 for your Infant Family Specialist application" in text
    assert "The rater's message: I have not supervised her for long enough.\n" in text  # made one line
    assert "name another rater for reference 2 on your application's references page" in text
    references = f"{BASE}/apply/{journey.application_id}/references"
    assert f"\n{references}\n" in text
    assert f'<a href="{references}">references page</a>' in email.html_body
    assert "/applications/" not in bodies(email)  # the portal's page, not the API
    assert email.id == Email.id_for("reference-declined", journey.reference_id, "declined")
    assert platform.to(journey.rater.email) == []  # the rater already saw the confirmation page


def test_a_waived_reference_s_decline_never_shows_the_rater_s_words_to_the_applicant(
    platform: Platform, journey: Any
) -> None:
    platform.publish(journey.reference_declined(waived=True, reason="Confidential: concerns about PRIVATE-XYZZY"))
    email = platform.only(journey.applicant.email)
    assert "PRIVATE-XYZZY" not in bodies(email)
    assert "Confidential" not in bodies(email)
    assert (
        "The rater's message: not shared with you, as you waived your right to see this reference" in email.text_body
    )
    assert f"{BASE}/apply/{journey.application_id}/references" in email.text_body


def test_a_decline_without_words_says_there_was_no_message(platform: Platform, journey: Any) -> None:
    platform.publish(journey.reference_declined(reason=None))
    assert "The rater's message: (no message)" in platform.only(journey.applicant.email).text_body


def test_a_decline_redelivered_or_republished_gives_one_email(platform: Platform, journey: Any) -> None:
    event = journey.reference_declined()
    assert platform.publish(event, ce_id="ce-declined") == "processed"
    platform.publish(event, ce_id="ce-declined")  # redelivered at a later offset
    platform.publish(event, ce_id="ce-declined-republished")  # republished under another id
    platform.publish(journey.reference_declined(reason="Another copy, other words"))  # another copy of the fact
    [email] = platform.to(journey.applicant.email)
    assert "Another copy" not in bodies(email)


def test_a_declined_reference_is_written_in_spanish_for_an_applicant_who_chose_it(
    platform: Platform, journey: Any
) -> None:
    # given the applicant signed up in Spanish (the association writes English by default)
    platform.publish(journey.account_registered("es"))
    # when a rater declines
    platform.publish(journey.reference_declined())
    # then the email is in Spanish, with the rater's words and the references page
    email = platform.only(journey.applicant.email)
    assert email.subject == "Una persona evaluadora no dará una referencia para su solicitud Infant Family Specialist"
    text = email.text_body
    assert "Estimado/a Zoë Ñúñez-Łukasiewicz:" in text
    assert "Rita Moreno rechazó dar la referencia 2 de su solicitud Infant Family Specialist" in text
    assert "Mensaje de la persona evaluadora: I have not supervised her for long enough." in text
    assert "indique otra persona evaluadora para la referencia 2 en la página de referencias" in text
    assert f"{BASE}/apply/{journey.application_id}/references" in text
    assert '<html lang="es">' in email.html_body
    # and waived, the rater's words stay out in Spanish too
    other = type(journey)(applicant=journey.applicant)
    platform.publish(other.reference_declined(waived=True, reason="SECRETO"))
    waived = next(e for e in platform.to(journey.applicant.email) if e.id != email.id)
    assert "SECRETO" not in bodies(waived)
    assert "no se le comunica, porque usted renunció a su derecho a ver esta referencia" in waived.text_body


def test_a_completed_reference_tells_the_applicant_only_that_it_is_complete(platform: Platform, journey: Any) -> None:
    platform.publish(journey.started())
    platform.publish(journey.reference_completed())
    email = platform.only(journey.applicant.email)
    assert email.subject == "A reference for your Infant Family Specialist application is complete"
    assert "Rita Moreno completed reference 2" in email.text_body
    assert "counts for applications submitted until March 20, 2026" in email.text_body
    for private in ("XYZZY", "PLUGH", "rating", "self_awareness", "not enough", "4 "):
        assert private not in bodies(email), private


def test_an_event_naming_nobody_about_an_unknown_application_is_skipped_with_a_log_line(
    platform: Platform, journey: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="notifications")
    assert platform.publish(journey.reference_completed()) == "duplicate"  # position recorded, nothing saved
    assert platform.emails() == []
    assert f"application {journey.application_id}: nobody known to tell" in caplog.text


def test_a_resubmission_is_confirmed_once_whichever_event_announces_it(platform: Platform, journey: Any) -> None:
    platform.publish(journey.resubmitted(2, "deferral"))
    platform.publish(journey.submitted(2))  # an older producer's way of saying the same
    email = platform.only(journey.applicant.email)
    assert email.kind == "application-resubmitted"
    assert email.subject == "We received your Infant Family Specialist endorsement application"
    assert "received your resubmitted application" in email.text_body
    assert "It follows the deferral; it will be reviewed again." in email.text_body


def test_a_withdrawal_is_confirmed_with_the_category_named_from_tenant_data(platform: Platform, journey: Any) -> None:
    platform.publish(journey.withdrawn())
    email = platform.only(journey.applicant.email)
    assert email.subject == "Your Infant Family Specialist application is withdrawn"
    assert "The reason you gave: Moving to Oregon" in email.text_body
    assert "If you did not withdraw it" in email.text_body


def test_renewal_and_reinstatement_submissions_are_confirmed(platform: Platform, journey: Any) -> None:
    platform.publish(journey.renewal_submitted())
    platform.publish(journey.reinstatement_submitted())
    renewal, reinstatement = platform.to(journey.applicant.email)
    assert renewal.subject == "We received your 2026 renewal: Infant Family Specialist"
    assert reinstatement.subject == "We received your reinstatement application: Infant Family Specialist"


# reviews service -----------------------------------------------------------------------------------------------


def test_an_assigned_reviewer_hears_a_case_awaits_them_without_the_applicants_details(
    platform: Platform, journey: Any
) -> None:
    platform.publish(journey.started())
    platform.publish(journey.reviewer_assigned())
    email = platform.only("reviewer.mentor@itmhca.example")
    assert email.subject == "A review case awaits you: Infant Family Specialist"
    assert "Dear Volunteer Reviewer," in email.text_body
    assert f"{BASE}/reviews/cases/{journey.review_case_id}" in email.text_body
    assert "Zoë" not in bodies(email)
    assert journey.applicant.email not in bodies(email)


def test_an_information_request_lists_the_items_the_message_and_the_link(platform: Platform, journey: Any) -> None:
    platform.publish(journey.information_requested())
    email = platform.only(journey.applicant.email)
    assert email.subject == "More information needed for your Infant Family Specialist application"
    assert "Please add or change:\n- Official transcript\n- RSC log for 2024\n" in email.text_body
    assert "<ul><li>Official transcript</li><li>RSC log for 2024</li></ul>" in email.html_body
    assert "Message: Please upload the transcript." in email.text_body
    assert f"{BASE}/apply/{journey.application_id}" in email.text_body


def test_an_information_request_without_a_message_says_so(platform: Platform, journey: Any) -> None:
    platform.publish(journey.information_requested(message=None))
    assert "Message: (no message)" in platform.only(journey.applicant.email).text_body


def test_a_deferral_gives_reasons_recommendations_and_the_earliest_rereview_date(
    platform: Platform, journey: Any
) -> None:
    platform.publish(journey.deferred())
    email = platform.only(journey.applicant.email)
    assert email.subject == "Your Infant Family Specialist application is deferred"
    assert "- Too few hours of reflective supervision" in email.text_body
    assert "- 12 more hours of RSC" in email.text_body
    assert "reviewed again from September 1, 2025" in email.text_body


@pytest.mark.parametrize("passed", [True, False])
def test_the_exam_result_reaches_the_applicant_approved_for_it(platform: Platform, journey: Any, passed: bool) -> None:
    # given the applicant was approved for the exam (the exam result names nobody, by design)
    platform.publish(journey.approved_for_exam())
    # when their attempt is scored
    platform.publish(journey.exam_scored(passed=passed))
    approved, result = platform.to(journey.applicant.email)
    assert approved.subject == "Approved for the exam: Infant Family Specialist"
    if passed:
        assert result.subject == "You passed the Infant Family Specialist exam"
    else:
        assert result.subject == "Your Infant Family Specialist exam result"
        assert "You may take it again from May 10, 2026" in result.text_body
    assert "exam you took on May 10, 2025" in result.text_body
    assert "67" not in bodies(result)  # no part scores


def test_an_exam_registration_tells_the_examinee_the_date_and_what_to_expect(platform: Platform, journey: Any) -> None:
    # given the applicant was approved for the exam (the registration names nobody, by design)
    platform.publish(journey.approved_for_exam())
    # when they register for the March sitting
    platform.publish(journey.exam_registered())
    # then they hear the date, both parts, what to expect and have ready, and how to withdraw
    approved, registered = platform.to(journey.applicant.email)
    assert approved.kind == "approved-for-exam"
    assert registered.kind == "exam-registered"
    assert registered.recipient_name == "Zoë Ñúñez-Łukasiewicz"
    assert registered.subject == "You are registered for the Infant Family Specialist exam on March 13, 2027"
    text = registered.text_body
    assert "Dear Zoë Ñúñez-Łukasiewicz," in text
    assert "endorsement exam on March 13, 2027. You registered yourself." in text
    assert "What you take: Both parts: part 1, multiple-choice questions, and part 2," in text
    assert "the scorers know you only by a candidate number, never by name" in text
    assert "a computer with a reliable internet connection" in text
    assert "If you need accommodations, ask the endorsement coordinator in writing" in text
    assert "does not count as an attempt" in text
    assert f"{BASE}/apply/{journey.application_id}" in text
    assert "<strong>March 13, 2027</strong>" in registered.html_body


def test_a_retake_registered_by_the_coordinator_with_accommodations_says_so(platform: Platform, journey: Any) -> None:
    platform.publish(journey.approved_for_exam())
    platform.publish(journey.exam_registered(attempt=2, parts=(2,), by_coordinator=True, accommodations=True))
    text = platform.to(journey.applicant.email)[1].text_body
    assert "The endorsement coordinator registered you at your written request." in text
    assert "What you take: Part 2 only, the written responses to vignettes (or essays)" in text
    assert "multiple-choice" not in text
    assert "You asked for accommodations: the endorsement coordinator will write to you with the decision." in text
    assert "If you need accommodations" not in text


def test_an_exam_registration_reaches_a_spanish_reader_in_spanish(
    itmhca: Tenant, journey: Any, memory_app: NotificationsApplication, producers: Any
) -> None:
    platform = Platform({"itmhca": replace(itmhca, default_language="es")}, memory_app, producers)
    platform.publish(journey.approved_for_exam())
    platform.publish(journey.exam_registered(parts=(1,), attempt=2))
    email = platform.to(journey.applicant.email)[1]
    assert email.subject == "Inscripción confirmada en el examen Infant Family Specialist del 13 de marzo de 2027"
    assert "Usted mismo/a hizo la inscripción." in email.text_body
    assert "Qué presenta: Solo la parte 1, las preguntas de opción múltiple" in email.text_body
    assert "Si necesita adaptaciones, solicítelas por escrito" in email.text_body
    assert '<html lang="es">' in email.html_body


def test_an_exam_registration_without_a_known_examinee_is_skipped(
    platform: Platform, journey: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="notifications")
    assert platform.publish(journey.exam_registered()) == "duplicate"
    assert platform.emails() == []
    assert f"ExamRegistered.v1 about application {journey.application_id}: nobody known to tell" in caplog.text


def test_a_denial_gives_the_reasons(platform: Platform, journey: Any) -> None:
    platform.publish(journey.denied())
    email = platform.only(journey.applicant.email)
    assert email.subject == "Decision on your Infant Family Specialist application"
    assert "- Work experience does not meet the category" in email.text_body


def test_endorsement_events_without_a_person_reach_the_holder_named_at_the_grant(
    platform: Platform, journey: Any
) -> None:
    # given the endorsement was granted to Zoë
    platform.publish(journey.granted())
    # when it is renewed, lapses, is reinstated and revoked (events that carry no personal data)
    for event in (journey.renewal_approved(), journey.lapsed(), journey.reinstated(), journey.revoked()):
        platform.publish(event)
    # then she hears of each
    granted, renewed, lapsed, reinstated, revoked = platform.to(journey.applicant.email)
    assert granted.subject == "You are endorsed: Infant Family Specialist"
    assert renewed.subject == "Your Infant Family Specialist endorsement is renewed"
    assert "next renewal is due by December 15, 2027" in renewed.text_body
    assert lapsed.subject == "Your Infant Family Specialist endorsement has lapsed"
    assert "lapsed on February 1, 2027" in lapsed.text_body
    assert "The renewal was not completed by February 1." in lapsed.text_body
    assert reinstated.subject == "Your Infant Family Specialist endorsement is reinstated"
    assert revoked.subject == "Your Infant Family Specialist endorsement is revoked"
    assert "The reason: Sanctioned by a board" in revoked.text_body
    assert f"{BASE}/endorsements/{journey.endorsement_id}" in renewed.text_body
    assert all(email.recipient_name == "Zoë Ñúñez-Łukasiewicz" for email in (renewed, lapsed, revoked))


def test_a_holder_with_a_new_address_is_written_to_there(platform: Platform, journey: Any) -> None:
    platform.publish(journey.granted())
    moved = Person(account_id=journey.applicant.account_id, name="Zoë Ñúñez", email="zoe.new@example.org")
    platform.publish(journey.renewal_submitted(applicant=moved))
    platform.publish(journey.renewal_approved())
    assert [e.kind for e in platform.to("zoe.new@example.org")] == ["renewal-submitted", "renewal-approved"]
    assert platform.to("zoe.new@example.org")[1].recipient_name == "Zoë Ñúñez"


def test_an_unknown_holder_is_skipped_not_dead_lettered(
    platform: Platform, journey: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="notifications")
    assert platform.publish(journey.lapsed()) == "duplicate"
    assert platform.emails() == []
    assert f"EndorsementLapsed.v1 about endorsement {journey.endorsement_id}: nobody known to tell" in caplog.text


def test_another_associations_contact_is_never_used(
    itmhca: Tenant, journey: Any, memory_app: NotificationsApplication, producers: Any
) -> None:
    other = replace(itmhca, slug="other", name="Other Association")
    platform = Platform({"itmhca": itmhca, "other": other}, memory_app, producers)
    platform.publish(journey.granted())
    platform.publish(replace_tenant(journey.lapsed(), "other"))
    assert [e.kind for e in platform.emails()] == ["endorsement-granted"]


def replace_tenant(event: IntegrationEvent, tenant: str) -> IntegrationEvent:
    return event.model_copy(update={"tenant": tenant})


# every notice --------------------------------------------------------------------------------------------------

STEPS: dict[str, Callable[[Any], IntegrationEvent]] = {
    "registered": lambda j: j.registered(),
    "accepted": lambda j: j.accepted(),
    "reference requested": lambda j: j.reference_requested(),
    "reference reminder": lambda j: j.reference_requested(3),
    "reference voided": lambda j: j.reference_voided(),
    "reference completed": lambda j: j.reference_completed(),
    "submitted": lambda j: j.submitted(),
    "resubmitted": lambda j: j.resubmitted(),
    "withdrawn": lambda j: j.withdrawn(),
    "renewal submitted": lambda j: j.renewal_submitted(),
    "reinstatement submitted": lambda j: j.reinstatement_submitted(),
    "reviewer assigned": lambda j: j.reviewer_assigned(),
    "information requested": lambda j: j.information_requested(),
    "deferred": lambda j: j.deferred(),
    "approved for exam": lambda j: j.approved_for_exam(),
    "exam registered": lambda j: j.exam_registered(),
    "exam retake registered": lambda j: j.exam_registered(attempt=2, parts=(2,)),
    "exam passed": lambda j: j.exam_scored(passed=True),
    "exam not passed": lambda j: j.exam_scored(passed=False),
    "denied": lambda j: j.denied(),
    "granted": lambda j: j.granted(),
    "renewal approved": lambda j: j.renewal_approved(),
    "lapsed": lambda j: j.lapsed(),
    "reinstated": lambda j: j.reinstated(),
    "revoked": lambda j: j.revoked(),
}


@pytest.mark.parametrize("step", sorted(STEPS))
def test_a_redelivered_or_republished_event_queues_no_second_email(platform: Platform, journey: Any, step: str) -> None:
    # given the applicant and holder are known (as after the start of any application and the grant)
    platform.publish(journey.started())
    platform.publish(journey.granted())
    before = len(platform.emails())
    # when the event arrives, then again under its own id, then republished under another
    event = STEPS[step](journey)
    platform.publish(event, "ce-1")
    platform.publish(event, "ce-1")
    platform.publish(event, "ce-2")
    # then exactly one email was queued for it (the grant's own step: none beyond the first)
    assert len(platform.emails()) == before + (0 if step == "granted" else 1)


def test_contacts_are_learnt_once_and_saved_with_the_position(platform: Platform, journey: Any) -> None:
    assert platform.publish(journey.started()) == "processed"
    assert platform.publish(journey.started()) == "duplicate"
    contact = platform.app.find_contact("application", journey.application_id, "itmhca")
    assert isinstance(contact, Contact)
    assert (contact.address, contact.name) == (journey.applicant.email, journey.applicant.name)


# languages -----------------------------------------------------------------------------------------------------


def test_an_association_writing_in_spanish_by_default_writes_applicants_in_spanish(
    itmhca: Tenant, journey: Any, memory_app: NotificationsApplication, producers: Any
) -> None:
    platform = Platform({"itmhca": replace(itmhca, default_language="es")}, memory_app, producers)
    platform.publish(journey.information_requested())
    platform.publish(journey.granted())
    platform.publish(journey.reference_requested())
    info, granted = platform.to(journey.applicant.email)
    assert info.subject == "Se necesita más información para su solicitud Infant Family Specialist"
    assert "Añada o corrija:\n- Official transcript\n" in info.text_body
    assert '<html lang="es">' in info.html_body
    assert "vigente desde el 2 de junio de 2025" in granted.text_body
    assert "Este mensaje se envió automáticamente" in granted.text_body
    # and the rater, who chose no language, reads theirs in the association's default too
    rater = platform.only(journey.rater.email)
    assert rater.subject == "Complete una referencia para Zoë Ñúñez-Łukasiewicz"
    assert "vence el 31 de marzo de 2025" in rater.text_body
    assert "Este mensaje se envió automáticamente" in rater.text_body


def test_a_person_s_preferred_language_wins_when_the_association_writes_in_it(itmhca: Tenant) -> None:
    # Person has no language today; when a later version of the contract adds one, it is honoured
    class PersonWithLanguage:
        language = "es"

    assert preferred_language(PersonWithLanguage()) == "es"
    assert preferred_language(Person(account_id=uuid4(), name="Zoë", email="zoe@example.org")) is None
    assert itmhca.language_for("es") == "es"
    assert itmhca.language_for("fr") == "en"  # not one of the association's languages
    assert itmhca.language_for(None) == "en"


def test_a_rater_reads_the_request_in_the_language_the_applicant_chose_for_them(
    itmhca: Tenant, journey: Any, memory_app: NotificationsApplication, producers: Any
) -> None:
    platform = Platform({"itmhca": replace(itmhca, default_language="es")}, memory_app, producers)
    journey.rater = journey.rater.model_copy(update={"language": "en"})
    platform.publish(journey.reference_requested())
    assert platform.only(journey.rater.email).subject == "Please complete a reference for Zoë Ñúñez-Łukasiewicz"


def test_staff_read_the_association_s_default_language(
    itmhca: Tenant, journey: Any, memory_app: NotificationsApplication, producers: Any
) -> None:
    platform = Platform({"itmhca": replace(itmhca, default_language="es")}, memory_app, producers)
    platform.publish(journey.registered())
    platform.publish(journey.reviewer_assigned())
    coordinator = platform.only("coordinator@itmhca.example")
    assert coordinator.subject.startswith("Inscripción pendiente de aceptación: Zoë Ñúñez-Łukasiewicz")
    assert platform.only("reviewer.mentor@itmhca.example").subject == (
        "Un caso de revisión le espera: Infant Family Specialist"
    )


def test_an_applicant_is_written_to_in_the_language_learnt_from_their_account(
    platform: Platform, journey: Any
) -> None:
    # given the applicant signed up in Spanish (the association writes English by default)
    assert platform.publish(journey.account_registered("es")) == "processed"
    # when events naming them (and one naming nobody, sent to the contact) arrive
    platform.publish(journey.information_requested())
    platform.publish(journey.approved_for_exam())
    platform.publish(journey.exam_scored(passed=True))
    # then every email to them is in Spanish
    subjects = sorted(email.subject for email in platform.to(journey.applicant.email))
    assert subjects == [
        "Aprobado/a para el examen: Infant Family Specialist",
        "Aprobó el examen Infant Family Specialist",
        "Se necesita más información para su solicitud Infant Family Specialist",
    ]


def test_a_changed_language_is_used_from_then_on_and_a_late_copy_changes_nothing(
    platform: Platform, journey: Any
) -> None:
    platform.publish(journey.account_registered("es"))
    platform.publish(journey.granted())
    # when the holder switches to English, and then an older profile change is republished
    platform.publish(journey.profile_changed("en", occurred_at=datetime(2025, 7, 1, tzinfo=UTC)))
    assert platform.publish(journey.profile_changed("es", occurred_at=datetime(2025, 6, 1, tzinfo=UTC))) == (
        "duplicate"
    )
    platform.publish(journey.lapsed())
    granted, lapsed = sorted(platform.to(journey.applicant.email), key=lambda email: email.kind)
    assert granted.subject == "Recibió el endorsement: Infant Family Specialist"
    assert lapsed.subject == "Your Infant Family Specialist endorsement has lapsed"


def test_another_associations_account_language_is_never_used(
    itmhca: Tenant, journey: Any, memory_app: NotificationsApplication, producers: Any
) -> None:
    platform = Platform({"itmhca": itmhca, "other": replace(itmhca, slug="other")}, memory_app, producers)
    platform.publish(replace_tenant(journey.account_registered("es"), "other"))
    platform.publish(journey.information_requested())
    assert platform.only(journey.applicant.email).subject.startswith("More information needed")


# accounts ------------------------------------------------------------------------------------------------------


def test_an_email_confirmation_link_is_sent_once_per_request_in_the_person_s_language(
    platform: Platform, journey: Any
) -> None:
    # given a confirmation is requested in Spanish; the record is redelivered and republished
    event = journey.verification_requested("es")
    assert platform.publish(event, "ce-1") == "processed"
    assert platform.publish(event, "ce-1") == "duplicate"
    assert platform.publish(event, "ce-2") == "duplicate"
    # then one email, in Spanish, with the link on its own line and the expiry on the association's clock
    email = platform.only(journey.applicant.email)
    assert email.kind == "email-verification"
    assert email.subject == "Confirme su dirección de correo electrónico"
    assert f"\n{event.link}\n" in email.text_body
    assert f'href="{event.link}"' in email.html_body
    assert "vence el 7 de diciembre de 2026 a las 22:00 (MST)" in email.text_body
    assert email.id == Email.id_for("email-verification", event.request_id, "requested")
    # and a new request is a new email
    platform.publish(journey.verification_requested("en"))
    second = next(e for e in platform.to(journey.applicant.email) if e.id != email.id)
    assert second.subject == "Confirm your email address"
    assert "expires on December 7, 2026 at 10:00 PM MST" in second.text_body


def test_a_password_reset_link_says_its_expiry_and_what_to_do_if_it_was_not_them(
    platform: Platform, journey: Any
) -> None:
    event = journey.reset_requested("en")
    platform.publish(event)
    email = platform.only(journey.applicant.email)
    assert email.subject == "Reset your password"
    assert f"\n{event.link}\n" in email.text_body
    assert "expires on December 7, 2026 at 10:00 PM MST" in email.text_body
    assert "If it was not you, ignore this email" in email.text_body


@pytest.mark.parametrize(
    ("how", "language", "subject", "says"),
    [
        ("changed", "en", "Your password was changed", "If it was not you, reset your password at once"),
        ("reset", "en", "Your password was reset", "If it was not you, someone can read your email"),
        ("changed", "es", "Se cambió su contraseña", "Si no fue usted, restablezca su contraseña de inmediato"),
        ("reset", "es", "Se restableció su contraseña", "Si no fue usted, alguien puede leer su correo"),
    ],
)
def test_a_changed_password_is_confirmed_once_with_what_to_do_if_it_was_not_them(
    platform: Platform, journey: Any, how: str, language: str, subject: str, says: str
) -> None:
    event = journey.password_changed(how, language)
    platform.publish(event)
    platform.publish(event)
    email = platform.only(journey.applicant.email)
    assert email.subject == subject
    assert says in email.text_body
    assert f"{BASE}/" in email.text_body


def test_account_links_reach_no_log_line_and_no_support_screen(
    platform: Platform, journey: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    verify, reset = journey.verification_requested(), journey.reset_requested()
    platform.publish(verify)
    platform.publish(reset)

    class Refusing:
        def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
            raise PermanentDeliveryError("550 5.1.1 mailbox unavailable")

    MailSender(platform.app, Refusing(), "no-reply@endorsement.example").run_once()
    assert "failed for good: 550 5.1.1 mailbox unavailable" in caplog.text
    assert "secret-" not in caplog.text
    for email in platform.to(journey.applicant.email):
        detail = _detail(email)
        assert (detail.text_body, detail.html_body) == (WITHHELD, WITHHELD)


def test_an_account_link_that_is_not_a_web_link_is_refused_without_repeating_it(
    platform: Platform, journey: Any
) -> None:
    with pytest.raises(RejectedMessage) as refused:
        platform.publish(journey.reset_requested(link="javascript:alert('secret-js')"))
    assert "INVALID_EMAIL" in refused.value.reason
    assert "secret-js" not in refused.value.reason


def test_an_account_event_of_an_unknown_association_is_refused(platform: Platform, journey: Any) -> None:
    with pytest.raises(RejectedMessage) as refused:
        platform.publish(replace_tenant(journey.account_registered(), "nowhere"))
    assert refused.value.reason == "unknown tenant 'nowhere'"


def test_a_sign_up_or_profile_change_sends_nothing_and_is_remembered_once(platform: Platform, journey: Any) -> None:
    assert platform.publish(journey.account_registered("es")) == "processed"
    assert platform.publish(journey.profile_changed("es")) == "duplicate"  # nothing new
    assert platform.emails() == []
    account = platform.app.find_account(journey.applicant.account_id, "itmhca")
    assert account is not None
    assert account.language == "es"


def test_a_contact_stored_before_accounts_were_read_has_no_account() -> None:
    state: dict[str, Any] = {"tenant": "itmhca", "address": "a@b.org", "name": "A", "language": None}
    Contact.Learnt.upcast_v1_v2(state)
    assert state["account_id"] is None
    changed: dict[str, Any] = {"address": "a@b.org", "name": "A", "language": None}
    Contact.Changed.upcast_v1_v2(changed)
    assert changed["account_id"] is None


def test_the_consumer_reads_the_sealed_topics_and_the_erasure_ledger(platform: Platform) -> None:
    assert platform.consumer.topics() == sorted(
        {"endorsement.accounts.v2", "endorsement.applications.v2", "endorsement.reviews.v2",
         "endorsement.erasures.v1"}
    )


# erasure -------------------------------------------------------------------------------------------------------


def person_erased(subject: str, erasure_id: UUID | None = None) -> PersonErased:
    return PersonErased(tenant="itmhca", occurred_at=datetime(2025, 7, 1, tzinfo=UTC),
                        erasure_id=erasure_id or uuid4(), subject=subject)


def test_an_erased_applicant_is_written_to_no_more_and_the_erasure_is_recorded_once(
    platform: Platform, journey: Any
) -> None:
    # given an applicant who was told of their submission
    platform.publish(journey.submitted())
    subject = account_subject(journey.applicant.account_id)
    erasure = person_erased(subject)
    # when they are erased, and the request is delivered again
    assert platform.publish(erasure) == "processed"
    assert platform.publish(erasure) == "duplicate"
    # then their key is destroyed and the erasure recorded once, under the id derived from the request
    assert platform.app.keys.is_erased(subject)
    recorded = platform.app.repository.get(Erasure.id_for(erasure.erasure_id))
    assert (recorded.subject, recorded.tenant) == (subject, "itmhca")
    # and their stored email and contact replay with nothing personal left
    [email] = platform.emails()
    assert email.erased and (email.recipient, email.subject, email.text_body) == (None, None, None)
    # and their email still queued failed at once, for good, with its own key destroyed too
    assert (email.status, email.failure) == (EmailStatus.FAILED, RECIPIENT_ERASED)
    assert platform.app.keys.is_erased(f"email:{email.id}")
    contact = platform.app.find_contact("application", journey.application_id, "itmhca")
    assert contact is not None and contact.erased
    # and nothing that names them (or reaches them through their contact) queues an email or learns them again
    assert platform.publish(journey.accepted()) == "duplicate"
    assert platform.publish(journey.reference_completed()) == "duplicate"
    assert len(platform.emails()) == 1


def test_a_rater_erased_by_address_gets_no_reminder_and_the_applicant_still_hears(
    platform: Platform, journey: Any
) -> None:
    platform.publish(journey.reference_requested(1))
    rater = rater_subject("itmhca", journey.rater.email.upper(), DEVELOPMENT_RATER_INDEX_KEY)
    platform.publish(person_erased(rater))
    platform.publish(journey.reference_requested(2))
    platform.publish(journey.reference_declined())
    assert platform.to(journey.rater.email) == []  # the first request no longer opens; no reminder queued
    [declined] = platform.to(journey.applicant.email)
    assert declined.kind == "reference-declined"


def test_each_email_is_sealed_under_its_recipient(platform: Platform, journey: Any) -> None:
    platform.publish(journey.registered())
    platform.publish(journey.reference_requested(1))
    platform.publish(journey.submitted())
    by_kind = {email.kind: email.data_subject for email in platform.emails()}
    assert by_kind == {
        "registration-awaiting-acceptance": rater_subject("itmhca", "coordinator@itmhca.example",
                                                          DEVELOPMENT_RATER_INDEX_KEY),
        "reference-requested": rater_subject("itmhca", journey.rater.email, DEVELOPMENT_RATER_INDEX_KEY),
        "application-submitted": account_subject(journey.applicant.account_id),
    }


def test_events_stored_before_sealing_still_load() -> None:
    # an email and a contact stored as plaintext (Queued v1, Learnt/Changed v2) upcast to unsealed values
    queued: dict[str, Any] = {"tenant": "itmhca", "kind": "k", "recipient": "a@b.org", "recipient_name": "A",
                              "sender_name": "S", "reply_to": "r@b.org", "subject": "Hi", "text_body": "T",
                              "html_body": "H", "cause_id": "c", "cause_type": "t"}
    Email.Queued.upcast_v1_v2(queued)
    assert queued["letter"] == Letter(None, "a@b.org", "A", "Hi", "T", "H")
    assert "recipient" not in queued and "text_body" not in queued
    # and so does one sealed whole under its recipient (Queued v2): both parts keep the recipient's subject
    Email.Queued.upcast_v2_v3(queued)
    assert (queued["addressee"], queued["wording"]) == (Addressee(None, "a@b.org", "A"), Wording(None, "Hi", "T", "H"))
    assert "letter" not in queued
    learnt: dict[str, Any] = {"tenant": "itmhca", "address": "a@b.org", "name": "A", "language": None}
    Contact.Learnt.upcast_v1_v2(learnt)
    Contact.Learnt.upcast_v2_v3(learnt)
    assert learnt == {"tenant": "itmhca", "person": Addressee(None, "a@b.org", "A"), "language": None,
                      "account_id": None}


# the sealed v2 topics (docs/erasure.md, slice 7b) ---------------------------------------------------------------


ACCOUNT_STEPS: dict[str, Callable[[Any], IntegrationEvent]] = {
    "account registered": lambda j: j.account_registered("es"),
    "profile changed": lambda j: j.profile_changed("en"),
    "verification requested": lambda j: j.verification_requested(),
    "reset requested": lambda j: j.reset_requested(),
    "password changed": lambda j: j.password_changed(),
}


@pytest.mark.parametrize("step", sorted({**STEPS, **ACCOUNT_STEPS}))
def test_a_v2_record_whose_v1_twin_was_handled_before_the_switch_changes_nothing(
    platform: Platform, journey: Any, step: str
) -> None:
    # given the consumer read the v1 topics: the applicant and holder known, then the step's event handled
    event = {**STEPS, **ACCOUNT_STEPS}[step](journey)
    for ce_id, v1 in (("ce-started", journey.started()), ("ce-granted", journey.granted()), ("ce-step", event)):
        platform.publish_v1(v1, ce_id)
    emails, stored = platform.emails(), platform.stored()
    assert platform.v1_consumer.stats.processed >= 2
    # when it moves to the v2 topics and reads them from their start: the twins, under the same ce_ids
    for ce_id, v1 in (("ce-started", journey.started()), ("ce-granted", journey.granted()), ("ce-step", event)):
        assert platform.publish(v1, ce_id) == "duplicate"
    # then nothing new: no email, no contact, no account language, and the same emails as before
    assert platform.stored() == stored
    assert [email.id for email in platform.emails()] == [email.id for email in emails]


def test_a_reference_link_travels_sealed_under_the_rater_and_is_opened_only_to_write_the_email(
    platform: Platform, journey: Any
) -> None:
    event = journey.reference_requested()
    record = platform.producers.sealed(event, "ce-link")
    assert event.form_url not in record.model_dump_json() and journey.rater.email not in record.model_dump_json()
    assert record.form_url.startswith("pd1.")
    assert platform.publish(event, "ce-link") == "processed"
    assert f"\n\n{event.form_url}\n\n" in platform.only(journey.rater.email).text_body


def test_an_applicant_erased_before_the_relay_is_written_to_and_named_to_nobody(
    platform: Platform, journey: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="notifications")
    # given the producers erased the applicant before relaying these events: their values open to None
    platform.producers.erase(account_subject(journey.applicant.account_id))
    # when events that write to them, or name them to a coordinator or a rater, arrive
    for event in (journey.started(), journey.submitted(), journey.registered(), journey.reference_requested(),
                  journey.information_requested(), journey.granted()):
        # then each is handled (its position recorded; no dead letter) and queues nothing
        assert platform.publish(event) == "duplicate"
    assert platform.emails() == []
    assert platform.app.find_contact("application", journey.application_id, "itmhca") is None
    assert "not queued: it would write to or name a person who was erased" in caplog.text
    assert journey.applicant.email not in caplog.text and "Zoë" not in caplog.text


def test_a_rater_erased_before_the_relay_gets_no_request_and_the_applicant_still_hears_of_the_decline(
    platform: Platform, journey: Any
) -> None:
    platform.publish(journey.started())
    platform.producers.erase(rater_subject("itmhca", journey.rater.email, DEVELOPMENT_RATER_INDEX_KEY))
    # the request's address, name and link open to None: no email, no refusal of the "link"
    assert platform.publish(journey.reference_requested()) == "duplicate"
    assert platform.to(journey.rater.email) == [] and platform.emails() == []
    # the applicant still hears that the reference needs another rater, the rater unnamed
    assert platform.publish(journey.reference_declined()) == "processed"
    declined = platform.only(journey.applicant.email)
    assert "Your rater declined to give reference 2 for your Infant Family Specialist application" in (
        declined.text_body)
    assert "Rita" not in bodies(declined)
    assert "The rater's message: I have not supervised her for long enough." in declined.text_body  # the applicant's
    platform.publish(journey.reference_completed())
    completed = next(email for email in platform.to(journey.applicant.email) if email.kind == "reference-completed")
    assert "Your rater completed reference 2" in completed.text_body


def test_an_erased_rater_is_unnamed_in_spanish_too(
    platform: Platform, journey: Any
) -> None:
    platform.publish(journey.account_registered("es"))
    platform.producers.erase(rater_subject("itmhca", journey.rater.email, DEVELOPMENT_RATER_INDEX_KEY))
    platform.publish(journey.reference_declined())
    assert "Su persona evaluadora rechazó dar la referencia 2" in platform.only(journey.applicant.email).text_body


def test_an_erased_account_or_reviewer_gets_no_email_and_no_address_made_of_none(
    platform: Platform, journey: Any
) -> None:
    platform.producers.erase(account_subject(journey.applicant.account_id))
    platform.producers.erase(rater_subject("itmhca", "reviewer.mentor@itmhca.example", DEVELOPMENT_RATER_INDEX_KEY))
    outcomes = [platform.publish(event) for event in (
        journey.verification_requested("es"), journey.reset_requested("es"), journey.password_changed(language="es"),
        journey.reviewer_assigned())]
    # each handled, none dead-lettered; the first only learnt the account's language (a code, naming nobody)
    assert outcomes == ["processed", "duplicate", "duplicate", "duplicate"]
    assert platform.emails() == []
    account = platform.app.find_account(journey.applicant.account_id, "itmhca")
    assert account is not None and account.language == "es"


def test_a_holder_erased_before_the_relay_hears_nothing_of_the_revocation_even_while_still_known_here(
    platform: Platform, journey: Any
) -> None:
    platform.publish(journey.granted())
    platform.producers.erase(account_subject(journey.applicant.account_id))  # PersonErased not read here yet
    assert platform.publish(journey.revoked()) == "duplicate"  # its reason, the coordinator's words, opens to None
    assert [email.kind for email in platform.emails()] == ["endorsement-granted"]
