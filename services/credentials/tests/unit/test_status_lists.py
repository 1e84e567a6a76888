"""Status lists: random, never reused indexes in lists of 131,072 entries; bits that flip; permanent revocation;
the published BitstringStatusListCredential, checked by an independent verifier."""

from __future__ import annotations

import base64
import gzip
import json
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from credentials.config import TenantProfile
from credentials.domain.credential import SuspensionCause
from credentials.domain.errors import IndexTakenError, PermanentStatusError, StatusListFullError
from credentials.domain.status_list import MIN_LENGTH, StatusList, StatusPurpose
from credentials.vc.bitstring import bits_of, decode_list, encode_list, is_set
from credentials.vc.canonical import canonicalize

from .world import KEY_A, TENANT, World

AT = datetime(2025, 6, 1, tzinfo=UTC)


def new_list(purpose: StatusPurpose = StatusPurpose.SUSPENSION) -> StatusList:
    return StatusList(tenant=TENANT, purpose=purpose.value, created_at=AT)


def test_the_service_draws_indexes_from_a_cryptographic_source(tenants: dict[str, TenantProfile]) -> None:
    assert World(tenants).app.random_below is secrets.randbelow


def test_indexes_are_random_distinct_and_never_given_twice(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credentials = [uuid.uuid4() for _ in range(1500)]
    indexes = [world.app.reserve_status_index(TENANT, credential) for credential in credentials]

    assert len(set(indexes)) == len(indexes)
    assert all(0 <= index < MIN_LENGTH for index in indexes)
    assert indexes != sorted(indexes)  # not handed out in order
    assert max(indexes) - min(indexes) > MIN_LENGTH // 2  # spread over the whole list
    halves = sum(index < MIN_LENGTH // 2 for index in indexes)
    assert 600 < halves < 900  # about half in each half of the list
    revocation = world.app.get_status_list(TENANT, StatusPurpose.REVOCATION)
    suspension = world.app.get_status_list(TENANT, StatusPurpose.SUSPENSION)
    assert revocation is not None and suspension is not None
    assert revocation.length == suspension.length == MIN_LENGTH
    assert revocation.index_by_credential == suspension.index_by_credential  # one index, in both lists
    assert world.app.reserve_status_index(TENANT, credentials[7]) == indexes[7]  # a retry gets its own index back


def test_a_taken_index_is_refused_and_a_nearly_full_list_still_finds_the_free_ones() -> None:
    status_list = new_list()
    status_list.reserve(uuid.UUID(int=1), 5)
    with pytest.raises(IndexTakenError):
        status_list.reserve(uuid.UUID(int=2), 5)
    with pytest.raises(IndexTakenError):
        status_list.reserve(uuid.UUID(int=1), 6)  # a credential keeps one index
    with pytest.raises(IndexTakenError):
        status_list.reserve(uuid.UUID(int=3), MIN_LENGTH)

    always_five = status_list.choose_free_index(lambda n: 5 if n == MIN_LENGTH else n - 1)
    assert always_five == MIN_LENGTH - 1  # the random draws kept hitting index 5: a uniform pick among the free ones
    status_list.taken = set(range(MIN_LENGTH))
    with pytest.raises(StatusListFullError):
        status_list.choose_free_index(secrets.randbelow)


def test_bits_flip_and_only_changes_of_bits_make_a_new_revision() -> None:
    status_list = new_list()
    status_list.reserve(uuid.UUID(int=1), 42)
    assert status_list.revision == 0 and status_list.changed_at == AT
    later = datetime(2025, 7, 1, tzinfo=UTC)
    assert status_list.set(42, later) is True
    assert status_list.set(42, later) is False  # set already: nothing recorded
    assert status_list.is_set(42) and status_list.revision == 1 and status_list.changed_at == later
    assert status_list.clear(42, later) is True
    assert status_list.clear(42, later) is False
    assert not status_list.is_set(42) and status_list.revision == 2
    with pytest.raises(IndexTakenError):
        status_list.set(43, later)  # no credential holds it


def test_a_revocation_is_never_cleared() -> None:
    revocation = new_list(StatusPurpose.REVOCATION)
    revocation.reserve(uuid.UUID(int=1), 7)
    revocation.set(7, AT)
    with pytest.raises(PermanentStatusError):
        revocation.clear(7, AT)
    assert revocation.is_set(7)


def test_snapshots_keep_a_lists_state(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    for _ in range(600):  # past the snapshot interval (500 events)
        world.app.reserve_status_index(TENANT, uuid.uuid4())
    original = world.app.get_status_list(TENANT, StatusPurpose.SUSPENSION)
    assert original is not None
    snapshots = list(world.app.snapshots.get(original.id)) if world.app.snapshots else []
    assert snapshots, "a snapshot was taken"
    restored = world.app.repository.get(original.id, version=original.version)
    assert restored.taken == original.taken and isinstance(restored.taken, set)
    assert restored.index_by_credential == original.index_by_credential


def test_the_encoded_list_is_gzip_in_base64url_with_the_u_prefix() -> None:
    bits = bits_of([0, 9, MIN_LENGTH - 1], MIN_LENGTH)
    assert len(bits) == MIN_LENGTH // 8 == 16 * 1024
    assert bits[0] == 0b1000_0000 and bits[1] == 0b0100_0000 and bits[-1] == 1  # index 0 is the left-most bit
    encoded = encode_list(bits)
    assert encoded.startswith("u") and "=" not in encoded
    raw = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert gzip.decompress(raw) == bits
    assert decode_list(encoded) == bits
    assert [is_set(bits, i) for i in (0, 1, 9, MIN_LENGTH - 1)] == [True, False, True, True]


def test_the_published_list_is_a_signed_credential_anyone_can_verify(
    tenants: dict[str, TenantProfile], independent_verifier: Any
) -> None:
    world = World(tenants)
    credential = world.issue()
    world.apply(world.lifecycle.revoke(credential, world.decision(note="sanctioned")))
    published = world.publisher.get(TENANT, StatusPurpose.REVOCATION)
    assert published is not None
    document = json.loads(published.body)

    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["id"] == "https://verify.example.org/status-lists/itmhca/revocation"
    assert document["issuer"] == world.issuers.get(TENANT).did  # type: ignore[union-attr]
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert subject["ttl"] == 300_000
    bits = gzip.decompress(base64.urlsafe_b64decode(subject["encodedList"][1:] + "=="))
    assert len(bits) * 8 >= 131_072
    index = credential.status_index
    assert index is not None and bits[index // 8] & (0x80 >> (index % 8))
    assert sum(bin(byte).count("1") for byte in bits) == 1
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert independent_verifier(document, KEY_A.public_key_multibase)
    canonicalize({k: v for k, v in document.items() if k != "proof"})  # every term is defined

    document["credentialSubject"]["encodedList"] = "u" + base64.urlsafe_b64encode(
        gzip.compress(bytes(16 * 1024))).decode().rstrip("=")
    assert not independent_verifier(document, KEY_A.public_key_multibase)  # clearing the bit breaks the proof


def test_the_same_list_state_is_published_byte_for_byte_the_same(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    world.issue()
    first = world.publisher.get(TENANT, StatusPurpose.SUSPENSION)
    world.use_keys([KEY_A])  # a new publisher, as another instance or a restart would have
    again = world.publisher.get(TENANT, StatusPurpose.SUSPENSION)
    assert first is not None and again is not None
    assert first.body == again.body and first.etag == again.etag
    credential = world.issue()
    assert world.publisher.get(TENANT, StatusPurpose.SUSPENSION).etag == first.etag  # type: ignore[union-attr]
    world.later(minutes=1)
    world.apply(world.lifecycle.suspend(credential, world.decision(), SuspensionCause.COORDINATOR))
    changed = world.publisher.get(TENANT, StatusPurpose.SUSPENSION)
    assert changed is not None and changed.etag != first.etag
    assert changed.document["validFrom"] == "2025-06-01T12:01:00Z"

