"""Master key rotation (docs/erasure.md, slice 10) on the real PostgreSQL: with the old master key listed as a
previous key, every token still opens; `rewrap` moves each subject key under the new master key, without touching
sealed data or tombstones, and the old key can then be dropped."""

from __future__ import annotations

import base64
import os

import psycopg
import pytest
from servicekit.settings import ServiceSettings
from servicekit.shredding import SubjectKeys, WrongMasterKey

SCHEMA = "rotation_people"
REQUIRED = {"database_url": "postgresql://x/y", "kafka_bootstrap_servers": "127.0.0.1:1", "port": 8001,
            "gateway_public_key": "unused"}


def test_rotating_the_master_key_keeps_every_token_open_and_erasures_final(database_url: str) -> None:
    old, new = os.urandom(32), os.urandom(32)
    before = SubjectKeys(database_url, SCHEMA, old)
    before.setup()
    subjects = [f"account:{n}" for n in range(7)]
    tokens = {subject: before.seal(subject, f"name of {subject}") for subject in subjects}
    before.destroy(subjects[0])
    before.close()

    rotated = SubjectKeys(database_url, SCHEMA, new, previous_master_keys=[old])
    try:
        assert {s: rotated.open(t) for s, t in tokens.items()} == {s: None if s == subjects[0] else f"name of {s}"
                                                                   for s in subjects}  # before re-wrapping too
        assert rotated.rewrap(batch_size=2) == 6  # in batches; the tombstone has nothing to move
        assert rotated.rewrap() == 0  # idempotent
        new_token = rotated.seal("account:new", "someone new")
    finally:
        rotated.close()

    with psycopg.connect(database_url) as conn:
        ids = {row[0] for row in conn.execute(f"SELECT master_key_id FROM {SCHEMA}.subject_keys"
                                              " WHERE wrapped_key IS NOT NULL")}
    assert len(ids) == 1

    only_new = SubjectKeys(database_url, SCHEMA, new)  # the old key dropped
    try:
        assert {s: only_new.open(t) for s, t in tokens.items()} == {s: None if s == subjects[0] else f"name of {s}"
                                                                    for s in subjects}
        assert only_new.open(new_token) == "someone new"
    finally:
        only_new.close()
    only_old = SubjectKeys(database_url, SCHEMA, old)
    try:
        with pytest.raises(WrongMasterKey):
            only_old.open(tokens[subjects[1]])
    finally:
        only_old.close()


def test_previous_master_keys_come_from_the_environment_and_a_malformed_one_fails_at_start_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("PERSONAL_DATA_PREVIOUS_MASTER_KEYS", f'["{key}"]')
    settings = ServiceSettings(**REQUIRED)  # type: ignore[arg-type]
    assert settings.previous_master_keys() == [base64.b64decode(key)]
    assert key not in repr(settings)
    monkeypatch.setenv("PERSONAL_DATA_PREVIOUS_MASTER_KEYS", '["not a key"]')
    with pytest.raises(ValueError, match="master key must be"):
        ServiceSettings(**REQUIRED)  # type: ignore[arg-type]
