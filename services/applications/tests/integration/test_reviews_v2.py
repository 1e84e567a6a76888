"""The v2 switch, consumer side, on the real engines: applications reads the reviews events from the sealed
`endorsement.reviews.v2` (tokens opened by its unsealer) instead of v1.

- Migration: the consumer reads v2 from its start, so it meets the twins of records it applied from v1 before the
  move. Same `ce_id`, same ids: they change nothing.
- Erasure at the producer: a value whose subject the reviews service erased opens to None. The record is still
  applied (no crash, no dead letter): the holder's name and email stay unknown, erased items are left out, an erased
  reviewer is given no access, an erased revocation reason reads `erased`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest
from applications.application import ApplicationsService
from applications.domain import Actor, Applicant, Application, Status
from applications.domain.holdings import Holding, HoldingStatus
from applications.entrypoints import consumer as handlers_of
from endorsement_contracts import DEAD_LETTER, EndorsementGranted, Envelope, IntegrationEvent, Person
from endorsement_contracts.events import (
    EndorsementRevoked,
    InformationRequested,
    ReviewerAssigned,
    ReviewOpened,
)
from eventsourcing.persistence import Tracking
from journeys import complete_through_use_cases
from kafka import KafkaConsumer, TopicPartition
from sealed_reviews import REVIEWS_SOURCE, Position, ReviewsFeed, holder_subject, reviews_subject
from servicekit.consumer import IdempotentConsumer
from servicekit.subjects import account_subject

if TYPE_CHECKING:
    from conftest import Person as Caller
    from conftest import Running

pytestmark = pytest.mark.consumes_reviews

MIA = "mia.mentor@itmhca.example"
STAFF = uuid4()


async def eventually(check: Callable[[], Any], *, within: float = 60.0) -> Any:
    deadline = time.monotonic() + within
    last: Any = None
    while time.monotonic() < deadline:
        last = await asyncio.to_thread(check)
        if last:
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not met within {within}s; last value: {last!r}")


def handled(running: Running, *positions: Position) -> Callable[[], bool]:
    """True once the running consumer has recorded every position (applied, found applied, or dead-lettered)."""
    consumer = running.service.consumer
    assert consumer is not None
    app = running.service.app
    return lambda: all(app.has_processed(consumer.tracking_for(p.topic, p.partition, p.offset)) for p in positions)


def dead_lettered_keys(bootstrap: str) -> set[bytes]:
    """The keys of every record on the dead-letter topic, read to its end."""
    reader = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=500)
    partitions = [TopicPartition(DEAD_LETTER.name, p) for p in range(DEAD_LETTER.partitions)]
    reader.assign(partitions)
    reader.seek_to_beginning(*partitions)
    ends = reader.end_offsets(partitions)
    keys: set[bytes] = set()
    try:
        while any(reader.position(p) < ends[p] for p in partitions):
            for batch in reader.poll(timeout_ms=200).values():
                keys.update(record.key for record in batch)
    finally:
        reader.close()
    return keys


def submitted(app: ApplicationsService, caller: Caller) -> Application:
    actor = Actor(caller.account_id, caller.tenant, caller.roles)
    application = app.start(actor, Applicant(caller.account_id, caller.name, caller.email), "IFS")
    complete_through_use_cases(app, actor, application.id)
    return app.submit(application.id, actor)


def person_of(application: Application) -> Person:
    a = application.applicant
    return Person(account_id=a.account_id, name=a.name, email=a.email)


def review_opened(application: Application, case: UUID) -> ReviewOpened:
    return ReviewOpened(
        tenant="itmhca", occurred_at=datetime.now(UTC), review_case_id=case, application_id=application.id,
        submission_number=1, applicant=person_of(application), category=application.category,
        category_name=application.category_name, rule_set_version="2026.1", received_at=datetime.now(UTC))


def reviewer_assigned(application: Application, case: UUID, email: str = MIA) -> ReviewerAssigned:
    return ReviewerAssigned(
        tenant="itmhca", occurred_at=datetime.now(UTC), review_case_id=case, application_id=application.id,
        category=application.category, reviewer_email=email, reviewer_name="Mia Mentor", slot=1, assigned_by=STAFF)


def information_requested(application: Application, case: UUID) -> InformationRequested:
    return InformationRequested(
        tenant="itmhca", occurred_at=datetime.now(UTC), review_case_id=case, application_id=application.id,
        submission_number=1, applicant=person_of(application), category=application.category, stage="review",
        items=["Upload the RSC log"], message="One thing is missing.", requested_by=STAFF,
        requested_by_role="reviewer")


def endorsement_granted(application: Application, case: UUID) -> EndorsementGranted:
    today = date.today()
    return EndorsementGranted(
        tenant="itmhca", occurred_at=datetime.now(UTC), endorsement_id=uuid4(), review_case_id=case,
        application_id=application.id, applicant=person_of(application), category="IFS",
        category_name="Infant Family Specialist", effective_date=today, renewal_date=today + timedelta(days=365),
        granted_by=STAFF)


def v1_envelope(event: IntegrationEvent, event_id: UUID) -> Envelope:
    return Envelope(id=str(event_id), source=REVIEWS_SOURCE, type=event.type_name(), time=event.occurred_at,
                    event=event)


async def test_v2_twins_of_records_applied_from_v1_before_the_move_change_nothing(
    running: Running, person: Callable[..., Caller], reviews: ReviewsFeed
) -> None:
    app: ApplicationsService = running.service.app  # type: ignore[assignment]
    consumer = running.service.consumer
    assert consumer is not None
    application = await asyncio.to_thread(submitted, app, person("itmhca", "applicant"))
    case = uuid4()
    grant = endorsement_granted(application, case)
    events: list[IntegrationEvent] = [review_opened(application, case), reviewer_assigned(application, case), grant]
    ids = [uuid4() for _ in events]

    # given the consumer as it was before the move applied the v1 records (its own v1 positions)
    before = IdempotentConsumer(app, group_id="applications", handlers=handlers_of.review_handlers(app))
    for offset, (event, event_id) in enumerate(zip(events, ids, strict=True)):
        outcome = await asyncio.to_thread(before.process, v1_envelope(event, event_id),
                                          Tracking("applications/endorsement.reviews.v1/0", offset + 1))
        assert outcome == "processed"
    applied = app.load(application.id)
    assert applied.status is Status.ENDORSED
    assert applied.version == application.version + 3  # the case opened, the reviewer's access, the endorsement
    holding = app.find(Holding, grant.endorsement_id)
    assert holding is not None

    # when the moved consumer reads their sealed twins (same ce_id) from the start of endorsement.reviews.v2
    positions = [position for event, event_id in zip(events, ids, strict=True)
                 for position in await asyncio.to_thread(reviews.publish, event, event_id)]
    await eventually(handled(running, *positions))

    # then nothing changed
    assert app.load(application.id).version == applied.version
    again = app.find(Holding, grant.endorsement_id)
    assert again is not None and again.version == holding.version
    assert not {"ReviewOpened.v2", "ReviewerAssigned.v2", "EndorsementGranted.v2"} & consumer.stats.by_type.keys()
    assert consumer.stats.duplicates >= 3
    keys = await asyncio.to_thread(dead_lettered_keys, reviews.bootstrap)
    assert str(application.id).encode() not in keys and str(grant.endorsement_id).encode() not in keys


async def test_values_the_reviews_service_erased_open_to_none_and_their_records_still_apply(
    running: Running, person: Callable[..., Caller], reviews: ReviewsFeed
) -> None:
    app: ApplicationsService = running.service.app  # type: ignore[assignment]
    dana = person("itmhca", "applicant", name="Dana Erased", email="dana.erased@example.org")
    erin = person("itmhca", "applicant", name="Erin Erased", email="erin.erased@example.org")
    returned = await asyncio.to_thread(submitted, app, dana)
    endorsed = await asyncio.to_thread(submitted, app, erin)
    case, other_case = uuid4(), uuid4()
    grant = endorsement_granted(endorsed, other_case)
    revoked = EndorsementRevoked(tenant="itmhca", occurred_at=datetime.now(UTC), endorsement_id=grant.endorsement_id,
                                 category="IFS", revoked_on=date.today(), reason="Misrepresented hours.",
                                 revoked_by=STAFF)
    assigned = reviewer_assigned(returned, case)
    # given the reviews service erased both applicants, the reviewer and the holder's revocation reason
    for subject in (account_subject(dana.account_id), account_subject(erin.account_id),
                    reviews_subject(assigned, ("reviewer_email",)), holder_subject(grant.endorsement_id)):
        reviews.keys.destroy(subject)

    positions = [
        *await asyncio.to_thread(reviews.publish, information_requested(returned, case)),
        *await asyncio.to_thread(reviews.publish, assigned),
        *await asyncio.to_thread(reviews.publish, grant),
        *await asyncio.to_thread(reviews.publish, revoked),
    ]
    await eventually(handled(running, *positions))

    # the information request applies, its erased item and message left out
    application = app.load(returned.id)
    assert application.status is Status.RETURNED
    assert application.information_request is not None
    assert (application.information_request.items, application.information_request.message) == ((), None)
    # the erased reviewer gains no access
    assert application.reviewers_with_access == frozenset()
    # the grant applies, and the holding knows the holder by account only
    assert app.load(endorsed.id).status is Status.ENDORSED
    holding = app.find(Holding, grant.endorsement_id)
    assert holding is not None and holding.status is HoldingStatus.REVOKED
    assert (holding.holder.account_id, holding.holder.name, holding.holder.email) == (erin.account_id, None, None)
    last = list(app.events.get(grant.endorsement_id))[-1]
    assert type(last).__name__ == "Revoked" and last.reason == "erased"  # type: ignore[attr-defined]
    # and nothing was dead-lettered
    keys = await asyncio.to_thread(dead_lettered_keys, reviews.bootstrap)
    assert not {str(returned.id).encode(), str(endorsed.id).encode(), str(grant.endorsement_id).encode()} & keys
