"""A credential as people read it: names and calendar dates, taken from the signed document first.

The signed document is what a holder presents, so the page and the certificate show what it says; the
aggregate's own fields fill in only what the document lacks. Instants become the association's calendar
dates: `validUntil` is the first instant after the last valid day (the validity interval is half-open).

The holder's name is the exception: signed documents no longer carry it (older ones do, and cannot be
changed), so it comes from this service's records, which erasure scrubs; an erased name shows as "erased".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from uuid import UUID

from credentials.domain.credential import Credential
from credentials.public.messages import message
from credentials.vc.errors import MalformedDocumentError
from credentials.vc.timestamps import parse_timestamp

_JUST_BEFORE = timedelta(microseconds=1)


@dataclass(frozen=True)
class CredentialView:
    credential_id: UUID
    tenant: str
    holder_name: str | None
    """None once the holder was erased."""
    endorsement_name: str
    category: str
    category_name: str
    designation: str | None
    association: str
    issuer_did: str
    award_date: date | None
    valid_from: date
    valid_through: date
    page_url: str

    @property
    def certificate_url(self) -> str:
        return f"{self.page_url}/certificate.pdf"

    def holder(self, lang: str) -> str:
        """The holder's name as shown in `lang`: "erased" (translated) once it is gone."""
        return self.holder_name if self.holder_name is not None else message(lang, "holder.erased")


def view_of(credential: Credential, zone: tzinfo, *, holder_name: str | None) -> CredentialView:
    """The public view of a credential; dates are calendar dates in the association's time zone `zone`.
    `holder_name`: from the `credentials` read model (None once erased), never from the signed document."""
    document: Mapping[str, Any] = credential.document
    issuer = _mapping(document.get("issuer"))
    valid_until = _instant(document.get("validUntil"))
    return CredentialView(
        credential_id=credential.id,
        tenant=credential.tenant,
        holder_name=holder_name,
        endorsement_name=_text(document.get("name")) or credential.category_name,
        category=credential.category,
        category_name=credential.category_name,
        designation=credential.designation,
        association=_text(issuer.get("name")) or credential.tenant,
        issuer_did=_text(issuer.get("id")) or "",
        award_date=_local_date(_instant(document.get("awardedDate")), zone),
        valid_from=_local_date(_instant(document.get("validFrom")), zone) or credential.effective_date,
        valid_through=_local_date(valid_until - _JUST_BEFORE if valid_until else None, zone)
        or credential.renewal_date,
        page_url=credential.verification_url,
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _instant(value: object) -> datetime | None:
    try:
        return parse_timestamp(value, "timestamp")
    except MalformedDocumentError:
        return None


def _local_date(moment: datetime | None, zone: tzinfo) -> date | None:
    return moment.astimezone(zone).date() if moment is not None else None
