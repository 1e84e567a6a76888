"""One-time links, languages and identity tokens: the rules, without engines."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from gateway.domain.accounts import APPLICANT, Account, choose_language, preferred_languages
from gateway.domain.errors import LinkExpired, LinkInvalid, LinkUsed
from gateway.domain.links import LIFETIMES, Purpose, StoredLink, issue_link, retry_after_seconds
from servicekit.identity import AUDIENCE, ISSUER, Identity, IdentityVerifier, generate_key_pair, issue_token

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def stored(purpose: Purpose = Purpose.VERIFY_EMAIL, **changes: object) -> StoredLink:
    link = issue_link(purpose, NOW)
    values: dict[str, object] = {"id": link.id, "account_id": uuid.uuid4(), "purpose": purpose,
                                 "created_at": NOW, "expires_at": link.expires_at, **changes}
    return StoredLink(**values)  # type: ignore[arg-type]


def test_verification_links_last_48_hours_and_reset_links_one_hour() -> None:
    assert LIFETIMES[Purpose.VERIFY_EMAIL] == timedelta(hours=48)
    assert issue_link(Purpose.RESET_PASSWORD, NOW).expires_at == NOW + timedelta(hours=1)


def test_a_new_link_has_a_long_random_secret_and_only_its_digest_is_stored() -> None:
    first, second = issue_link(Purpose.VERIFY_EMAIL, NOW), issue_link(Purpose.VERIFY_EMAIL, NOW)
    assert first.secret != second.secret and len(first.secret) >= 43
    assert len(first.digest) == 32 and first.secret.encode() not in first.digest


def test_a_fresh_link_is_usable_until_it_expires() -> None:
    link = stored()
    link.check_usable(Purpose.VERIFY_EMAIL, NOW + timedelta(hours=47))
    with pytest.raises(LinkExpired):
        link.check_usable(Purpose.VERIFY_EMAIL, NOW + timedelta(hours=48))


@pytest.mark.parametrize(("changes", "purpose", "refusal"), [
    ({"used_at": NOW}, Purpose.VERIFY_EMAIL, LinkUsed),
    ({"superseded_at": NOW}, Purpose.VERIFY_EMAIL, LinkExpired),
    ({}, Purpose.RESET_PASSWORD, LinkInvalid),  # a verification link cannot reset a password
])
def test_used_superseded_or_misused_links_are_refused(
    changes: dict[str, object], purpose: Purpose, refusal: type[Exception]
) -> None:
    with pytest.raises(refusal):
        stored(**changes).check_usable(purpose, NOW)


def test_five_links_an_hour_at_most() -> None:
    sent = [NOW - timedelta(minutes=m) for m in (50, 40, 30, 20)]
    assert retry_after_seconds(sent, NOW) is None
    assert retry_after_seconds([*sent, NOW - timedelta(minutes=10)], NOW) == 10 * 60
    assert retry_after_seconds([*sent, NOW - timedelta(minutes=70)], NOW) is None


@pytest.mark.parametrize(("asked", "header", "expected"), [
    ("es", None, "es"),
    (None, "es-MX,es;q=0.9,en;q=0.8", "es"),
    (None, "fr-FR, en;q=0.5, es;q=0.7", "es"),
    (None, "fr, de", "en"),
    (None, "es;q=0", "en"),
    (None, None, "en"),
])
def test_the_language_is_asked_for_else_negotiated_else_the_tenants(asked: str | None, header: str | None,
                                                                    expected: str) -> None:
    assert choose_language(asked, header, ("en", "es"), "en") == expected


def test_accept_language_is_ranked_by_quality() -> None:
    assert preferred_languages("en;q=0.2, es-AR, *;q=0.1") == ["es", "en"]


def test_only_unverified_applicants_are_kept_from_changing_data() -> None:
    applicant = Account(id=uuid.uuid4(), tenant="itmhca", email="a@example.org", name="A",
                        roles=frozenset({APPLICANT}), created_at=NOW)
    assert not applicant.may_change_data(require_verified_email=True)
    assert applicant.may_change_data(require_verified_email=False)
    verified = Account(**{**applicant.__dict__, "email_verified_at": NOW})
    assert verified.may_change_data(require_verified_email=True)
    staff = Account(**{**applicant.__dict__, "roles": frozenset({"coordinator"})})
    assert staff.may_change_data(require_verified_email=True)


def test_identity_tokens_carry_the_language_and_older_tokens_still_verify() -> None:
    private, public = generate_key_pair()
    verifier = IdentityVerifier(public)
    identity = Identity(account_id=uuid.uuid4(), tenant="itmhca", roles=frozenset({APPLICANT}),
                        email="a@example.org", name="A", language="es")
    assert verifier.verify(issue_token(identity, private)).language == "es"
    claims = jwt.decode(issue_token(identity, private), options={"verify_signature": False})
    del claims["lang"]
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    older = jwt.encode(claims, load_pem_private_key(private.encode(), password=None), algorithm="EdDSA")  # type: ignore[arg-type]
    assert verifier.verify(older).language == "en"
    assert (claims["aud"], claims["iss"]) == (AUDIENCE, ISSUER)
