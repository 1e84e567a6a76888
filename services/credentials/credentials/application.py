"""Use cases of the credentials service: issue a credential for a granted endorsement, look things up.

Status changes, renewals and expiry are in `lifecycle.py`; both work on this application's repository.
Aggregates are cached (and fast-forwarded from the store on every read), so the busy per-tenant status
lists are not replayed from their first event on each issue; they are also snapshotted.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding
from servicekit.clock import Clock
from servicekit.eventstore import TrackedApplication
from servicekit.sealed_transcoding import Sealer, sealed_transcoding

from credentials.config import TenantProfile
from credentials.domain.credential import Credential, SignedCredential, credential_id_for
from credentials.domain.erasure import Erasure, erasure_record_id
from credentials.domain.errors import (
    HolderErasedError,
    IndexTakenError,
    UnknownCategoryError,
    UnknownTenantError,
)
from credentials.domain.grant import EndorsementGrant, Holder
from credentials.domain.reasons import StaffNote
from credentials.domain.status_list import RandomBelow, StatusList, StatusPurpose, status_list_id
from credentials.domain.validity import ValidityPeriod, validity_period
from credentials.vc.status_list import StatusEntry

A = TypeVar("A")
CONFLICT_ATTEMPTS = 8
EMBEDDED_STATUS_PURPOSE = StatusPurpose.REVOCATION
"""The purpose of the one `credentialStatus` entry a credential carries (see the README: status lists)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class CredentialSigner(Protocol):
    def sign(
        self,
        tenant: TenantProfile,
        credential_id: UUID,
        grant: EndorsementGrant,
        period: ValidityPeriod,
        signed_at: datetime,
        *,
        awarded_at: datetime | None = None,
        credential_status: Mapping[str, Any] | None = None,
    ) -> SignedCredential: ...


class PersonalDataKeys(Sealer, Protocol):
    """What the application needs of `servicekit.shredding.SubjectKeys` (the per-subject keys of its schema)."""

    def destroy(self, subject: str) -> None: ...

    def is_erased(self, subject: str) -> bool: ...

    def close(self) -> None: ...


class SetOfIntegers(Transcoding):
    """Lets snapshots of status lists keep their sets of indexes."""

    type = set
    name = "set"

    def encode(self, obj: set[int]) -> list[int]:
        return sorted(obj)

    def decode(self, data: list[int]) -> set[int]:
        return set(data)


class CredentialsApplication(TrackedApplication):
    env: ClassVar[dict[str, str]] = {"AGGREGATE_CACHE_MAXSIZE": "2000"}
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {StatusList: 500}

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        tenants: Mapping[str, TenantProfile],
        signer: CredentialSigner,
        public_base_url: str,
        keys: PersonalDataKeys,
        clock: Clock = utc_now,
        random_below: RandomBelow = secrets.randbelow,
    ) -> None:
        self.keys = keys  # before super().__init__, which registers the transcodings
        super().__init__(env)
        self.tenants = tenants
        self.signer = signer
        self.public_base_url = public_base_url.rstrip("/")
        self.clock = clock
        self.random_below = random_below

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(SetOfIntegers())
        transcoder.register(sealed_transcoding(Holder, name="credentials_holder_v1", personal=("name", "email"),
                                               keys=self.keys))
        transcoder.register(sealed_transcoding(StaffNote, name="credentials_staff_note_v1", personal=("text",),
                                               keys=self.keys))

    def close(self) -> None:
        super().close()
        self.keys.close()

    # --- addresses ----------------------------------------------------------------------------------------

    def verification_url(self, credential_id: UUID) -> str:
        return f"{self.public_base_url}/credentials/{credential_id}"

    def status_list_url(self, tenant: str, purpose: StatusPurpose) -> str:
        return f"{self.public_base_url}/status-lists/{tenant}/{purpose.value}"

    def status_entry(self, tenant: str, index: int, purpose: StatusPurpose = EMBEDDED_STATUS_PURPOSE) -> StatusEntry:
        return StatusEntry(purpose.value, index, self.status_list_url(tenant, purpose))

    # --- issuing ------------------------------------------------------------------------------------------

    def issue(self, grant: EndorsementGrant) -> Credential | None:
        """The new, unsaved credential for `grant`, or None when the endorsement already has one.

        Raises HolderErasedError when the holder was erased (e.g. a grant read again after a broker loss):
        nothing may be sealed for them any more.

        The caller saves it (with the position of the message that carried the grant). Its status index
        is reserved first, in a transaction of its own: the reservation belongs to the credential id, so
        a retry after a crash or a lost race gets the same index back, and no other credential ever does.
        Should another delivery of the same grant save first, saving fails and a retry finds it here.
        """
        tenant = self.tenant(grant.tenant)
        if grant.category not in tenant.categories:
            raise UnknownCategoryError(f"tenant {grant.tenant!r} does not award category {grant.category!r}")
        credential_id = credential_id_for(grant.endorsement_id)
        if credential_id in self.repository:
            return None
        if self.keys.is_erased(grant.holder.subject):
            raise HolderErasedError("the holder was erased: no credential is issued for them")
        index = self.reserve_status_index(grant.tenant, credential_id)
        period = validity_period(grant.effective_date, grant.renewal_date, tenant.timezone)
        issued_at = self.clock()
        entry = self.status_entry(grant.tenant, index).as_document()
        signed = self.signer.sign(tenant, credential_id, grant, period, issued_at, credential_status=entry)
        return Credential.issue(grant, period, signed, verification_url=self.verification_url(credential_id),
                                issued_at=issued_at, status_index=index)

    def reserve_status_index(self, tenant: str, credential_id: UUID) -> int:
        """The credential's index, the same in the tenant's revocation and suspension lists."""
        for _ in range(CONFLICT_ATTEMPTS):
            lists = [self.status_list(tenant, purpose) for purpose in StatusPurpose]
            held = lists[0].index_of(credential_id)
            index = held if held is not None else lists[0].choose_free_index(self.random_below)
            try:
                for status_list in lists:
                    status_list.reserve(credential_id, index)
                self.save(*lists)
            except (IntegrityError, IndexTakenError):
                continue  # another process reserved or created concurrently: read again
            return index
        raise RuntimeError(f"could not reserve a status index for {credential_id}")

    # --- erasure ------------------------------------------------------------------------------------------

    def erase(self, erasure_id: UUID, tenant: str, subject: str) -> Erasure | None:
        """Destroy the subject's key (idempotent) and return the new, unsaved record of it; None when this
        erasure was recorded already. The caller saves it with the position of the `PersonErased` record."""
        self.keys.destroy(subject)
        if erasure_record_id(erasure_id) in self.repository:
            return None
        return Erasure(erasure_id=erasure_id, tenant=tenant, subject=subject, erased_at=self.clock())

    # --- reading ------------------------------------------------------------------------------------------

    def tenant(self, slug: str) -> TenantProfile:
        profile = self.tenants.get(slug)
        if profile is None:
            raise UnknownTenantError(f"tenant {slug!r} is not configured here")
        return profile

    def get_credential(self, credential_id: UUID) -> Credential | None:
        return self._get(credential_id, Credential)

    def get_credential_for_endorsement(self, endorsement_id: UUID) -> Credential | None:
        return self.get_credential(credential_id_for(endorsement_id))

    def credential_at(self, credential_id: UUID, version: int) -> Credential:
        """The credential as it was after its event number `version` (for translating that event)."""
        credential: Any = self.repository.get(credential_id, version=version)
        assert isinstance(credential, Credential)
        return credential

    def get_status_list(self, tenant: str, purpose: StatusPurpose) -> StatusList | None:
        """The tenant's list for reading only: the cached instance itself, not a copy (lists grow large)."""
        return self._get(status_list_id(tenant, purpose), StatusList, copy=False)

    def status_list(self, tenant: str, purpose: StatusPurpose) -> StatusList:
        """The tenant's list for `purpose` to change, or a new (unsaved) one when it has none yet."""
        existing = self._get(status_list_id(tenant, purpose), StatusList)
        return existing or StatusList(tenant=tenant, purpose=purpose.value, created_at=self.clock())

    def _get(self, aggregate_id: UUID, kind: type[A], *, copy: bool = True) -> A | None:
        try:
            aggregate: Any = self.repository.get(aggregate_id, deepcopy_from_cache=copy)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, kind) else None
