"""Open Badges 3.0 `OpenBadgeCredential` (on VC Data Model 2.0) for an awarded endorsement.

The person is identified by a salted SHA-256 of their e-mail address (an OB3
`IdentityObject`), never by the address itself. The top-level `name` is the
endorsement's name; the person's name, when given, goes on the subject as
schema.org `name` (defined by the OB 3.0.3 context at every level).
"""

import hashlib
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from credentials.vc.contexts import OB_V3P0_CONTEXT, VC_V2_CONTEXT
from credentials.vc.timestamps import format_timestamp

CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
ACHIEVEMENT_TYPE = "Certification"
IDENTITY_HASH_ALGORITHM = "sha256"


def new_identity_salt() -> str:
    return secrets.token_hex(16)


def identity_hash(email: str, salt: str) -> str:
    """OB3 IdentityHash: 'sha256$' + hex SHA-256 of the lower-cased address followed by the salt."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"{IDENTITY_HASH_ALGORITHM}${digest}"


@dataclass(frozen=True)
class CompetencyAlignment:
    """One competency domain an achievement is aligned to (OB 3.0 `Alignment`)."""

    name: str
    url: str
    code: str
    framework: str

    def __post_init__(self) -> None:
        if not self.name.strip() or not self.code.strip() or not self.framework.strip():
            raise ValueError("an alignment needs a name, a code and a framework")
        if not self.url.startswith("https://"):
            raise ValueError("an alignment's url must be an https URL")

    def as_json(self) -> dict[str, Any]:
        return {
            "type": ["Alignment"],
            "targetName": self.name,
            "targetUrl": self.url,
            "targetCode": self.code,
            "targetFramework": self.framework,
        }


@dataclass(frozen=True)
class EndorsementAward:
    """What is needed to issue one endorsement as an Open Badge."""

    tenant_slug: str
    credential_id: uuid.UUID
    issuer_did: str
    issuer_name: str
    category_code: str
    category_name: str
    designation: str | None
    holder_email: str
    holder_name: str | None
    awarded_at: datetime
    valid_from: datetime
    valid_until: datetime
    identity_salt: str = field(default_factory=new_identity_salt)
    endorsement_name: str | None = None
    """The credential's display name (e.g. "<category> Endorsement"); the category name when absent."""
    achievement_description: str | None = None
    criteria_narrative: str | None = None
    credential_status: Mapping[str, Any] | None = None
    """The one `credentialStatus` entry (OB 3.0 allows at most one), e.g. a `BitstringStatusListEntry`."""
    alignments: tuple[CompetencyAlignment, ...] = ()
    """The competency domains the endorsement attests, as OB 3.0 `Alignment`s of the achievement."""

    def __post_init__(self) -> None:
        if not self.issuer_did.startswith("did:") or not self.issuer_did.endswith(f":tenants:{self.tenant_slug}"):
            raise ValueError("issuer_did must be the tenant's did:web (...:tenants:<slug>)")
        for name in ("issuer_name", "category_code", "category_name", "identity_salt"):
            if not getattr(self, name).strip():
                raise ValueError(f"{name} must not be empty")
        for name in ("designation", "endorsement_name", "achievement_description", "criteria_narrative"):
            value = getattr(self, name)
            if value is not None and not value.strip():
                raise ValueError(f"{name} must not be empty when given")
        if "@" not in self.holder_email:
            raise ValueError("holder_email must be an e-mail address")
        moments = (self.awarded_at, self.valid_from, self.valid_until)
        if any(moment.tzinfo is None or moment.utcoffset() is None for moment in moments):
            raise ValueError("awarded_at, valid_from and valid_until must be timezone-aware")
        if self.valid_from > self.valid_until:
            raise ValueError("valid_from must not be after valid_until")

    @property
    def display_name(self) -> str:
        return self.endorsement_name or self.category_name

    @property
    def achievement_id(self) -> str:
        """A stable URI per tenant and category, so every award of it shares one Achievement."""
        name = f"{self.issuer_did}/achievements/{self.category_code}"
        return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


def build_open_badge_credential(award: EndorsementAward) -> dict[str, Any]:
    """The unsigned credential; sign it with `dataintegrity.sign`."""
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(award.holder_email, award.identity_salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": award.identity_salt,
            }
        ],
        "achievement": _achievement(award),
    }
    if award.holder_name and award.holder_name.strip():
        subject["name"] = award.holder_name.strip()
    document: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT, OB_V3P0_CONTEXT],
        "id": award.credential_id.urn,
        "type": list(CREDENTIAL_TYPES),
        "issuer": {"id": award.issuer_did, "type": ["Profile"], "name": award.issuer_name},
        "name": award.display_name,
        "validFrom": format_timestamp(award.valid_from),
        "validUntil": format_timestamp(award.valid_until),
        "awardedDate": format_timestamp(award.awarded_at),
        "credentialSubject": subject,
    }
    if award.credential_status is not None:
        document["credentialStatus"] = dict(award.credential_status)
    return document


def _achievement(award: EndorsementAward) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": award.achievement_id,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPE,
        "name": award.display_name,
        "humanCode": award.category_code,
        "description": _description(award),
        "criteria": {"narrative": award.criteria_narrative or _default_criteria(award)},
    }
    if award.alignments:
        achievement["alignment"] = [alignment.as_json() for alignment in award.alignments]
    return achievement


def _description(award: EndorsementAward) -> str:
    if award.achievement_description is None:
        designation = f", conferring the designation {award.designation}" if award.designation else ""
        return f"Endorsement in {award.category_name}{designation}."
    if award.designation:
        return f"{award.achievement_description} Designation: {award.designation}."
    return award.achievement_description


def _default_criteria(award: EndorsementAward) -> str:
    return (
        f"Awarded by {award.issuer_name} to applicants whose endorsement application for "
        f"{award.category_name} ({award.category_code}) was reviewed and approved."
    )
