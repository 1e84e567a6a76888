"""Sealing in place (docs/erasure.md, slice 9) on the real PostgreSQL event store: events stored in plaintext before
their class sealed a value are re-encoded sealed, with the same notification ids, and a second run changes nothing."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import JSONTranscoder, StoredEvent
from eventsourcing.utils import get_topic
from servicekit.eventstore import TrackedApplication, open_application
from servicekit.reseal import reseal
from servicekit.sealed_transcoding import sealed_transcoding
from servicekit.shredding import SubjectKeys

SCHEMA = "reseal_people"
NAME, EMAIL = "Zelda Quixmarker", "zq-reseal@example.org"


@dataclass(frozen=True)
class Person:
    subject: str
    name: str | None
    email: str | None


class Member(Aggregate):
    class Joined(Aggregate.Created):
        class_version = 2
        person: Person
        level: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Stored before the person was sealed: plaintext `name` and `email`."""
            state["person"] = Person(f"account:{state['account_id']}", state.pop("name"), state.pop("email"))
            del state["account_id"]

    @event(Joined)
    def __init__(self, person: Person, level: str) -> None:
        self.person, self.level = person, level

    class Promoted(Aggregate.Event):
        level: str

    @event(Promoted)
    def promote(self, level: str) -> None:
        self.level = level


@pytest.fixture
def keys(database_url: str) -> Iterator[SubjectKeys]:
    store = SubjectKeys(database_url, SCHEMA, os.urandom(32))
    store.setup()
    yield store
    store.close()


def members(database_url: str, keys: SubjectKeys) -> TrackedApplication:
    class Members(TrackedApplication):
        def register_transcodings(self, transcoder: JSONTranscoder) -> None:
            super().register_transcodings(transcoder)
            transcoder.register(sealed_transcoding(Person, name="person", personal=("name", "email"), keys=keys))

    return open_application(Members, database_url, SCHEMA)


def store_plaintext_member(app: TrackedApplication, account_id: uuid.UUID) -> uuid.UUID:
    """A member as an older release stored it: `Joined` at version 1, name and email in plaintext."""
    member = Member(Person(f"account:{account_id}", NAME, EMAIL), "new")
    member.promote("senior")
    joined, promoted = member.collect_events()
    state = {**vars(joined), "account_id": str(account_id), "name": NAME, "email": EMAIL}
    del state["person"]
    old = StoredEvent(joined.originator_id, joined.originator_version, get_topic(type(joined)),
                      app.mapper.transcoder.encode(state))
    app.recorder.insert_events([old, app.mapper.to_stored_event(promoted)])
    return member.id


def stored_states(database_url: str) -> list[tuple[int, bytes]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(f"SELECT notification_id, state FROM {SCHEMA}.members_events "
                            "ORDER BY notification_id").fetchall()
    return [(row[0], bytes(row[1])) for row in rows]


def test_plaintext_events_are_sealed_in_place_once_and_still_load(database_url: str, keys: SubjectKeys) -> None:
    app = members(database_url, keys)
    account_id = uuid.uuid4()
    member_id = store_plaintext_member(app, account_id)
    before = stored_states(database_url)
    assert NAME.encode() in before[0][1]  # what the migration is for

    report = reseal(app, database_url)

    after = stored_states(database_url)
    assert (report.read, report.resealed) == (2, 1)
    assert [n for n, _ in after] == [n for n, _ in before]  # the same notification ids: nothing republished
    assert after[1] == before[1]  # an event already at its version is left alone
    assert NAME.encode() not in after[0][1] and EMAIL.encode() not in after[0][1] and b"pd1." in after[0][1]
    loaded: Member = app.repository.get(member_id)
    assert (loaded.person, loaded.level) == (Person(f"account:{account_id}", NAME, EMAIL), "senior")

    assert reseal(app, database_url).resealed == 0  # a second run changes nothing
    assert stored_states(database_url) == after

    keys.destroy(f"account:{account_id}")  # and erasure now reaches the old event
    assert app.repository.get(member_id).person == Person(f"account:{account_id}", None, None)
