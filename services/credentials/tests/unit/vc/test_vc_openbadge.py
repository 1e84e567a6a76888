"""Open Badges 3.0 credentials built from an endorsement award."""

import dataclasses
import hashlib
import json
from datetime import datetime

import pytest
from credentials.vc.canonical import canonicalize
from credentials.vc.contexts import OB_V3P0_CONTEXT, VC_V2_CONTEXT
from credentials.vc.ob3_schema import open_badge_problems
from credentials.vc.openbadge import (
    CompetencyAlignment,
    EndorsementAward,
    build_open_badge_credential,
    identity_hash,
)


def test_the_credential_has_the_open_badges_shape(award: EndorsementAward) -> None:
    credential = build_open_badge_credential(award)

    assert credential["@context"] == [VC_V2_CONTEXT, OB_V3P0_CONTEXT]
    assert credential["id"] == "urn:uuid:6f1c2b8e-3d4a-4f5b-9c7d-2e1f0a9b8c7d"
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {"id": award.issuer_did, "type": ["Profile"], "name": award.issuer_name}
    assert credential["name"] == "Ingénierie structurelle — 構造工学"
    assert credential["validFrom"] == "2025-03-01T00:00:00Z"
    assert credential["validUntil"] == "2027-03-01T00:00:00Z"
    assert credential["awardedDate"] == "2025-03-01T09:30:00Z"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["name"] == "José Núñez 山田"
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": identity_hash("josé.núñez@example.org", "c0ffee"),
            "identityType": "emailAddress",
            "hashed": True,
            "salt": "c0ffee",
        }
    ]
    achievement = subject["achievement"]
    assert achievement["id"].startswith("urn:uuid:")
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "Certification"
    assert achievement["name"] == award.category_name
    assert achievement["humanCode"] == "STR-01"
    assert "Ing. Struct.®" in achievement["description"]
    assert achievement["criteria"]["narrative"]
    assert open_badge_problems(credential) == []


def test_the_identity_hash_is_a_salted_sha256_of_the_lower_cased_address() -> None:
    expected = hashlib.sha256("josé.núñez@example.org".encode() + b"c0ffee").hexdigest()
    assert identity_hash(" José.Núñez@Example.org ", "c0ffee") == f"sha256${expected}"


def test_the_e_mail_address_never_appears(award: EndorsementAward) -> None:
    text = json.dumps(build_open_badge_credential(award), ensure_ascii=False).lower()
    assert award.holder_email.lower() not in text


def test_every_term_is_defined_and_non_ascii_text_survives(award: EndorsementAward) -> None:
    nquads = canonicalize(build_open_badge_credential(award))
    for text in ("José Núñez 山田", "構造工学", "Ing. Struct.®", "Montréal ®"):
        assert text in nquads
    assert '<https://schema.org/name> "José Núñez 山田"' in nquads


def test_the_holder_name_is_optional(award: EndorsementAward) -> None:
    credential = build_open_badge_credential(dataclasses.replace(award, holder_name=None))
    assert "name" not in credential["credentialSubject"]
    assert credential["name"] == award.category_name


def test_every_award_of_a_category_shares_one_achievement(award: EndorsementAward) -> None:
    other_holder = dataclasses.replace(award, holder_email="someone@example.org")
    other_category = dataclasses.replace(award, category_code="GEO-02")
    assert award.achievement_id == other_holder.achievement_id != other_category.achievement_id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"issuer_did": "did:web:vc.example.org:tenants:other"}, "tenant"),
        ({"valid_until": datetime(2024, 1, 1).astimezone()}, "valid_from"),
        ({"valid_from": datetime(2025, 3, 1)}, "timezone"),  # naive, on purpose
        ({"holder_email": "not-an-address"}, "e-mail"),
        ({"category_name": "  "}, "category_name"),
    ],
)
def test_inconsistent_awards_are_refused(award: EndorsementAward, changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(award, **changes)  # type: ignore[arg-type]


def test_the_tenants_wording_replaces_the_defaults(award: EndorsementAward) -> None:
    worded = dataclasses.replace(
        award,
        endorsement_name="Ingénierie structurelle Endorsement®",
        achievement_description="Awarded under licence.",
        criteria_narrative="Met every requirement.",
    )
    credential = build_open_badge_credential(worded)
    achievement = credential["credentialSubject"]["achievement"]
    assert credential["name"] == achievement["name"] == "Ingénierie structurelle Endorsement®"
    assert achievement["description"] == "Awarded under licence. Designation: Ing. Struct.®."
    assert achievement["criteria"] == {"narrative": "Met every requirement."}
    assert achievement["id"] == award.achievement_id  # the wording does not change what is achieved
    canonicalize(credential)  # every term is still defined


def test_the_designation_is_optional(award: EndorsementAward) -> None:
    plain = build_open_badge_credential(dataclasses.replace(award, designation=None))
    assert plain["credentialSubject"]["achievement"]["description"] == f"Endorsement in {award.category_name}."
    worded = dataclasses.replace(award, designation=None, achievement_description="Awarded under licence.")
    assert build_open_badge_credential(worded)["credentialSubject"]["achievement"]["description"] == (
        "Awarded under licence."
    )


@pytest.mark.parametrize("name", ["designation", "endorsement_name", "achievement_description", "criteria_narrative"])
def test_given_wording_must_not_be_blank(award: EndorsementAward, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        dataclasses.replace(award, **{name: " "})  # type: ignore[arg-type]


def test_the_achievement_aligns_to_competency_domains_with_defined_terms(award: EndorsementAward) -> None:
    """Given the tenant's competency domains, the achievement carries one OB 3.0 Alignment each,
    every term defined (canonicalization refuses undefined terms), and none without them."""
    domains = (
        CompetencyAlignment("Theoretical Foundations", "https://example.org/guidelines/", "theoretical_foundations",
                            "Competency Guidelines®"),
        CompetencyAlignment("Reflection", "https://example.org/guidelines/", "reflection", "Competency Guidelines®"),
    )
    credential = build_open_badge_credential(dataclasses.replace(award, alignments=domains))
    alignment = credential["credentialSubject"]["achievement"]["alignment"]
    assert [a["targetCode"] for a in alignment] == ["theoretical_foundations", "reflection"]
    assert all(a["type"] == ["Alignment"] and a["targetUrl"].startswith("https://") for a in alignment)
    nquads = canonicalize(credential)  # raises on any undefined term
    assert "\"theoretical_foundations\"" in nquads and "\"Reflection\"" in nquads
    assert open_badge_problems(credential) == []
    assert "alignment" not in build_open_badge_credential(award)["credentialSubject"]["achievement"]


def test_an_alignment_needs_an_https_url() -> None:
    with pytest.raises(ValueError, match="https"):
        CompetencyAlignment("Reflection", "http://example.org", "reflection", "Competency Guidelines®")
