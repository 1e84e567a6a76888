"""Partner events: each change states the credential's whole current truth, translates the same every time,
and passes its published contract; replay re-publishes them in store order with the relay's ce_ids."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from credentials.config import TenantProfile
from credentials.domain.credential import SuspensionCause
from credentials.domain.reasons import ReasonCode
from credentials.lifecycle import ReissueTerms
from credentials.replay import replay
from credentials.translation import SOURCE
from endorsement_contracts import decode, encode
from endorsement_contracts.events import (
    CredentialExpired,
    CredentialIssued,
    CredentialReinstated,
    CredentialRenewed,
    CredentialRevoked,
    CredentialSuspended,
)
from servicekit.outbox import event_id

from .world import BASE_URL, TENANT, World

NOTES = ("Ana Núñez is on sick leave", "back from hospital", "sanctioned by the board of Ana Núñez")
"""Staff notes naming the holder and a health matter: they must never reach a partner."""


def live_a_whole_life(world: World) -> uuid.UUID:
    credential = world.issue()
    suspension = world.decision(ReasonCode.UNDER_INVESTIGATION, NOTES[0])
    world.apply(world.lifecycle.suspend(credential, suspension, SuspensionCause.COORDINATOR))
    credential = world.credential(credential.id)
    world.apply(world.lifecycle.unsuspend(credential, world.decision(ReasonCode.INVESTIGATION_CLOSED, NOTES[1])))
    credential = world.credential(credential.id)
    world.apply(world.lifecycle.renew(credential, ReissueTerms("r-1", date(2025, 12, 1), date(2026, 12, 31)), "d-1"))
    credential = world.credential(credential.id)
    world.now = credential.validity.valid_until
    world.apply(world.lifecycle.expire_if_due(credential))
    credential = world.credential(credential.id)
    world.apply(world.lifecycle.suspend(credential, world.decision(ReasonCode.LAPSE), SuspensionCause.LAPSE))
    credential = world.credential(credential.id)
    world.apply(world.lifecycle.reinstate(credential, ReissueTerms("i-1", date(2027, 2, 1), date(2027, 12, 31)), "d-2"))
    credential = world.credential(credential.id)
    world.apply(world.lifecycle.revoke(credential, world.decision(ReasonCode.ETHICS_VIOLATION, NOTES[2])))
    return credential.id


def test_every_change_states_the_current_truth(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential_id = live_a_whole_life(world)
    translate = world.partner_events()
    published = [e for e in (translate(event) for event in world.stored_events()) if e is not None]

    assert [(type(e), getattr(e, "status", None)) for e in published] == [
        (CredentialIssued, None),
        (CredentialSuspended, "suspended"),
        (CredentialReinstated, "active"),
        (CredentialRenewed, "active"),
        (CredentialExpired, "expired"),
        (CredentialSuspended, "suspended"),
        (CredentialReinstated, "active"),
        (CredentialRevoked, "revoked"),
    ]
    assert {e.key for e in published} == {str(credential_id)}
    _, suspended, unsuspended, renewed, expired, lapsed, reinstated, revoked = published
    assert isinstance(suspended, CredentialSuspended)
    assert (suspended.cause, suspended.reason_code, suspended.reason) == (
        "coordinator", "under_investigation", "Under investigation by the association")
    assert isinstance(unsuspended, CredentialReinstated) and not unsuspended.reissued
    assert (unsuspended.reason_code, unsuspended.reason) == ("investigation_closed", "The investigation was closed")
    assert isinstance(renewed, CredentialRenewed) and renewed.renewal_id == "r-1"
    assert (renewed.valid_from, renewed.valid_until) == (date(2025, 12, 1), date(2026, 12, 31))
    assert renewed.credential["validFrom"] == "2025-12-01T07:00:00Z"
    assert expired.credential == renewed.credential  # each event carries the document current at that point
    assert isinstance(lapsed, CredentialSuspended) and (lapsed.cause, lapsed.reason_code) == ("lapse", "lapse")
    assert isinstance(reinstated, CredentialReinstated) and reinstated.reissued
    assert (reinstated.reason_code, reinstated.reason) == ("reinstated_after_lapse", "Reinstated after a lapse")
    assert reinstated.valid_from == date(2027, 2, 1) and reinstated.credential != renewed.credential
    assert isinstance(revoked, CredentialRevoked) and revoked.reason_code == "ethics_violation"
    assert revoked.reason == "A breach of the association's code of ethics"
    assert revoked.credential == reinstated.credential
    index = world.credential(credential_id).status_index
    assert [(r.status_purpose, r.status_list_index, r.status_list_credential) for r in revoked.status_lists] == [
        ("revocation", index, f"{BASE_URL}/status-lists/{TENANT}/revocation"),
        ("suspension", index, f"{BASE_URL}/status-lists/{TENANT}/suspension"),
    ]
    for event in published:  # every one passes its published contract
        record = encode(event, event_id=uuid.uuid4(), source=SOURCE)
        assert decode(record.headers, record.value).event == event
        assert "ana.nunez@example.org" not in record.value.decode()
        assert not any(note in record.value.decode() for note in NOTES)


def test_translating_a_stored_event_again_gives_the_same_partner_event(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    live_a_whole_life(world)
    first = [world.partner_events()(event) for event in world.stored_events()]
    again = [world.partner_events()(event) for event in world.stored_events()]
    assert [e.model_dump_json() if e else None for e in first] == [e.model_dump_json() if e else None for e in again]


class Sent:
    def __init__(self) -> None:
        self.records: list[tuple[str, bytes, bytes, list[tuple[str, bytes]]]] = []

    def __call__(self, topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]]) -> Any:
        self.records.append((topic, key, value, headers))
        return self

    def get(self, timeout: float) -> None:
        return None


def test_replay_sends_every_partner_event_in_store_order_with_the_relays_ids(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential_id = live_a_whole_life(world)
    other = world.issue().id

    sent = Sent()
    assert replay(world.app, world.partner_events(), sent, lambda: None) == 9
    notifications = world.app.process_recorder.select_notifications(start=1, limit=1000)
    expected_ids = [str(event_id(SOURCE, n)) for n in notifications if ":Credential." in n.topic]
    assert [dict(headers)["ce_id"].decode() for _, _, _, headers in sent.records] == expected_ids
    assert [key for _, key, _, _ in sent.records] == [str(credential_id).encode()] * 8 + [str(other).encode()]
    assert json.loads(sent.records[-1][2])["credential_id"] == str(other)

    nobody = Sent()
    assert replay(world.app, world.partner_events(), nobody, lambda: None, tenant="nmaimh") == 0
    assert nobody.records == []
