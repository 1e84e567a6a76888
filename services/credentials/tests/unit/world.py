"""The service's core without engines: the application on in-memory persistence, its status lists, the
lifecycle use cases and the verifier, with a clock the test moves and keys it can rotate."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from credentials.adapters.keyring import IssuerDirectory, build_issuer_directory
from credentials.adapters.signer import OpenBadgeSigner
from credentials.adapters.status_lists import StatusListPublisher
from credentials.application import CredentialsApplication
from credentials.config import TenantProfile
from credentials.domain.credential import Credential, Decision
from credentials.domain.grant import EndorsementGrant, Holder
from credentials.domain.reasons import ReasonCode
from credentials.lifecycle import Effects, Lifecycle
from credentials.status_check import StatusChecker
from credentials.translation import PartnerEvents
from credentials.vc.multikey import Ed25519KeyPair
from credentials.verification import verify_presented
from servicekit.testing_keys import MemoryKeys

BASE_URL = "https://verify.example.org"
TENANT = "itmhca"
KEY_A = Ed25519KeyPair.from_seed(bytes(range(32)))
KEY_B = Ed25519KeyPair.from_seed(bytes(range(100, 132)))
START = datetime(2025, 6, 1, 12, tzinfo=UTC)


class World:
    def __init__(self, tenants: Mapping[str, TenantProfile], keys: Sequence[Ed25519KeyPair] = (KEY_A,)) -> None:
        self.tenants = tenants
        self.now = START
        self.personal_keys = MemoryKeys()
        self.app = CredentialsApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"}, tenants=tenants,
                                          signer=OpenBadgeSigner(self._issuers(keys)), public_base_url=BASE_URL,
                                          keys=self.personal_keys, clock=lambda: self.now)
        self.lifecycle = Lifecycle(self.app)
        self.use_keys(keys)

    def use_keys(self, keys: Sequence[Ed25519KeyPair]) -> None:
        """Configure the tenant's keys, oldest first (the last one signs), as a restart with new settings."""
        self.issuers: IssuerDirectory = self._issuers(keys)
        self.app.signer = OpenBadgeSigner(self.issuers)
        self.publisher = StatusListPublisher(self.app, self.issuers, ttl_seconds=300)
        self.checker = StatusChecker(self.publisher, self.issuers, BASE_URL)

    def _issuers(self, keys: Sequence[Ed25519KeyPair]) -> IssuerDirectory:
        return build_issuer_directory(self.tenants, {TENANT: [key.seed.hex() for key in keys]}, BASE_URL)

    def grant(self, **changes: Any) -> EndorsementGrant:
        grant = EndorsementGrant(
            tenant=TENANT, endorsement_id=uuid.uuid4(),
            holder=Holder.of_account(uuid.uuid4(), "Ana Núñez", "ana.nunez@example.org"),
            category="IFS", category_name="Infant Family Specialist", designation=None,
            effective_date=date(2025, 1, 1), renewal_date=date(2025, 12, 31),
        )
        return dataclasses.replace(grant, **changes)

    def issue(self, **changes: Any) -> Credential:
        credential = self.app.issue(self.grant(**changes))
        assert credential is not None
        self.app.save(credential)
        return credential

    def apply(self, effects: Effects) -> None:
        self.app.save(*effects)

    def credential(self, credential_id: uuid.UUID) -> Credential:
        credential = self.app.get_credential(credential_id)
        assert credential is not None
        return credential

    def decision(self, code: ReasonCode = ReasonCode.OTHER, note: str | None = None) -> Decision:
        return Decision(str(uuid.uuid4()), code, self.now, uuid.uuid4(), note)

    def verify(self, document: Mapping[str, Any]) -> dict[str, Any]:
        return verify_presented(document, {}, issuer_resolver=self.issuers.resolve, status_check=self.checker,
                                clock=lambda: self.now)

    def partner_events(self) -> PartnerEvents:
        return PartnerEvents(self.app.credential_at, self.app.status_list_url)

    def stored_events(self) -> list[Any]:
        return [self.app.mapper.to_domain_event(n)
                for n in self.app.process_recorder.select_notifications(start=1, limit=10_000)]

    def later(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def check(result: Mapping[str, Any], name: str) -> dict[str, Any]:
    return next(dict(c) for c in result["checks"] if c["check"] == name)


def codes(result: Mapping[str, Any]) -> list[str]:
    return [error["code"] for error in result["errors"]]
