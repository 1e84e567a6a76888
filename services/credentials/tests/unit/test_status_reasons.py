"""Reasons are codes: a staff note is stored sealed under the holder and never translated for partners, changes
stored with free text before codes are read with a code and republished without their text, and the code lists
of the domain, the API and the published contract agree."""

from __future__ import annotations

import json
import uuid
from typing import Any, get_args

import pytest
from credentials.config import TenantProfile
from credentials.domain.credential import Credential, SuspensionCause
from credentials.domain.reasons import (
    REINSTATEMENT_CODES,
    REVOCATION_BY_COORDINATOR,
    REVOCATION_CODES,
    SUSPENSION_BY_COORDINATOR,
    SUSPENSION_CODES,
    UNSUSPENSION_BY_COORDINATOR,
    WORDING,
    ReasonCode,
)
from credentials.entrypoints import lifecycle_api
from endorsement_contracts.events import CredentialReinstated, CredentialRevoked, CredentialSuspended
from endorsement_contracts.events import credentials as contract
from eventsourcing.persistence import StoredEvent

from .world import TENANT, World

NOTE = "Ana Núñez is in hospital"
LEGACY = "Ana Núñez told us about her depression"
STATUS_EVENTS = ("Credential.Suspended", "Credential.Unsuspended", "Credential.Revoked")


def stored_states(world: World, credential: Credential) -> list[tuple[str, dict[str, Any]]]:
    return [(n.topic, json.loads(n.state)) for n in world.app.process_recorder.select_notifications(start=1, limit=100)
            if n.originator_id == credential.id]


def test_a_note_is_stored_sealed_under_the_holder_and_is_gone_with_them(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()
    world.apply(world.lifecycle.suspend(credential, world.decision(ReasonCode.UNDER_INVESTIGATION, NOTE),
                                        SuspensionCause.COORDINATOR))

    [(_, suspended)] = [(topic, state) for topic, state in stored_states(world, credential)
                        if topic.endswith("Credential.Suspended")]
    text = json.dumps(suspended, ensure_ascii=False).replace(" ", "")
    assert "Núñez" not in text and "hospital" not in text
    assert suspended["reason_code"] == "under_investigation"
    assert f'"subject":"{credential.holder.subject}"' in text and '"sealed":"pd1.' in text
    assert world.app.credential_at(credential.id, 2).status_note == NOTE  # read again from the store

    world.apply([world.app.erase(uuid.uuid4(), TENANT, credential.holder.subject)])
    after = world.app.credential_at(credential.id, 2)
    assert after.status_note is None and after.status_reason_code is ReasonCode.UNDER_INVESTIGATION
    [event] = [e for e in world.stored_events() if isinstance(e, Credential.Suspended)]
    translated = world.partner_events()(event)  # still published, by its code
    assert isinstance(translated, CredentialSuspended) and translated.reason_code == "under_investigation"


def as_version_1(state: dict[str, Any], reason: str, decision_id: str | None) -> bytes:
    """A status event as it was stored before codes: a free-text `reason`, no code, no note."""
    for name in ("reason_code", "note", "legacy_reason"):
        del state[name]
    state.update(reason=reason, class_version=1)
    if decision_id is not None:
        state["decision_id"] = decision_id
    return json.dumps(state).encode("utf-8")


UPSTREAM_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "/services/reviews/some-endorsement/3"))


@pytest.mark.parametrize(
    ("reason", "decision_id", "code"),
    [
        (LEGACY, None, "other"),  # a coordinator's decision here (a random id)
        (LEGACY, UPSTREAM_ID, "endorsement_revoked"),  # opened from reviews (the id of its event)
        ("erasure", UPSTREAM_ID, "erasure"),
        ("not available: the holder's personal data was erased", UPSTREAM_ID, "erasure"),
    ],
)
def test_changes_stored_with_free_text_are_read_with_a_code_and_republished_without_the_text(
    tenants: dict[str, TenantProfile], reason: str, decision_id: str | None, code: str,
) -> None:
    world = World(tenants)
    credential = world.issue()
    world.apply(world.lifecycle.suspend(credential, world.decision(), SuspensionCause.COORDINATOR))
    world.apply(world.lifecycle.unsuspend(world.credential(credential.id), world.decision()))
    world.apply(world.lifecycle.revoke(world.credential(credential.id), world.decision()))
    old = World(tenants)  # the same events, as stored before codes
    old.personal_keys.texts.update(world.personal_keys.texts)
    stored = []
    for version, (topic, state) in enumerate(stored_states(world, credential), start=1):
        if topic.endswith(STATUS_EVENTS):
            revocation = topic.endswith("Credential.Revoked")
            body = as_version_1(state, reason if revocation else LEGACY, decision_id if revocation else None)
        else:
            body = json.dumps(state).encode("utf-8")
        stored.append(StoredEvent(credential.id, version, topic, body))
    old.app.recorder.insert_events(stored)

    loaded = old.credential(credential.id)
    assert [(c.change, c.reason_code.value, c.note) for c in loaded.status_history] == [
        ("suspended", "other", LEGACY), ("unsuspended", "other", LEGACY), ("revoked", code, reason)]
    assert loaded.status_reason == WORDING[ReasonCode(code)]  # staff see the old text as the note, partners never
    published = [old.partner_events()(event) for event in old.stored_events()]
    suspended, unsuspended, revoked = published[1:]
    assert isinstance(suspended, CredentialSuspended) and suspended.reason == "For another reason"
    assert isinstance(unsuspended, CredentialReinstated) and unsuspended.reason_code == "other"
    assert isinstance(revoked, CredentialRevoked) and (revoked.reason_code, revoked.reason) == (
        code, WORDING[ReasonCode(code)])
    assert not any(LEGACY in event.model_dump_json() for event in published if event is not None)


def codes(literal: Any) -> set[str]:
    return {arg for member in get_args(literal) for arg in (get_args(member) or (member,)) if arg is not None}


def test_the_domain_the_api_and_the_published_contract_name_the_same_codes() -> None:
    assert set(WORDING) == set(ReasonCode)  # every code has its wording
    assert codes(contract.SuspensionReasonCode) == set(SUSPENSION_CODES)
    assert codes(contract.ReinstatementReasonCode) == set(REINSTATEMENT_CODES)
    assert codes(contract.RevocationReasonCode) == set(REVOCATION_CODES)
    assert codes(lifecycle_api.SuspensionCode) == set(SUSPENSION_BY_COORDINATOR)
    assert codes(lifecycle_api.UnsuspensionCode) == set(UNSUSPENSION_BY_COORDINATOR)
    assert codes(lifecycle_api.RevocationCode) == set(REVOCATION_BY_COORDINATOR)
    platform_only = {ReasonCode.LAPSE, ReasonCode.ENDORSEMENT_REVOKED, ReasonCode.ERASURE,
                     ReasonCode.REINSTATED_AFTER_LAPSE}
    chosen = {*SUSPENSION_BY_COORDINATOR, *UNSUSPENSION_BY_COORDINATOR, *REVOCATION_BY_COORDINATOR}
    assert not platform_only & chosen
