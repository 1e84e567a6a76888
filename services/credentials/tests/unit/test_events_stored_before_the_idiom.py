"""Events stored while the credential's and the status list's later events were applied by `@event` mutator methods
still load now that each event class applies itself (docs/service-skeleton.md, "Stored events: one idiom").

The states below are what that code stored (recorded from it, but for the signed documents, cut to one field: a
re-issue records its document as it is, without reading it). Replayed, they give the state that code gave, and the
code now stores the same fields under the same topics."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from credentials.config import TenantProfile
from credentials.domain.credential import CredentialStatus, Decision, StatusChange, SuspensionCause
from credentials.domain.reasons import ReasonCode
from credentials.domain.status_list import StatusList, StatusPurpose, status_list_id
from credentials.lifecycle import ReissueTerms
from eventsourcing.persistence import StoredEvent

from .world import TENANT, World

CREDENTIAL = "credentials.domain.credential:Credential."
STATUS_LIST = "credentials.domain.status_list:StatusList."
METHOD = "did:web:verify.example.org:tenants:itmhca#z6MkehRgf7yJbgaGfYsdoAsKdBPE3dj2CYhowQdcjqSJgvVd"
COORDINATOR = uuid.UUID(int=7)
RECORDED_CREDENTIAL_ID = "c8f7d0bd230e51c38e28798f068b7538"
INDEX = 49965


def at(iso: str) -> dict[str, str]:
    return {"_type_": "datetime_iso", "_data_": iso}


def day(iso: str) -> dict[str, str]:
    return {"_type_": "date_iso", "_data_": iso}


def by(value: int | None) -> dict[str, str] | None:
    return None if value is None else {"_type_": "uuid_hex", "_data_": f"{value:032x}"}


def reissue(stamp: str, decision: str, reference: str, first_day: str, renewal: str, start: str, end: str,
            reissued_at: str) -> dict[str, Any]:
    return {"timestamp": at(stamp), "decision_id": decision, "reference": reference,
            "valid_from_date": day(first_day), "renewal_date": day(renewal), "valid_from": at(start),
            "valid_until": at(end), "verification_method": METHOD,
            "document": {"validFrom": start.replace("+00:00", "Z")}, "reissued_at": at(reissued_at)}


def status(stamp: str, decision: str, code: str, when: str, moment: str, who: int | None) -> dict[str, Any]:
    return {"timestamp": at(stamp), "decision_id": decision, "reason_code": code, "note": None, "legacy_reason": None,
            f"{when}_at": at(moment), "by": by(who), "class_version": 2}


RECORDED_CREDENTIAL_EVENTS: list[tuple[str, dict[str, Any]]] = [  # versions 2 to 8, after `Issued`
    ("Renewed", reissue("2026-12-07T23:57:35.373938+00:00", "decision-renew", "renewal-2026", "2025-12-10",
                        "2026-12-31", "2025-12-10T07:00:00+00:00", "2027-01-01T07:00:00+00:00",
                        "2025-06-01T12:00:00+00:00")),
    ("Suspended", {**status("2026-12-07T23:57:35.376629+00:00", "decision-lapse", "lapse", "suspended",
                            "2027-01-03T07:00:00+00:00", None), "cause": "lapse"}),
    ("Reinstated", reissue("2026-12-07T23:57:35.393249+00:00", "decision-reinstate", "reinstatement-1",
                           "2027-03-01", "2027-12-31", "2027-03-01T07:00:00+00:00", "2028-01-01T07:00:00+00:00",
                           "2027-01-03T07:00:00+00:00")),
    ("Suspended", {**status("2026-12-07T23:57:35.394555+00:00", "decision-suspend", "under_investigation",
                            "suspended", "2027-01-03T07:00:00+00:00", 7), "cause": "coordinator"}),
    ("Unsuspended", status("2026-12-07T23:57:35.395106+00:00", "decision-unsuspend", "other", "unsuspended",
                           "2027-01-03T07:00:00+00:00", 7)),
    ("Expired", {"timestamp": at("2026-12-07T23:57:35.395594+00:00"), "valid_until": at("2028-01-01T07:00:00+00:00"),
                 "expired_at": at("2028-01-01T07:00:00+00:00")}),
    ("Revoked", status("2026-12-07T23:57:35.395910+00:00", "decision-revoke", "other", "revoked",
                       "2028-01-01T07:00:00+00:00", 7)),
]

RECORDED_SUSPENSION_LIST_EVENTS: list[tuple[str, dict[str, Any]]] = [  # versions 1 to 6
    ("Created", {"timestamp": at("2026-12-07T23:57:35.076606+00:00"),
                 "originator_topic": "credentials.domain.status_list:StatusList", "tenant": TENANT,
                 "purpose": "suspension", "created_at": at("2025-06-01T12:00:00+00:00"), "length": 131072}),
    ("EntryReserved", {"timestamp": at("2026-12-07T23:57:35.076754+00:00"),
                       "credential_id": {"_type_": "uuid_hex", "_data_": RECORDED_CREDENTIAL_ID}, "index": INDEX}),
    ("BitSet", {"timestamp": at("2026-12-07T23:57:35.377091+00:00"), "index": INDEX,
                "changed_at": at("2027-01-03T07:00:00+00:00")}),
    ("BitCleared", {"timestamp": at("2026-12-07T23:57:35.393950+00:00"), "index": INDEX,
                    "changed_at": at("2027-01-03T07:00:00+00:00")}),
    ("BitSet", {"timestamp": at("2026-12-07T23:57:35.394704+00:00"), "index": INDEX,
                "changed_at": at("2027-01-03T07:00:00+00:00")}),
    ("BitCleared", {"timestamp": at("2026-12-07T23:57:35.395257+00:00"), "index": INDEX,
                    "changed_at": at("2027-01-03T07:00:00+00:00")}),
]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def stored(originator_id: uuid.UUID, first_version: int, prefix: str,
           events: list[tuple[str, dict[str, Any]]]) -> list[StoredEvent]:
    return [StoredEvent(originator_id, version, prefix + name, json.dumps(state).encode("utf-8"))
            for version, (name, state) in enumerate(events, start=first_version)]


def test_a_credential_stored_by_the_mutator_methods_replays_to_the_state_they_gave(
    tenants: dict[str, TenantProfile],
) -> None:
    world = World(tenants)
    credential = world.issue()  # `Issued` is still bound to `__init__`: stored as it was
    old = World(tenants)
    old.personal_keys.texts.update(world.personal_keys.texts)
    [issued] = [n for n in world.app.process_recorder.select_notifications(start=1, limit=100)
                if n.originator_id == credential.id]
    old.app.recorder.insert_events([StoredEvent(credential.id, 1, issued.topic, bytes(issued.state)),
                                    *stored(credential.id, 2, CREDENTIAL, RECORDED_CREDENTIAL_EVENTS)])

    loaded = old.credential(credential.id)

    assert loaded.version == 8
    assert (loaded.status, loaded.status_reason_code, loaded.status_note) == (
        CredentialStatus.REVOKED, ReasonCode.OTHER, None)
    assert loaded.status_changed_at == utc(2028, 1, 1, 7)
    assert loaded.status_history == [
        StatusChange("suspended", ReasonCode.LAPSE, None, utc(2027, 1, 3, 7), None),
        StatusChange("reinstated", ReasonCode.REINSTATED_AFTER_LAPSE, None, utc(2027, 1, 3, 7), None),
        StatusChange("suspended", ReasonCode.UNDER_INVESTIGATION, None, utc(2027, 1, 3, 7), COORDINATOR),
        StatusChange("unsuspended", ReasonCode.OTHER, None, utc(2027, 1, 3, 7), COORDINATOR),
        StatusChange("revoked", ReasonCode.OTHER, None, utc(2028, 1, 1, 7), COORDINATOR),
    ]
    assert loaded.decisions == ["decision-renew", "decision-lapse", "decision-reinstate", "decision-suspend",
                                "decision-unsuspend", "decision-revoke"]
    assert loaded.references == ["renewal-2026", "reinstatement-1"]
    assert (loaded.valid_from_date, loaded.renewal_date) == (date(2027, 3, 1), date(2027, 12, 31))
    assert (loaded.validity.valid_from, loaded.validity.valid_until) == (utc(2027, 3, 1, 7), utc(2028, 1, 1, 7))
    assert loaded.reissued_at == utc(2027, 1, 3, 7)
    assert (loaded.verification_method, loaded.document) == (METHOD, {"validFrom": "2027-03-01T07:00:00Z"})
    assert loaded.expired_for == utc(2028, 1, 1, 7) and loaded.is_expired
    assert (loaded.effective_date, loaded.awarded_at) == (credential.effective_date, credential.awarded_at)


def test_a_status_list_stored_by_the_mutator_methods_replays_to_the_state_they_gave(
    tenants: dict[str, TenantProfile],
) -> None:
    old = World(tenants)
    list_id = status_list_id(TENANT, StatusPurpose.SUSPENSION)
    old.app.recorder.insert_events(stored(list_id, 1, STATUS_LIST, RECORDED_SUSPENSION_LIST_EVENTS))

    loaded = old.app.repository.get(list_id)

    assert isinstance(loaded, StatusList) and loaded.version == 6
    assert loaded.index_by_credential == {str(uuid.UUID(RECORDED_CREDENTIAL_ID)): INDEX}
    assert loaded.taken == {INDEX} and loaded.set_bits == set()
    assert (loaded.revision, loaded.changed_at) == (4, utc(2027, 1, 3, 7))


def test_the_same_changes_are_stored_now_with_the_same_topics_and_fields(tenants: dict[str, TenantProfile]) -> None:
    world = World(tenants)
    credential = world.issue()
    world.apply(world.lifecycle.renew(credential, ReissueTerms("renewal-2026", date(2025, 12, 10),
                                                               date(2026, 12, 31)), "decision-renew"))
    world.now = world.credential(credential.id).validity.valid_until + timedelta(days=2)
    world.apply(world.lifecycle.suspend(world.credential(credential.id),
                                        Decision("decision-lapse", ReasonCode.LAPSE, world.now), SuspensionCause.LAPSE))
    world.apply(world.lifecycle.reinstate(world.credential(credential.id), ReissueTerms(
        "reinstatement-1", date(2027, 3, 1), date(2027, 12, 31)), "decision-reinstate"))
    world.apply(world.lifecycle.suspend(world.credential(credential.id), Decision(
        "decision-suspend", ReasonCode.UNDER_INVESTIGATION, world.now, COORDINATOR), SuspensionCause.COORDINATOR))
    world.apply(world.lifecycle.unsuspend(world.credential(credential.id), Decision(
        "decision-unsuspend", ReasonCode.OTHER, world.now, COORDINATOR)))
    expiring = world.credential(credential.id)
    world.now = expiring.validity.valid_until
    world.apply(world.lifecycle.expire_if_due(expiring))
    world.apply(world.lifecycle.revoke(world.credential(credential.id), Decision(
        "decision-revoke", ReasonCode.OTHER, world.now, COORDINATOR)))

    notifications = world.app.process_recorder.select_notifications(start=1, limit=100)
    now_stored = [(n.topic, sorted(json.loads(n.state))) for n in notifications if n.originator_id == credential.id]
    suspension_list = status_list_id(TENANT, StatusPurpose.SUSPENSION)
    list_stored = [(n.topic, sorted(json.loads(n.state))) for n in notifications if n.originator_id == suspension_list]
    assert now_stored[1:] == [(CREDENTIAL + name, sorted(state)) for name, state in RECORDED_CREDENTIAL_EVENTS]
    assert list_stored == [(STATUS_LIST + name, sorted(state)) for name, state in RECORDED_SUSPENSION_LIST_EVENTS]
    replayed = world.app.credential_at(credential.id, 8)  # from the store, not the cache
    assert [(c.change, c.reason_code) for c in replayed.status_history] == [
        ("suspended", ReasonCode.LAPSE), ("reinstated", ReasonCode.REINSTATED_AFTER_LAPSE),
        ("suspended", ReasonCode.UNDER_INVESTIGATION), ("unsuspended", ReasonCode.OTHER),
        ("revoked", ReasonCode.OTHER)]
