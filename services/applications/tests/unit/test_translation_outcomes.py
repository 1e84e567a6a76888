"""Resubmissions and withdrawals become integration events; the review's outcomes stay private here."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from applications.domain import Applicant, Application, CategoryOffer
from applications.translation import Translator
from endorsement_contracts import ApplicationSubmitted, decode, encode
from endorsement_contracts.events.applications import ApplicationResubmitted, ApplicationWithdrawn
from rule_builders import context, fill, satisfying, shipped

OFFER = CategoryOffer({"IFA": "Infant Family Associate"})
AT = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
ON = date(2026, 3, 1)
RULES = shipped("IFA", ON)


def submitted() -> Application:
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA", OFFER)
    fill(application, satisfying(RULES, ON), context(ON), AT, RULES)
    application.submit(RULES, AT, ON)
    return application


def translator(events: list[Any]) -> Translator:
    def load_version(application_id: UUID, version: int) -> Application:
        aggregate: Any = None
        for stored in events:
            if stored.originator_id == application_id and stored.originator_version <= version:
                aggregate = stored.mutate(aggregate)
        assert isinstance(aggregate, Application)
        return aggregate

    return Translator(load_version)


def test_a_first_submission_stays_application_submitted() -> None:
    events = list(submitted().collect_events())

    published = translator(events)(events[-1])

    assert type(published) is ApplicationSubmitted
    assert published.type_name() == "ApplicationSubmitted.v1"


def test_a_resubmission_after_an_information_request_becomes_application_resubmitted() -> None:
    application = submitted()
    application.return_for_information(
        review_case_id=uuid4(),
        submission_number=1,
        stage="completeness",
        items=["Transcript"],
        message=None,
        requested_at=AT + timedelta(hours=1),
    )
    application.submit(RULES, AT + timedelta(hours=2), ON)
    events = list(application.collect_events())

    published = translator(events)(events[-1])

    assert isinstance(published, ApplicationResubmitted)
    assert isinstance(published, ApplicationSubmitted)  # consumers of submissions take it too
    assert (published.submission_number, published.in_response_to) == (2, "information_request")
    assert published.occurred_at == AT + timedelta(hours=2)
    assert published.requirement_report is not None and all(o.met for o in published.requirement_report)
    record = encode(published, event_id=uuid4(), source="/services/applications")
    assert dict(record.headers)["ce_type"] == b"ApplicationResubmitted.v1"
    assert decode(record.headers, record.value).event == published


def test_a_resubmission_after_a_deferral_answers_the_deferral() -> None:
    application = submitted()
    application.defer(
        review_case_id=uuid4(),
        reasons=["More RSC"],
        recommendations=[],
        earliest_rereview_on=ON,
        deferred_at=AT + timedelta(hours=1),
    )
    application.submit(RULES, AT + timedelta(hours=2), ON)
    events = list(application.collect_events())

    published = translator(events)(events[-1])

    assert isinstance(published, ApplicationResubmitted)
    assert (published.submission_number, published.in_response_to) == (2, "deferral")


def test_a_withdrawal_becomes_application_withdrawn_with_its_reason_and_submission() -> None:
    application = submitted()
    application.withdraw("  Moving abroad ")
    events = list(application.collect_events())

    published = translator(events)(events[-1])

    assert isinstance(published, ApplicationWithdrawn)
    assert (published.application_id, published.tenant, published.category) == (application.id, "itmhca", "IFA")
    assert (published.reason, published.submission_number) == ("Moving abroad", 1)
    assert published.applicant.account_id == application.applicant.account_id
    assert published.key == str(application.id)
    record = encode(published, event_id=uuid4(), source="/services/applications")
    assert decode(record.headers, record.value).event == published


def test_a_withdrawn_draft_was_never_submitted() -> None:
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA", OFFER)
    application.withdraw("Not ready")
    events = list(application.collect_events())

    published = translator(events)(events[-1])

    assert isinstance(published, ApplicationWithdrawn) and published.submission_number == 0


def test_the_reviews_outcomes_are_not_published_again() -> None:
    application = submitted()
    case = uuid4()
    application.approve_for_exam(review_case_id=case, approved_at=AT)
    application.record_exam_result(review_case_id=case, attempt=1, taken_on=ON, passed=True, retake_eligible_on=None)
    application.endorse(
        review_case_id=case,
        endorsement_id=uuid4(),
        effective_date=ON,
        renewal_date=date(2027, 1, 15),
        emerging_until=None,
        endorsed_at=AT,
    )
    events = list(application.collect_events())
    translate = translator(events)

    assert [translate(e) for e in events[-3:]] == [None, None, None]
