"""Examinations stored before the exam modules became `reviews.domain.examination` still load: their stored events
name the old modules in their topics (`reviews.domain.examination:Examination.Opened`,
`reviews.domain.examination_events:Registered`, ...), and those topics resolve to the classes they name now."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from eventsourcing.persistence import StoredEvent
from reviews.application import Reviews, Submission
from reviews.config import Tenant
from reviews.domain import Actor
from reviews.domain.examination.aggregate import Examination, examination_id_for

COORDINATOR = Actor(uuid4(), "Cora Coordinator")
NEW_AGGREGATE = "reviews.domain.examination.aggregate:Examination"
OLD_AGGREGATE = "reviews.domain.examination:Examination"
NEW_EVENTS = "reviews.domain.examination.events:"
OLD_EVENTS = "reviews.domain.examination_events:"


def as_stored_before_the_move(stored: StoredEvent) -> StoredEvent:
    """The record as the service wrote it before the move: old topics, in the record and in the created event."""
    topic = stored.topic.replace(NEW_AGGREGATE, OLD_AGGREGATE).replace(NEW_EVENTS, OLD_EVENTS)
    state = stored.state.replace(NEW_AGGREGATE.encode(), OLD_AGGREGATE.encode())
    return replace(stored, topic=topic, state=state)


def an_examination_with_history(reviews: Reviews, submission: Submission, itmhca: Tenant) -> UUID:
    """Approved for the exam, registered by the coordinator, part 1 recorded."""
    case = reviews.intake.case_for(replace(submission, category="IMHM-C", category_name="Mentor - Clinical"))
    assert case is not None
    reviews.save(case)
    reviews.decisions.approve_for_exam(case.id, tenant=itmhca, by=COORDINATOR, now=datetime(2027, 1, 4, 18, tzinfo=UTC))
    exam_id = examination_id_for(case.id)
    reviews.examinations.register_for_exam(exam_id, tenant=itmhca, by=COORDINATOR, applicant_id=None,
                                           sitting_on=date(2027, 3, 13), now=datetime(2027, 1, 10, 18, tzinfo=UTC))
    reviews.examinations.record_part1(exam_id, tenant=itmhca, by=COORDINATOR, percent=85,
                                      now=datetime(2027, 3, 14, 18, tzinfo=UTC))
    return exam_id


def test_an_examination_stored_under_the_old_topics_loads_with_its_history(
    reviews: Reviews, other_store: Reviews, submission: Submission, itmhca: Tenant
) -> None:
    # given an examination's events as they were stored before the move
    exam_id = an_examination_with_history(reviews, submission, itmhca)
    old_records = [as_stored_before_the_move(s) for s in reviews.recorder.select_events(exam_id)]
    assert [r.topic for r in old_records] == [
        f"{OLD_AGGREGATE}.Opened",
        f"{OLD_EVENTS}Registered",
        f"{OLD_EVENTS}Part1Recorded",
    ]
    other_store.recorder.insert_events(old_records)

    # when the store loads it
    loaded = other_store.examinations.get_examination(exam_id, itmhca.slug)

    # then it is the same examination, with the same audit trail
    original = reviews.examinations.examination_file(exam_id, itmhca.slug)
    assert isinstance(loaded, Examination)
    assert (loaded.version, loaded.status, loaded.outstanding_parts) == (
        original.examination.version, original.examination.status, original.examination.outstanding_parts)
    assert other_store.examinations.examination_file(exam_id, itmhca.slug).history == original.history
