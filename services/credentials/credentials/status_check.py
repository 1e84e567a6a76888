"""The status check of verification: is the presented credential revoked or suspended?

It follows the Bitstring Status List v1.0 validation algorithm against the lists this service publishes,
read from its own store (never the network): the entry must point at one of the issuer's lists here, the
signed list credential must verify with the issuer's keys and be in force, and the bit at the index is
read. A credential carries one entry (OB 3.0 allows one), for its tenant's revocation list; its index is
the same in the tenant's suspension list, which is checked too. Whenever a list cannot be read or
trusted, the answer is STATUS_UNAVAILABLE: never a pass that nobody checked.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from credentials.adapters.keyring import IssuerDirectory
from credentials.adapters.status_lists import PublishedStatusList, StatusListPublisher
from credentials.domain.status_list import StatusPurpose
from credentials.vc.bitstring import is_set
from credentials.vc.canonical import canonicalize
from credentials.vc.dataintegrity import HashData, verify_proof
from credentials.vc.errors import InvalidMultikeyError, MalformedDocumentError
from credentials.vc.multikey import decode_public_key
from credentials.vc.status_list import (
    StatusEntry,
    StatusListContent,
    read_status_entry,
    read_status_list_credential,
)
from credentials.vc.verification_result import CheckName, CheckResult, FailureCode

_FOUND = {StatusPurpose.REVOCATION: FailureCode.REVOKED, StatusPurpose.SUSPENSION: FailureCode.SUSPENDED}
_KEEP_VERIFIED = 256


class StatusUnavailableError(Exception):
    """The status cannot be established; the message says why."""


class StatusChecker:
    def __init__(self, lists: StatusListPublisher, issuers: IssuerDirectory, public_base_url: str) -> None:
        self.lists = lists
        self.issuers = issuers
        self.prefix = public_base_url.rstrip("/") + "/status-lists/"
        self._verified: dict[tuple[str, str], StatusListContent] = {}  # by (list url, etag)
        self._lock = threading.Lock()

    def __call__(self, credential: Mapping[str, Any], now: datetime) -> CheckResult:
        try:
            if "credentialStatus" not in credential:
                raise StatusUnavailableError("the credential names no status entry")
            entry = read_status_entry(credential["credentialStatus"])
            tenant, purpose = self._locate(entry, credential)
            purposes = [purpose] + ([StatusPurpose.SUSPENSION] if purpose is StatusPurpose.REVOCATION else [])
            for checked in purposes:
                if self._bit(tenant, checked, entry.index, now):
                    return CheckResult.failed(CheckName.STATUS, _FOUND[checked], _found_detail(checked, entry))
        except (MalformedDocumentError, StatusUnavailableError) as error:
            return CheckResult.failed(CheckName.STATUS, FailureCode.STATUS_UNAVAILABLE,
                                      f"the status could not be checked: {error}")
        return CheckResult.passed(CheckName.STATUS, "neither revoked nor suspended")

    def _locate(self, entry: StatusEntry, credential: Mapping[str, Any]) -> tuple[str, StatusPurpose]:
        """The tenant and purpose of the list the entry points at, which must be its issuer's, here."""
        url = entry.list_url[:200]  # quoted in answers: bounded
        if not entry.list_url.startswith(self.prefix):
            raise StatusUnavailableError(f"{url} is not a status list published by this service")
        tenant, _, purpose_name = entry.list_url.removeprefix(self.prefix).partition("/")
        try:
            purpose = StatusPurpose(purpose_name)
        except ValueError:
            raise StatusUnavailableError(f"{url} is not a status list published by this service") from None
        if entry.purpose != purpose.value or urlsplit(entry.list_url).fragment:
            raise StatusUnavailableError(f"the entry's purpose {entry.purpose[:40]!r} does not match {url}")
        issuer = self.issuers.get(tenant)
        credential_issuer = credential.get("issuer")
        issuer_id = credential_issuer.get("id") if isinstance(credential_issuer, Mapping) else credential_issuer
        if issuer is None or issuer.did != issuer_id:
            raise StatusUnavailableError("the status list does not belong to the credential's issuer")
        return tenant, purpose

    def _bit(self, tenant: str, purpose: StatusPurpose, index: int, now: datetime) -> bool:
        published = self.lists.get(tenant, purpose)
        if published is None:
            raise StatusUnavailableError(f"the {purpose} list of {tenant} is not published")
        content = self._verified_content(published)
        issuer = self.issuers.get(tenant)
        if issuer is None or content.issuer != issuer.did:
            raise StatusUnavailableError(f"the list at {content.list_url} is not issued by {tenant}")
        if purpose.value not in content.purposes:
            raise StatusUnavailableError(f"the list at {content.list_url} is not a {purpose} list")
        if now + CLOCK_SKEW < content.valid_from or (content.valid_until is not None and now >= content.valid_until):
            raise StatusUnavailableError(f"the list at {content.list_url} is not in force")
        if index >= content.length:
            raise StatusUnavailableError(f"index {index} is beyond the list's {content.length} entries")
        return is_set(content.bits, index)

    def _verified_content(self, published: PublishedStatusList) -> StatusListContent:
        """The list credential's content, once its proof verified with its issuer's keys (checked once
        per published version)."""
        key = (str(published.document.get("id")), published.etag)
        with self._lock:
            known = self._verified.get(key)
        if known is not None:
            return known
        content = read_status_list_credential(published.document)
        keys = dict(self.issuers.resolve(content.issuer) or {})

        def resolve(method: str) -> Ed25519PublicKey | None:
            try:
                return decode_public_key(keys[method]) if method in keys else None
            except InvalidMultikeyError:
                return None

        check = verify_proof(published.document, resolve, hasher=_own_list_hash)
        if not check.verified:
            raise StatusUnavailableError(f"the status list's proof did not verify: {check.detail}")
        with self._lock:
            if len(self._verified) >= _KEEP_VERIFIED:
                self._verified.clear()
            self._verified[key] = content
        return content

CLOCK_SKEW = timedelta(seconds=60)
"""A list published a moment ago by a process whose clock runs slightly ahead is in force: `validFrom` is the
moment its bits changed, read from another clock than the verifier's (replicas, the business clock's offset file)."""
OWN_LIST_TIME_BUDGET_SECONDS = 10.0
"""Our own published lists are no hostile input: the 1 s budget for presented documents would turn a busy moment
into a false `STATUS_UNAVAILABLE` (the result is cached per published version, so this is paid once per change)."""


def _own_list_hash(document: Mapping[str, Any], config: Mapping[str, Any]) -> HashData:
    return HashData(canonical_document=canonicalize(document, time_budget=OWN_LIST_TIME_BUDGET_SECONDS),
                    canonical_proof_config=canonicalize(config, time_budget=OWN_LIST_TIME_BUDGET_SECONDS))


def _found_detail(purpose: StatusPurpose, entry: StatusEntry) -> str:
    state = "revoked" if purpose is StatusPurpose.REVOCATION else "suspended"
    return f"the credential is {state} (index {entry.index} of the issuer's {purpose} list)"
