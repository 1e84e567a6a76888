"""Crypto-shredding keys on the real PostgreSQL: sealed text opens until its subject is erased, then never again."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator

import psycopg
import pytest
from servicekit.shredding import (
    InvalidToken,
    SubjectErased,
    SubjectKeys,
    WrongMasterKey,
    key_batch,
    parse_master_key,
    subject_of,
)

ADA = "account:6f1c2b0e-3d4a-4e5f-8a9b-0c1d2e3f4a5b"
PERSONAL = "Ada Lovelace <ada.lovelace@example.org>, 12 St James's Square"


@pytest.fixture
def master_key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def keys(database_url: str, master_key: bytes) -> Iterator[SubjectKeys]:
    store = SubjectKeys(database_url, "people", master_key)
    store.setup()
    yield store
    store.close()


def _table_as_text(database_url: str) -> str:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT k::text, encode(coalesce(wrapped_key, ''), 'escape')"
                            " FROM people.subject_keys AS k").fetchall()
    return "\n".join(f"{row[0]} {row[1]}" for row in rows)


def test_sealed_text_opens_to_what_was_sealed(keys: SubjectKeys) -> None:
    token = keys.seal(ADA, PERSONAL)

    assert token.startswith("pd1.")
    assert subject_of(token) == ADA
    assert PERSONAL not in token
    assert keys.open(token) == PERSONAL
    assert keys.open(keys.seal(ADA, "")) == ""


def test_one_key_per_subject_and_each_seal_differs(keys: SubjectKeys, database_url: str) -> None:
    first, second = keys.seal(ADA, PERSONAL), keys.seal(ADA, PERSONAL)
    keys.seal("rater:1", "Grace Hopper")

    assert first != second
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM people.subject_keys").fetchone() == (2,)


def test_a_destroyed_key_leaves_its_tokens_unreadable_for_good(keys: SubjectKeys, database_url: str,
                                                               master_key: bytes) -> None:
    erased, kept = keys.seal(ADA, PERSONAL), keys.seal("rater:1", "Grace Hopper")

    keys.destroy(ADA)
    keys.destroy(ADA)  # an erasure delivered again changes nothing

    assert keys.open(erased) is None
    assert keys.open(kept) == "Grace Hopper"
    assert keys.is_erased(ADA) and not keys.is_erased("rater:1")
    with pytest.raises(SubjectErased):
        keys.seal(ADA, "a replayed event must not bring a key back")
    restarted = SubjectKeys(database_url, "people", master_key)
    try:
        assert restarted.open(erased) is None
    finally:
        restarted.close()


def test_a_subject_erased_before_any_key_gets_none(keys: SubjectKeys) -> None:
    keys.destroy("rater:never-sealed")

    with pytest.raises(SubjectErased):
        keys.seal("rater:never-sealed", "Grace Hopper")


def test_another_master_key_is_refused(keys: SubjectKeys, database_url: str) -> None:
    token = keys.seal(ADA, PERSONAL)
    other = SubjectKeys(database_url, "people", os.urandom(32))
    try:
        with pytest.raises(WrongMasterKey):
            other.open(token)
        with pytest.raises(WrongMasterKey):
            other.seal(ADA, "more")
    finally:
        other.close()


def test_a_wrapped_key_moved_to_another_subject_is_refused(keys: SubjectKeys, database_url: str) -> None:
    keys.seal(ADA, PERSONAL)
    token = keys.seal("rater:1", "Grace Hopper")
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE people.subject_keys SET wrapped_key = (SELECT wrapped_key FROM people.subject_keys"
                     " WHERE subject = %s) WHERE subject = 'rater:1'", (ADA,))

    with pytest.raises(WrongMasterKey):
        keys.open(token)


def _with_part(token: str, index: int, value: str) -> str:
    parts = token.split(".")
    parts[index] = value
    return ".".join(parts)


def test_tampered_tokens_are_refused(keys: SubjectKeys) -> None:
    token = keys.seal(ADA, PERSONAL)
    keys.seal("rater:1", "Grace Hopper")
    sealed = bytearray(base64.urlsafe_b64decode(token.split(".")[2] + "=="))
    sealed[-1] ^= 1
    flipped = base64.urlsafe_b64encode(bytes(sealed)).rstrip(b"=").decode()
    other_subject = base64.urlsafe_b64encode(b"rater:1").rstrip(b"=").decode()
    unknown_subject = base64.urlsafe_b64encode(b"rater:2").rstrip(b"=").decode()

    for bad in (_with_part(token, 2, flipped), _with_part(token, 1, other_subject),
                _with_part(token, 1, unknown_subject), _with_part(token, 0, "pd9"), token + ".x", "pd1..",
                "pd1.!!.!!", _with_part(token, 2, "AAAA"), "not a token"):
        with pytest.raises(InvalidToken):
            keys.open(bad)


def test_no_plaintext_and_no_data_key_in_the_table(keys: SubjectKeys, database_url: str) -> None:
    keys.seal(ADA, PERSONAL)
    keys.seal("rater:1", "grace@example.org")

    stored = _table_as_text(database_url)
    for secret in ("Ada", "Lovelace", "ada.lovelace@example.org", "Grace", "grace@example.org"):
        assert secret not in stored
    keys.destroy(ADA)
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT wrapped_key, master_key_id FROM people.subject_keys WHERE subject = %s",
                            (ADA,)).fetchone() == (None, None)


@pytest.mark.parametrize("subject", ["", "x" * 201, "a\x00b", "\ud800"])
def test_subject_ids_are_validated(keys: SubjectKeys, subject: str) -> None:
    with pytest.raises(ValueError):
        keys.seal(subject, PERSONAL)
    with pytest.raises(ValueError):
        keys.destroy(subject)


def test_master_keys_from_settings() -> None:
    key = os.urandom(32)

    assert parse_master_key(base64.b64encode(key).decode()) == key
    assert parse_master_key(base64.urlsafe_b64encode(key).rstrip(b"=").decode()) == key
    for bad in ("", "short", base64.b64encode(os.urandom(16)).decode(), "***"):
        with pytest.raises(ValueError):
            parse_master_key(bad)
    with pytest.raises(ValueError):
        SubjectKeys("postgresql://unused", "people", os.urandom(16))


def test_a_key_batch_reads_each_subject_key_once_and_never_outlives_its_block(
        keys: SubjectKeys, database_url: str, master_key: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """Within one key batch (an aggregate load, a save, a relay or projection batch) each subject's key row is read
    once; a destroy inside the block counts at once; and after the block a destroy by another process (another
    store on the same table) stops the next open, since nothing is cached across blocks."""
    ana, bea = "account:00000000-0000-0000-0000-00000000000a", "account:00000000-0000-0000-0000-00000000000b"
    tokens = [keys.seal(ana, f"value {n}") for n in range(5)] + [keys.seal(bea, "other")]
    reads: list[str] = []
    read_key = keys._read_key

    def counting(subject: str, *, create: bool) -> bytes | None:
        reads.append(subject)
        return read_key(subject, create=create)

    monkeypatch.setattr(keys, "_read_key", counting)
    with key_batch():
        assert [keys.open(t) for t in tokens] == [*(f"value {n}" for n in range(5)), "other"]
        assert sorted(reads) == [ana, bea], "one read per subject in the block"
        keys.destroy(bea)
        assert keys.open(tokens[-1]) is None, "a destroy inside the block counts at once"
    other_process = SubjectKeys(database_url, "people", master_key)
    try:
        other_process.destroy(ana)
    finally:
        other_process.close()
    assert keys.open(tokens[0]) is None, "no key outlives its block"
