"""Service identity: tokens one service signs for another, the keys in settings, and what a verifier refuses."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from pydantic import ValidationError
from servicekit.problems import Problem
from servicekit.service_identity import (
    ServiceTokenSigner,
    ServiceTokenVerifier,
    parse_public_keys,
    public_key_text,
)
from servicekit.settings import MissingServiceIdentity, ServiceSettings
from servicekit.unseal import parse_unseal_urls

REQUIRED = {"database_url": "postgresql://x/y", "kafka_bootstrap_servers": "127.0.0.1:1", "port": 8001,
            "gateway_public_key": "unused"}
REVIEWS, OTHER = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ENVIRONMENT", "SERVICE_IDENTITY_KEY", "SERVICE_PUBLIC_KEYS", "UNSEAL_URLS"):
        monkeypatch.delenv(name, raising=False)


def pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def applications_verifier() -> ServiceTokenVerifier:
    return ServiceTokenVerifier("applications", {"reviews": REVIEWS.public_key()})


def refusal(token: str) -> str:
    with pytest.raises(Problem) as refused:
        applications_verifier().verify(token)
    assert refused.value.status == 401 and refused.value.code == "INVALID_SERVICE_TOKEN"
    assert token not in refused.value.detail
    return refused.value.detail


def test_a_known_service_is_recognised_by_its_signature() -> None:
    token = ServiceTokenSigner("reviews", REVIEWS).token_for("applications")

    assert applications_verifier().verify(token) == "reviews"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["aud"] == "internal:applications" and claims["exp"] - claims["iat"] == 60 and claims["jti"]


def test_unknown_issuers_forged_signatures_other_audiences_and_old_tokens_are_refused() -> None:
    assert "not a known service" in refusal(ServiceTokenSigner("notifications", REVIEWS).token_for("applications"))
    assert "signature" in refusal(ServiceTokenSigner("reviews", OTHER).token_for("applications"))
    assert "another service" in refusal(ServiceTokenSigner("reviews", REVIEWS).token_for("credentials"))
    two_minutes_ago = datetime.now(UTC) - timedelta(minutes=2)
    assert "expired" in refusal(ServiceTokenSigner("reviews", REVIEWS).token_for("applications", now=two_minutes_ago))
    assert "not a service token" in refusal("not-a-jwt")


def test_a_token_signed_to_live_longer_than_a_minute_is_refused() -> None:
    now = int(datetime.now(UTC).timestamp())
    claims = {"iss": "reviews", "aud": "internal:applications", "jti": "x", "iat": now, "exp": now + 3600}

    assert "longer than allowed" in refusal(jwt.encode(claims, REVIEWS, algorithm="EdDSA"))


def test_settings_read_the_key_in_pem_even_with_escaped_newlines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICE_IDENTITY_KEY", pem(REVIEWS).replace("\n", "\\n"))
    peers = f"applications={public_key_text(OTHER)}, reviews={public_key_text(REVIEWS)}"
    monkeypatch.setenv("SERVICE_PUBLIC_KEYS", peers)

    settings = ServiceSettings(**REQUIRED)  # type: ignore[arg-type]

    assert public_key_text(settings.identity_key("reviews")) == public_key_text(REVIEWS)
    assert set(settings.peer_public_keys()) == {"applications", "reviews"}
    assert "PRIVATE KEY" not in repr(settings)


@pytest.mark.parametrize(("variable", "value", "fault"), [
    ("service_identity_key", "not a key", "unencrypted PEM private key"),
    ("service_public_keys", "reviews", "must be `<service name>=<base64 key>`"),
    ("service_public_keys", "reviews=YWJj", "must be 32 bytes"),
    ("service_public_keys", "reviews=!!!", "not base64"),
    ("service_public_keys", f"reviews={public_key_text(REVIEWS)},reviews={public_key_text(OTHER)}", "twice"),
    ("unseal_urls", "http://applications:8001", "must start with `<service name>=`"),
    ("unseal_urls", "applications=ftp://applications", "http(s) base URL"),
])
def test_malformed_identity_settings_fail_at_start_up(variable: str, value: str, fault: str) -> None:
    with pytest.raises(ValidationError, match=fault.replace("(", r"\(").replace(")", r"\)")):
        ServiceSettings(**REQUIRED, **{variable: value})  # type: ignore[arg-type]


def test_a_missing_identity_is_refused_outside_development_and_tests() -> None:
    settings = ServiceSettings(**REQUIRED, environment="production")  # type: ignore[arg-type]

    with pytest.raises(MissingServiceIdentity, match="SERVICE_IDENTITY_KEY is required"):
        settings.identity_key("reviews")
    with pytest.raises(MissingServiceIdentity, match="SERVICE_PUBLIC_KEYS is required"):
        settings.peer_public_keys()


def test_development_derives_a_stable_key_per_service() -> None:
    settings = ServiceSettings(**REQUIRED, environment="development")  # type: ignore[arg-type]
    again = ServiceSettings(**REQUIRED, environment="development")  # type: ignore[arg-type]

    reviews = public_key_text(settings.identity_key("reviews"))
    assert reviews == public_key_text(again.identity_key("reviews"))
    assert reviews != public_key_text(settings.identity_key("notifications"))
    assert settings.peer_public_keys() == {}


def test_public_keys_are_the_raw_32_bytes_in_base64() -> None:
    text = public_key_text(REVIEWS)

    assert len(base64.b64decode(text)) == 32
    assert public_key_text(parse_public_keys(f"reviews={text}")["reviews"]) == text
    assert parse_public_keys(" , ") == {}


def test_unseal_urls_name_each_producer_and_its_replicas() -> None:
    parsed = parse_unseal_urls("applications=http://a1:8001/,http://a2:8001, reviews=http://reviews:8002,"
                               "applications=http://a3:8001")

    assert parsed == {"applications": ("http://a1:8001", "http://a2:8001", "http://a3:8001"),
                      "reviews": ("http://reviews:8002",)}
