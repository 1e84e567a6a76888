"""Publishes each tenant's status lists as signed `BitstringStatusListCredential`s (eddsa-rdfc-2022).

A list is signed again only when its bits changed or the tenant's signing key did; in between the signed
document is served from memory. `validFrom` and the proof's `created` are the moment the bits last changed
(the list's creation while none has), and Ed25519 signatures are deterministic, so every instance of the
service produces byte-identical documents for the same list state: the ETag (a hash of the body) is a
strong validator that holds across instances and restarts.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.persistence import IntegrityError

from credentials.adapters.keyring import IssuerDirectory
from credentials.application import CONFLICT_ATTEMPTS, CredentialsApplication
from credentials.domain.status_list import StatusList, StatusPurpose
from credentials.vc.bitstring import bits_of
from credentials.vc.dataintegrity import sign
from credentials.vc.status_list import build_status_list_credential

DEFAULT_TTL_SECONDS = 300


@dataclass(frozen=True)
class PublishedStatusList:
    tenant: str
    purpose: StatusPurpose
    revision: int
    verification_method: str
    document: dict[str, Any]
    body: bytes
    etag: str
    bits: bytes
    changed_at: datetime


class StatusListPublisher:
    def __init__(self, app: CredentialsApplication, issuers: IssuerDirectory,
                 ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        self.app = app
        self.issuers = issuers
        self.ttl_seconds = ttl_seconds
        self._published: dict[tuple[str, StatusPurpose], PublishedStatusList] = {}
        self._lock = threading.Lock()

    def get(self, tenant: str, purpose: StatusPurpose) -> PublishedStatusList | None:
        """The tenant's current signed list; None for a tenant this service does not issue for."""
        issuer = self.issuers.get(tenant)
        if issuer is None or tenant not in self.app.tenants:
            return None
        status_list = self._current(tenant, purpose)
        with self._lock:
            cached = self._published.get((tenant, purpose))
            if (cached is not None and cached.revision == status_list.revision
                    and cached.verification_method == issuer.verification_method):
                return cached
        published = self._publish(status_list, purpose)
        with self._lock:
            self._published[(tenant, purpose)] = published
        return published

    def _current(self, tenant: str, purpose: StatusPurpose) -> StatusList:
        """The saved list; a tenant that never issued gets its (empty) list created now."""
        for _ in range(CONFLICT_ATTEMPTS):
            existing = self.app.get_status_list(tenant, purpose)
            if existing is not None:
                return existing
            try:
                self.app.save(self.app.status_list(tenant, purpose))
            except IntegrityError:
                continue
        raise RuntimeError(f"could not create the {purpose} list of {tenant}")

    def _publish(self, status_list: StatusList, purpose: StatusPurpose) -> PublishedStatusList:
        issuer = self.issuers.get(status_list.tenant)
        assert issuer is not None
        # The list may be the cached instance, which another thread fast-forwards: take its state at once
        # (frozenset copies without running Python code, so no change can interleave).
        revision, changed_at, set_bits = status_list.revision, status_list.changed_at, frozenset(status_list.set_bits)
        bits = bits_of(set_bits, status_list.length)
        unsigned = build_status_list_credential(
            list_url=self.app.status_list_url(status_list.tenant, purpose), issuer_did=issuer.did,
            purpose=purpose.value, bits=bits, valid_from=changed_at, ttl_seconds=self.ttl_seconds,
        )
        document = sign(unsigned, issuer.signing_key, issuer.verification_method, changed_at)
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return PublishedStatusList(
            tenant=status_list.tenant, purpose=purpose, revision=revision,
            verification_method=issuer.verification_method, document=document, body=body,
            etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"', bits=bits, changed_at=changed_at,
        )
