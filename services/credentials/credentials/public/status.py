"""The live status shown to the public, and what was checked to arrive at it.

Several sources are consulted and the gravest thing any of them says wins: the association's records
(the credential aggregate), the read model, and the signed validity period. "Active" is shown only when
no source says otherwise; a status value this code does not know is shown as "unknown", never as active.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from credentials.domain.credential import Credential
from credentials.vc.errors import MalformedDocumentError
from credentials.vc.timestamps import parse_timestamp


class PublicState(StrEnum):
    ACTIVE = "active"
    UNKNOWN = "unknown"
    NOT_YET_VALID = "not yet valid"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


_GRAVITY = {state: rank for rank, state in enumerate(PublicState)}


class Source(StrEnum):
    """Where a status finding comes from (the page words each one in the reader's language)."""

    RECORDS = "records"
    READ_MODEL = "read_model"
    VALIDITY = "validity"
    STATUS_LISTS = "status_lists"


class ValidityFinding(StrEnum):
    UNREADABLE = "unreadable"
    NOT_STARTED = "not_started"
    ENDED = "ended"
    IN_FORCE = "in_force"


@dataclass(frozen=True)
class StatusCheck:
    source: Source
    finding: str
    """RECORDS, READ_MODEL: the recorded status value ("" when the read model has no entry yet); VALIDITY: a
    `ValidityFinding`; STATUS_LISTS: the `statusPurpose` of each entry, comma-separated ("" for none)."""


@dataclass(frozen=True)
class PublicStatus:
    state: PublicState
    checks: tuple[StatusCheck, ...]


def state_from(value: str | None) -> PublicState:
    """A recorded status value as a public state; anything unrecognised is UNKNOWN."""
    try:
        return PublicState((value or "").strip().lower())
    except ValueError:
        return PublicState.UNKNOWN


def public_status(credential: Credential, now: datetime, read_model_status: str | None) -> PublicStatus:
    """The credential's status now, from its aggregate, the read model and its signed document."""
    document: Mapping[str, Any] = credential.document
    return derive_status(
        recorded=credential.standing_at(now).value,
        read_model=read_model_status,
        valid_from=_instant(document.get("validFrom")),
        valid_until=_instant(document.get("validUntil")),
        status_purposes=status_purposes(document),
        now=now,
    )


def derive_status(
    *,
    recorded: str,
    read_model: str | None,
    valid_from: datetime | None,
    valid_until: datetime | None,
    status_purposes: Sequence[str],
    now: datetime,
) -> PublicStatus:
    states = [state_from(recorded)]
    checks = [StatusCheck(Source.RECORDS, recorded)]
    if read_model is None:
        checks.append(StatusCheck(Source.READ_MODEL, ""))
    else:
        states.append(state_from(read_model))
        checks.append(StatusCheck(Source.READ_MODEL, read_model))
    validity_state, validity_finding = _validity(valid_from, valid_until, now)
    states.append(validity_state)
    checks.append(StatusCheck(Source.VALIDITY, validity_finding.value))
    checks.append(StatusCheck(Source.STATUS_LISTS, ", ".join(status_purposes)))
    return PublicStatus(max(states, key=_GRAVITY.__getitem__), tuple(checks))


def status_purposes(document: Mapping[str, Any]) -> list[str]:
    """The `statusPurpose` of each `credentialStatus` entry the credential names (one object or a list)."""
    entries = document.get("credentialStatus")
    listed = entries if isinstance(entries, list) else [entries] if entries is not None else []
    return [str(entry.get("statusPurpose", "unspecified")) for entry in listed if isinstance(entry, Mapping)]


def _validity(
    valid_from: datetime | None, valid_until: datetime | None, now: datetime
) -> tuple[PublicState, ValidityFinding]:
    if valid_from is None:
        return PublicState.UNKNOWN, ValidityFinding.UNREADABLE
    if now < valid_from:
        return PublicState.NOT_YET_VALID, ValidityFinding.NOT_STARTED
    if valid_until is not None and now >= valid_until:
        return PublicState.EXPIRED, ValidityFinding.ENDED
    return PublicState.ACTIVE, ValidityFinding.IN_FORCE


def _instant(value: object) -> datetime | None:
    try:
        return parse_timestamp(value, "timestamp")
    except MalformedDocumentError:
        return None
