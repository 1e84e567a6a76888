"""The holder's name and address are stored sealed under their account; erasing the account's key leaves the
credential's events replaying with neither, records the erasure once and answers the erasure ledger."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from credentials.config import TenantProfile
from credentials.domain.credential import Credential, CredentialStatus
from credentials.domain.erasure import Erasure, erasure_record_id
from credentials.domain.errors import HolderErasedError
from credentials.domain.grant import Holder
from credentials.domain.reasons import ReasonCode
from credentials.lifecycle import ReissueTerms
from credentials.translation import RelayEvents
from endorsement_contracts.events import ErasureCompleted
from eventsourcing.persistence import StoredEvent

from .world import TENANT, World

RENEWAL = ReissueTerms("renewal-2026", date(2025, 12, 10), date(2026, 12, 31))


def issued_state(world: World, credential: Credential) -> bytes:
    [notification] = [n for n in world.app.process_recorder.select_notifications(start=1, limit=100)
                      if n.originator_id == credential.id and n.originator_version == 1]
    return bytes(notification.state)


def test_the_stored_event_holds_the_holder_sealed_under_their_account(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()

    state = issued_state(world, credential).decode("utf-8")
    assert "Núñez" not in state and "Nu\\u00f1ez" not in state and "ana.nunez" not in state
    assert f"account:{credential.holder_account_id}" in state and '"sealed":"pd1.' in state.replace(" ", "")
    again = world.app.credential_at(credential.id, 1)  # replayed from the store, not the cache
    assert (again.holder_name, again.holder_email) == ("Ana Núñez", "ana.nunez@example.org")
    assert "name" not in credential.document["credentialSubject"]


def test_an_event_stored_before_sealing_still_loads(tenants: dict[str, TenantProfile]) -> None:
    """Credential.Issued v2 had plaintext `holder_name` and `holder_email`: the upcaster makes them a Holder."""
    world = World(tenants)
    credential = world.issue()
    state = json.loads(issued_state(world, credential))
    del state["holder"]
    state.update(holder_name="Ana Núñez", holder_email="ana.nunez@example.org", class_version=2)
    old = World(tenants)
    old.app.recorder.insert_events([StoredEvent(credential.id, 1, "credentials.domain.credential:Credential.Issued",
                                                json.dumps(state).encode("utf-8"))])

    loaded = old.credential(credential.id)
    assert loaded.holder == Holder.of_account(credential.holder_account_id, "Ana Núñez", "ana.nunez@example.org")
    assert loaded.document == credential.document


def test_after_erasure_the_credential_replays_without_name_or_address(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()
    subject = credential.holder.subject
    erasure_id = uuid.uuid4()

    erasure = world.app.erase(erasure_id, TENANT, subject)
    assert erasure is not None and erasure.id == erasure_record_id(erasure_id)
    world.apply([erasure])

    assert world.personal_keys.is_erased(subject)
    replayed = world.app.credential_at(credential.id, 1)
    assert replayed.holder == Holder(subject, None, None) and replayed.holder.erased
    assert replayed.document == credential.document  # the signed document is kept as signed
    assert world.app.erase(erasure_id, TENANT, subject) is None  # delivered again: recorded once


def test_an_erased_holder_gets_no_new_document_but_can_still_be_revoked(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()
    world.apply([world.app.erase(uuid.uuid4(), TENANT, credential.holder.subject)])

    with pytest.raises(HolderErasedError):
        world.lifecycle.renew(world.credential(credential.id), RENEWAL, "decision-1")
    with pytest.raises(HolderErasedError):  # a grant read again after a broker loss issues nothing
        world.app.issue(world.grant(holder=credential.holder))
    noted = world.decision(ReasonCode.ERASURE, note="asked by Ana Núñez")  # nothing is sealed for them any more
    world.apply(world.lifecycle.revoke(world.credential(credential.id), noted))
    revoked = world.app.credential_at(credential.id, 2)
    assert revoked.status is CredentialStatus.REVOKED and revoked.status_reason_code is ReasonCode.ERASURE
    assert revoked.status_note is None and revoked.status_history[-1].note is None


def test_the_relay_answers_the_erasure_and_partners_never_see_it(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    erasure_id, subject = uuid.uuid4(), f"account:{uuid.uuid4()}"
    world.apply([world.app.erase(erasure_id, TENANT, subject)])
    [recorded] = [event for event in world.stored_events() if isinstance(event, Erasure.SubjectErased)]

    answer = RelayEvents(world.partner_events())(recorded)

    assert isinstance(answer, ErasureCompleted)
    assert (answer.erasure_id, answer.subject, answer.service, answer.tenant) == (
        erasure_id, subject, "credentials", TENANT)
    assert answer.topic == "endorsement.erasures.v1" and answer.key == subject
    assert world.partner_events()(recorded) is None  # webhooks and replay translate partner events only
