"""One replica of a tiny service: an outbox relay under servicekit leadership. Run as a process by the
leadership tests (`python relay_replica.py DATABASE_URL KAFKA_BOOTSTRAP`), and imported by them for the
aggregate whose events it relays."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from endorsement_contracts import ApplicationSubmitted, Person
from eventsourcing.domain import Aggregate, event
from servicekit.eventstore import TrackedApplication, open_application
from servicekit.leadership import Leadership, LeaseTiming, LockSession, blocking
from servicekit.outbox import OutboxRelay, kafka_producer

SCHEMA = "leadership_test"
JOB = f"{SCHEMA}/relay:outbox"
SOURCE = "/tests/leadership"
TIMING = LeaseTiming(retry_seconds=0.2, check_seconds=0.5, check_timeout_seconds=2.0)


class Draft(Aggregate):
    @event("Created")
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant

    @event("Submitted")
    def submit(self) -> None:
        pass


class Drafts(TrackedApplication):
    pass


def translate(domain_event: Any) -> ApplicationSubmitted | None:
    """Each submission of a draft is one record keyed by the draft; its number is its place in the key's order."""
    if not isinstance(domain_event, Draft.Submitted):
        return None
    return ApplicationSubmitted(
        tenant="itmhca", occurred_at=domain_event.timestamp, application_id=domain_event.originator_id,
        submission_number=domain_event.originator_version - 1,
        applicant=Person(account_id=uuid5(NAMESPACE_URL, "leadership-test"), name="Ana", email="ana@example.org"),
        category="IFS", category_name="Infant Family Specialist", rule_set_version="test",
    )


async def run_replica(database_url: str, bootstrap: str) -> None:
    app = open_application(Drafts, database_url, SCHEMA)
    relay = OutboxRelay(app, translate, kafka_producer(bootstrap, enable_idempotence=False), source=SOURCE,
                        batch_size=10)
    leadership = Leadership(LockSession(database_url, TIMING), JOB)
    await leadership.run(blocking(lambda stop: relay.run_forever(stop, 0.05), "relay"))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    # The stored events name this module `relay_replica`, not `__main__`: relay with its classes.
    import relay_replica

    asyncio.run(relay_replica.run_replica(sys.argv[1], sys.argv[2]))
