"""Review cases stored before their events moved to `reviews.domain.case_events` still load: their stored events name
the old modules in their topics (`reviews.domain.events_intake:CompletenessPassed`,
`reviews.domain.events_review:ReviewerAssigned`, `reviews.domain.events_decisions:Deferred`,
`reviews.domain.events_register:RenewalCaseApproved`, ...), and those topics resolve to the classes they name now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic, resolve_topic
from reviews.application import Reviews, Submission
from reviews.config import Tenant
from reviews.domain import Actor, CaseKind, RecommendationKind, case_events
from reviews.store import OLD_CASE_EVENT_MODULES, stored_topics

COORDINATOR = Actor(uuid4(), "Cora Coordinator")
REVIEWER = Actor(uuid4(), "Rae Reviewer")
MENTOR = "reviewer.mentor@itmhca.example"
NEW_MODULE = "reviews.domain.case_events"
OLD_MODULE_OF = {name: module for module, names in OLD_CASE_EVENT_MODULES.items() for name in names}


def as_stored_before_the_move(stored: StoredEvent) -> StoredEvent:
    """The record as the service wrote it before the move: a case event's topic names its old module."""
    module, _, name = stored.topic.partition(":")
    if module != NEW_MODULE:
        return stored
    return replace(stored, topic=f"{OLD_MODULE_OF[name]}:{name}")


def a_case_with_history(reviews: Reviews, submission: Submission, itmhca: Tenant) -> UUID:
    """Returned, resubmitted, reviewed by one reviewer, and deferred."""
    case = reviews.intake.case_for(submission)
    assert case is not None
    reviews.save(case)
    reviews.intake.return_incomplete(case.id, tenant=itmhca, by=COORDINATOR, items=["Transcript"], message="Please")
    resumed = reviews.intake.case_for(replace(submission, submission_number=2))
    assert resumed is not None
    reviews.save(resumed)
    reviews.intake.pass_completeness(case.id, tenant=itmhca, by=COORDINATOR)
    reviews.reviewing.assign_reviewer(case.id, tenant=itmhca, by=COORDINATOR, reviewer_email=MENTOR,
                                      now=datetime(2025, 1, 10, 18, tzinfo=UTC))
    reviews.reviewing.answer_assignment(case.id, tenant=itmhca, by=REVIEWER, reviewer_email=MENTOR, accept=True)
    reviews.reviewing.recommend(case.id, tenant=itmhca, by=REVIEWER, reviewer_email=MENTOR,
                                recommendation=RecommendationKind.DEFER, comments_for_applicant="More hours",
                                private_notes="Close")
    reviews.decisions.defer(case.id, tenant=itmhca, by=COORDINATOR, reasons=["RSC short"], recommendations=["More RSC"],
                            earliest_rereview_on=date(2026, 1, 1), now=datetime(2025, 3, 1, 18, tzinfo=UTC))
    return case.id


def a_renewal_approved(reviews: Reviews, submission: Submission, itmhca: Tenant) -> UUID:
    """An endorsement granted in February 2025, and its 2026 renewal case approved (`RenewalCaseApproved`)."""
    case = reviews.intake.case_for(submission)
    assert case is not None
    reviews.save(case)
    endorsement_id = reviews.decisions.approve(case.id, tenant=itmhca, by=COORDINATOR, effective_date=date(2025, 2, 3),
                                               now=datetime(2025, 2, 3, 18, tzinfo=UTC)).case.endorsement_id
    renewal = replace(submission, application_id=uuid4(), kind=CaseKind.RENEWAL, endorsement_id=endorsement_id,
                      renewal_year=2026, received_at=datetime(2026, 11, 2, 18, tzinfo=UTC))
    renewal_case = reviews.intake.case_for(renewal, cycles=itmhca.cycles)
    assert renewal_case is not None
    reviews.save(renewal_case)
    reviews.decisions.approve(renewal_case.id, tenant=itmhca, by=COORDINATOR,
                              now=datetime(2026, 11, 10, 18, tzinfo=UTC))
    return renewal_case.id


def test_every_old_topic_names_a_case_event_that_moved() -> None:
    moved = {name for name, value in vars(case_events).items()
             if isinstance(value, type) and issubclass(value, Aggregate.Event) and value.__module__ == NEW_MODULE}
    assert set(OLD_MODULE_OF) == moved
    for name, module in OLD_MODULE_OF.items():
        event_class = getattr(case_events, name)
        assert resolve_topic(f"{module}:{name}") is event_class
        assert stored_topics(event_class) == [f"{NEW_MODULE}:{name}", f"{module}:{name}"]
    assert get_topic(case_events.ReviewerAssigned) == f"{NEW_MODULE}:ReviewerAssigned"


@pytest.mark.parametrize("history", [a_case_with_history, a_renewal_approved])
def test_a_case_stored_under_the_old_topics_loads_with_its_history(
    history: Callable[[Reviews, Submission, Tenant], UUID], reviews: Reviews, other_store: Reviews,
    submission: Submission, itmhca: Tenant,
) -> None:
    # given a case's events as they were stored before the move
    case_id = history(reviews, submission, itmhca)
    old_records = [as_stored_before_the_move(s) for s in reviews.recorder.select_events(case_id)]
    old_modules = {r.topic.partition(":")[0] for r in old_records} - {"reviews.domain.case"}
    assert old_modules and old_modules <= set(OLD_CASE_EVENT_MODULES)
    other_store.recorder.insert_events(old_records)

    # when the store loads it
    loaded = other_store.case_file(case_id, itmhca.slug)

    # then it is the same case, with the same audit trail
    original = reviews.case_file(case_id, itmhca.slug)
    assert (loaded.case.version, loaded.case.status) == (original.case.version, original.case.status)
    assert loaded.case.assignments == original.case.assignments
    assert loaded.history == original.history


def test_the_reviewer_pairs_backfill_selects_assignments_stored_under_the_old_topic(
    reviews: Reviews, other_store: Reviews, submission: Submission, itmhca: Tenant
) -> None:
    # given a case whose ReviewerAssigned was stored before the move, and one stored after
    before = a_case_with_history(reviews, submission, itmhca)
    other_store.recorder.insert_events([as_stored_before_the_move(s) for s in reviews.recorder.select_events(before)])
    after = a_case_with_history(other_store, replace(submission, application_id=uuid4()), itmhca)

    # when the assignments are selected by their stored topics (as `reviewer_subjects.backfill` does)
    topics = stored_topics(case_events.ReviewerAssigned)
    selected = other_store.recorder.select_notifications(1, 1000, topics=topics)

    # then both are found
    assert [(n.originator_id, n.topic) for n in selected] == [
        (before, "reviews.domain.events_review:ReviewerAssigned"),
        (after, "reviews.domain.case_events:ReviewerAssigned"),
    ]
