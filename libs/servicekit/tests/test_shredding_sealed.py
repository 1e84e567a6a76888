"""Sealed personal values in stored events, and sealed documents, on the real PostgreSQL event store."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import JSONTranscoder
from servicekit.sealed_transcoding import sealed_transcoding
from servicekit.shredding import InvalidToken, SubjectErased, SubjectKeys, subject_of_bytes

SCHEMA = "sealed_people"


@dataclass(frozen=True)
class Person:
    subject: str
    name: str | None
    email: str | None
    language: str = "en"

    @property
    def erased(self) -> bool:
        return self.name is None and self.email is None


class Applicant(Aggregate):
    @event("Registered")
    def __init__(self, person: Person, category: str) -> None:
        self.person, self.category = person, category

    @event("Renamed")
    def rename(self, person: Person) -> None:
        self.person = person


@pytest.fixture
def keys(database_url: str) -> Iterator[SubjectKeys]:
    store = SubjectKeys(database_url, SCHEMA, os.urandom(32))
    store.setup()
    yield store
    store.close()


def _application(database_url: str, keys: SubjectKeys) -> Application[uuid.UUID]:
    url = psycopg.conninfo.conninfo_to_dict(database_url)

    class People(Application[uuid.UUID]):
        def register_transcodings(self, transcoder: JSONTranscoder) -> None:
            super().register_transcodings(transcoder)
            transcoder.register(sealed_transcoding(Person, name="person_v1", personal=("name", "email"),
                                                   keys=keys))

    return People(env={
        "PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": str(url["dbname"]),
        "POSTGRES_HOST": str(url.get("host", "127.0.0.1")), "POSTGRES_PORT": str(url.get("port", "5432")),
        "POSTGRES_USER": str(url.get("user", "")), "POSTGRES_PASSWORD": str(url.get("password", "")),
        "POSTGRES_SCHEMA": SCHEMA, "CREATE_TABLE": "y"})


def _stored_states(database_url: str) -> bytes:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(f"SELECT state FROM {SCHEMA}.people_events").fetchall()
    return b"\n".join(bytes(row[0]) for row in rows)


def test_personal_values_are_stored_sealed_and_decode_as_erased_once_the_key_is_gone(
        database_url: str, keys: SubjectKeys) -> None:
    subject = f"account:{uuid.uuid4()}"
    app = _application(database_url, keys)
    applicant = Applicant(Person(subject, "Zelda Quixmarker", "zq@example.org"), "infant")
    applicant.rename(Person(subject, "Zelda Q. Quixmarker", "zq@example.org", language="es"))
    app.save(applicant)

    stored = _stored_states(database_url)
    assert b"Quixmarker" not in stored and b"zq@example.org" not in stored
    assert b"pd1." in stored and subject.encode() in stored and b"infant" in stored
    assert app.repository.get(applicant.id).person == Person(subject, "Zelda Q. Quixmarker", "zq@example.org",
                                                             "es")

    keys.destroy(subject)

    replayed: Applicant = app.repository.get(applicant.id)
    assert replayed.person == Person(subject, None, None, "es") and replayed.person.erased
    assert replayed.category == "infant" and replayed.version == 2
    replayed.rename(replayed.person)  # an erased value has nothing to seal: saving it again is fine
    app.save(replayed)
    assert app.repository.get(applicant.id).person.erased
    with pytest.raises(SubjectErased):
        replayed.rename(Person(subject, "Zelda", None))
        app.save(replayed)
    app.close()


def test_a_token_moved_to_another_subjects_value_is_refused(database_url: str, keys: SubjectKeys) -> None:
    transcoding = sealed_transcoding(Person, name="person_v1", personal=("name", "email"), keys=keys)
    encoded = transcoding.encode(Person("rater:a", "Grace", "grace@example.org"))

    assert transcoding.decode(dict(encoded)) == Person("rater:a", "Grace", "grace@example.org")
    with pytest.raises(InvalidToken):
        transcoding.decode({**encoded, "subject": "rater:b"})


def test_the_factory_refuses_what_it_cannot_seal(keys: SubjectKeys) -> None:
    for personal, subject_field in ((("nickname",), "subject"), ((), "subject"), (("subject",), "subject"),
                                    (("name",), "who")):
        with pytest.raises(ValueError):
            sealed_transcoding(Person, name="p", personal=personal, keys=keys, subject_field=subject_field)
    with pytest.raises(TypeError):
        sealed_transcoding(str, name="p", personal=("name",), keys=keys)
    transcoding = sealed_transcoding(Person, name="p", personal=("name", "language"), keys=keys)
    with pytest.raises(TypeError):
        transcoding.encode(Person("rater:a", "Grace", None, language=3))  # type: ignore[arg-type]


def test_sealed_documents_open_until_their_subject_is_erased(keys: SubjectKeys) -> None:
    subject, pdf = f"account:{uuid.uuid4()}", b"%PDF-1.7\n(Zelda Quixmarker) Tj\n" + os.urandom(64)
    sealed = keys.seal_bytes(subject, pdf)

    assert b"Quixmarker" not in sealed and subject_of_bytes(sealed) == subject
    assert keys.open_bytes(sealed) == pdf
    tampered = bytearray(sealed)
    tampered[-1] ^= 1
    for bad in (bytes(tampered), sealed[:20], b"pd1.xx.yy", keys.seal(subject, "text").encode()):
        with pytest.raises(InvalidToken):
            keys.open_bytes(bad)
    with pytest.raises(InvalidToken):  # a document token is no text token, and the reverse
        keys.open("pd1." + sealed[5:].decode("latin-1"))

    keys.destroy(subject)

    assert keys.open_bytes(sealed) is None
    with pytest.raises(SubjectErased):
        keys.seal_bytes(subject, pdf)
