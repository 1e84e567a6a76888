"""W3C Bitstring Status List v1.0 documents: a credential's status entry and the status list credential.

Every term used here is defined by the VC Data Model 2.0 context (`BitstringStatusListCredential`,
`BitstringStatusList`, `encodedList`, `statusPurpose`, `ttl`, `BitstringStatusListEntry`,
`statusListIndex`, `statusListCredential`), so no other context is needed.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from credentials.vc.bitstring import decode_list, encode_list
from credentials.vc.contexts import VC_V2_CONTEXT
from credentials.vc.errors import MalformedDocumentError
from credentials.vc.timestamps import format_timestamp, parse_timestamp

ENTRY_TYPE = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
LIST_TYPE = "BitstringStatusList"
MIN_ENTRIES = 131_072


@dataclass(frozen=True)
class StatusEntry:
    """Where a credential's status is published: a list credential's URL, an index and a purpose."""

    purpose: str
    index: int
    list_url: str

    def as_document(self) -> dict[str, Any]:
        return {
            "id": f"{self.list_url}#{self.index}",
            "type": ENTRY_TYPE,
            "statusPurpose": self.purpose,
            "statusListIndex": str(self.index),
            "statusListCredential": self.list_url,
        }


def read_status_entry(value: object) -> StatusEntry:
    """The one `BitstringStatusListEntry` a credential names; MalformedDocumentError for anything else."""
    if not isinstance(value, Mapping):
        raise MalformedDocumentError("credentialStatus must be one object")
    if value.get("type") != ENTRY_TYPE:
        raise MalformedDocumentError(f"credentialStatus.type must be {ENTRY_TYPE}")
    purpose, index, url = value.get("statusPurpose"), value.get("statusListIndex"), value.get("statusListCredential")
    if not isinstance(purpose, str) or not purpose:
        raise MalformedDocumentError("credentialStatus.statusPurpose must be a string")
    if not isinstance(index, str) or not index.isascii() or not index.isdigit() or len(index) > 12:
        raise MalformedDocumentError("credentialStatus.statusListIndex must be a non-negative integer as a string")
    if not isinstance(url, str) or not url:
        raise MalformedDocumentError("credentialStatus.statusListCredential must be a URL")
    return StatusEntry(purpose, int(index), url)


def build_status_list_credential(
    *, list_url: str, issuer_did: str, purpose: str, bits: bytes, valid_from: datetime, ttl_seconds: int
) -> dict[str, Any]:
    """The unsigned `BitstringStatusListCredential`; sign it with `dataintegrity.sign`."""
    if len(bits) * 8 < MIN_ENTRIES:
        raise ValueError(f"a status list has at least {MIN_ENTRIES} entries")
    return {
        "@context": [VC_V2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer_did,
        "validFrom": format_timestamp(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": LIST_TYPE,
            "statusPurpose": purpose,
            "encodedList": encode_list(bits),
            "ttl": ttl_seconds * 1000,
        },
    }


@dataclass(frozen=True)
class StatusListContent:
    """What a status list credential says, once its structure is checked (its proof is checked apart)."""

    list_url: str
    issuer: str
    purposes: tuple[str, ...]
    bits: bytes
    valid_from: datetime
    valid_until: datetime | None

    @property
    def length(self) -> int:
        return len(self.bits) * 8


def read_status_list_credential(document: Mapping[str, Any]) -> StatusListContent:
    """Check the structure of a status list credential and decode its list."""
    types = document.get("type")
    if not isinstance(types, list) or LIST_CREDENTIAL_TYPE not in types:
        raise MalformedDocumentError(f"a status list credential's type must include {LIST_CREDENTIAL_TYPE}")
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    subject = document.get("credentialSubject")
    if not isinstance(issuer_id, str) or not isinstance(subject, Mapping) or subject.get("type") != LIST_TYPE:
        raise MalformedDocumentError(f"a status list credential needs an issuer and a {LIST_TYPE} subject")
    purposes = subject.get("statusPurpose")
    listed = tuple(purposes) if isinstance(purposes, list) else (purposes,)
    if not all(isinstance(purpose, str) for purpose in listed):
        raise MalformedDocumentError("statusPurpose must be a string or a list of strings")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise MalformedDocumentError("encodedList must be a string")
    bits = decode_list(encoded)
    if len(bits) * 8 < MIN_ENTRIES:
        raise MalformedDocumentError(f"the list has fewer than {MIN_ENTRIES} entries")
    valid_until = document.get("validUntil")
    return StatusListContent(
        list_url=str(document.get("id", "")),
        issuer=issuer_id,
        purposes=listed,
        bits=bits,
        valid_from=parse_timestamp(document.get("validFrom"), "validFrom"),
        valid_until=parse_timestamp(valid_until, "validUntil") if valid_until is not None else None,
    )
