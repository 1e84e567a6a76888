"""The Credential aggregate: one per endorsement, recording exactly what its signed document asserts."""

import dataclasses
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from credentials.domain.credential import (
    Credential,
    CredentialStatus,
    SignedCredential,
    Standing,
    credential_id_for,
)
from credentials.domain.errors import InconsistentDocumentError, InvalidGrantError
from credentials.domain.grant import EndorsementGrant
from credentials.domain.validity import ValidityPeriod, validity_period

METHOD = "did:web:verify.example.org:tenants:itmhca#z6MkKey"
ISSUED_AT = datetime(2025, 3, 2, 10, tzinfo=UTC)


def period_of(grant: EndorsementGrant) -> ValidityPeriod:
    return validity_period(grant.effective_date, grant.renewal_date, ZoneInfo("America/Phoenix"))


def document_for(grant: EndorsementGrant, **changes: Any) -> dict[str, Any]:
    period = period_of(grant)
    document: dict[str, Any] = {
        "id": credential_id_for(grant.endorsement_id).urn,
        "validFrom": period.valid_from.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "validUntil": period.valid_until.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "proof": {"verificationMethod": METHOD},
    }
    document.update(changes)
    return document


def issue(grant: EndorsementGrant, document: dict[str, Any] | None = None) -> Credential:
    signed = SignedCredential(document or document_for(grant), METHOD)
    return Credential.issue(grant, period_of(grant), signed, verification_url="https://v/c", issued_at=ISSUED_AT)


def test_a_credential_is_issued_with_an_id_derived_from_its_endorsement(endorsement_grant: EndorsementGrant) -> None:
    credential = issue(endorsement_grant)

    assert credential.id == credential_id_for(endorsement_grant.endorsement_id)
    assert credential.id == uuid.uuid5(uuid.NAMESPACE_URL, f"credential/{endorsement_grant.endorsement_id}")
    assert credential.status is CredentialStatus.ACTIVE
    assert credential.tenant == "itmhca"
    assert credential.holder_email == "Ana.Nunez@Example.org"
    assert credential.verification_method == METHOD
    assert credential.document == document_for(endorsement_grant)
    [issued] = credential.collect_events()
    assert isinstance(issued, Credential.Issued)
    assert issued.issued_at == ISSUED_AT


def test_issuing_the_same_endorsement_twice_gives_the_same_id(endorsement_grant: EndorsementGrant) -> None:
    assert issue(endorsement_grant).id == issue(endorsement_grant).id
    other = dataclasses.replace(endorsement_grant, endorsement_id=uuid.uuid4())
    assert issue(other).id != issue(endorsement_grant).id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id": "urn:uuid:00000000-0000-0000-0000-000000000000"}, "id"),
        ({"validFrom": "2025-03-01T00:00:00Z"}, "validFrom"),
        ({"validUntil": "not a date"}, "validUntil"),
        ({"proof": {"verificationMethod": "did:web:elsewhere#k"}}, "signed by"),
        ({"proof": "missing"}, "signed by"),
    ],
)
def test_a_document_that_asserts_something_else_is_refused(
    endorsement_grant: EndorsementGrant, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(InconsistentDocumentError, match=message):
        issue(endorsement_grant, document_for(endorsement_grant, **changes))


def test_the_standing_follows_the_validity_period(endorsement_grant: EndorsementGrant) -> None:
    credential = issue(endorsement_grant)
    start, end = credential.validity.valid_from, credential.validity.valid_until
    assert credential.standing_at(start - timedelta(microseconds=1)) is Standing.NOT_YET_VALID
    assert credential.standing_at(start) is Standing.ACTIVE
    assert credential.standing_at(end - timedelta(microseconds=1)) is Standing.ACTIVE
    assert credential.standing_at(end) is Standing.EXPIRED


def test_the_validity_period_covers_whole_days_in_the_associations_time_zone() -> None:
    period = validity_period(date(2025, 3, 1), date(2026, 12, 15), ZoneInfo("America/Phoenix"))  # UTC-7
    assert period.valid_from == datetime(2025, 3, 1, 7, tzinfo=UTC)
    assert period.valid_until == datetime(2026, 12, 16, 7, tzinfo=UTC)  # the renewal date is still valid


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"renewal_date": date(2025, 3, 1)}, "renewal date"),
        ({"renewal_date": date(2024, 1, 1)}, "renewal date"),
        ({"category_name": " "}, "category"),
    ],
)
def test_impossible_grants_are_refused(
    endorsement_grant: EndorsementGrant, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidGrantError, match=message):
        dataclasses.replace(endorsement_grant, **changes)


def test_a_holder_without_a_name_is_refused(endorsement_grant: EndorsementGrant) -> None:
    holder = dataclasses.replace(endorsement_grant.holder, name="  ")
    with pytest.raises(InvalidGrantError, match="name"):
        dataclasses.replace(endorsement_grant, holder=holder)
