"""Verification of presented Open Badges: the happy path, tampering, validity edges, hostile input."""

import copy
import json
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from credentials.vc.bounds import MAX_DOCUMENT_BYTES
from credentials.vc.dataintegrity import sign
from credentials.vc.multikey import Ed25519KeyPair, encode_multibase
from credentials.vc.openbadge import EndorsementAward, build_open_badge_credential
from credentials.vc.verification_result import CheckName, VerificationResult
from credentials.vc.verifier import verify_credential

CREATED = datetime(2025, 3, 1, 9, 31, tzinfo=UTC)
NOW = datetime(2026, 1, 1, tzinfo=UTC)
SECOND_KEY = Ed25519KeyPair.from_seed(bytes(range(32)))


@pytest.fixture
def issuer_keys(issuer_key: Ed25519KeyPair, issuer_method: str, issuer_did: str) -> dict[str, str]:
    """The issuer's two assertion keys: the signing one and an older one."""
    return {
        issuer_method: issuer_key.public_key_multibase,
        f"{issuer_did}#{SECOND_KEY.public_key_multibase}": SECOND_KEY.public_key_multibase,
    }


@pytest.fixture
def resolver(issuer_did: str, issuer_keys: dict[str, str]) -> Callable[[str], Mapping[str, str] | None]:
    return {issuer_did: issuer_keys}.get


@pytest.fixture
def credential(award: EndorsementAward, issuer_key: Ed25519KeyPair, issuer_method: str) -> dict[str, Any]:
    return sign(build_open_badge_credential(award), issuer_key, issuer_method, CREATED)


def _summary(result: VerificationResult) -> list[tuple[str, str, str | None]]:
    return [
        (check.check.value, check.status.value, check.code.value if check.code else None) for check in result.checks
    ]


def test_an_issued_credential_verifies(
    credential: dict[str, Any], resolver: Callable[[str], Mapping[str, str] | None], issuer_method: str
) -> None:
    result = verify_credential(credential, issuer_resolver=resolver, now=NOW)
    assert result.verified
    assert _summary(result) == [
        ("schema", "passed", None),
        ("proof", "passed", None),
        ("issuer", "passed", None),
        ("validity", "passed", None),
    ]
    assert result.checks[1].as_dict() == {
        "check": "proof",
        "status": "passed",
        "detail": f"signed by {issuer_method}",
    }


def test_non_ascii_text_survives_a_round_trip_through_json_text(
    credential: dict[str, Any], resolver: Callable[[str], Mapping[str, str] | None]
) -> None:
    for text in (json.dumps(credential), json.dumps(credential, ensure_ascii=False).encode("utf-8")):
        assert verify_credential(text, issuer_resolver=resolver, now=NOW).verified
    assert "構造工学" in json.dumps(credential, ensure_ascii=False)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = document
        for name in parents:
            node = node[name]
        node[last] = value

    return change


def _without_proof(document: dict[str, Any]) -> None:
    del document["proof"]


SIGNATURE_BROKEN = [("schema", "passed", None), ("proof", "failed", "INVALID_SIGNATURE")] + [
    (name, "skipped", None) for name in ("issuer", "validity")
]
MALFORMED_PROOF = [("schema", "passed", None), ("proof", "failed", "MALFORMED")] + [
    (name, "skipped", None) for name in ("issuer", "validity")
]


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (_set("name", "Ingénierie nucléaire"), SIGNATURE_BROKEN),
        (_set("credentialSubject.name", "Mallory"), SIGNATURE_BROKEN),
        (_set("validUntil", "2099-03-01T00:00:00Z"), SIGNATURE_BROKEN),
        (_set("proof.proofValue", encode_multibase(bytes(64))), SIGNATURE_BROKEN),
        (_set("proof.created", "2025-03-01T09:31:01Z"), SIGNATURE_BROKEN),
        (_set("proof.proofValue", "zNotASignature"), MALFORMED_PROOF),
        (_set("proof.cryptosuite", "eddsa-jcs-2022"), MALFORMED_PROOF),
        (_set("proof.type", "Ed25519Signature2020"), MALFORMED_PROOF),
        (_set("proof.proofPurpose", "authentication"), MALFORMED_PROOF),
        (_set("credentialSubject.favouriteColour", "blue"), MALFORMED_PROOF),  # undefined term
        (_set("credentialSubject.achievement.level", "gold"), MALFORMED_PROOF),  # undefined term
        (_without_proof, MALFORMED_PROOF),
    ],
)
def test_tampering_is_detected_with_the_right_code(
    tamper: Callable[[dict[str, Any]], None],
    expected: list[tuple[str, str, str | None]],
    credential: dict[str, Any],
    resolver: Callable[[str], Mapping[str, str] | None],
) -> None:
    tamper(credential)
    result = verify_credential(credential, issuer_resolver=resolver, now=NOW)
    assert not result.verified
    assert _summary(result) == expected


def test_an_undefined_term_is_named_in_the_detail(
    credential: dict[str, Any], resolver: Callable[[str], Mapping[str, str] | None]
) -> None:
    credential["credentialSubject"]["favouriteColour"] = "blue"
    detail = verify_credential(credential, issuer_resolver=resolver, now=NOW).check(CheckName.PROOF).detail
    assert detail is not None
    assert "credentialSubject.favouriteColour" in detail


def test_swapping_in_another_key_of_the_issuer_breaks_the_signature(
    credential: dict[str, Any], resolver: Callable[[str], Mapping[str, str] | None], issuer_did: str
) -> None:
    credential["proof"]["verificationMethod"] = f"{issuer_did}#{SECOND_KEY.public_key_multibase}"
    assert _summary(verify_credential(credential, issuer_resolver=resolver, now=NOW)) == SIGNATURE_BROKEN


def test_a_credential_re_signed_with_a_key_outside_the_issuer_is_refused(
    credential: dict[str, Any], resolver: Callable[[str], Mapping[str, str] | None]
) -> None:
    mallory = Ed25519KeyPair.generate()
    unsigned = {name: value for name, value in credential.items() if name != "proof"}
    forged = sign(unsigned, mallory, f"did:key:{mallory.public_key_multibase}", CREATED)
    result = verify_credential(forged, issuer_resolver=resolver, now=NOW)
    assert _summary(result) == [
        ("schema", "passed", None),
        ("proof", "skipped", None),
        ("issuer", "failed", "UNKNOWN_ISSUER"),
        ("validity", "passed", None),
    ]


def test_an_unknown_issuer_is_refused(credential: dict[str, Any]) -> None:
    result = verify_credential(credential, issuer_resolver=lambda did: None, now=NOW)
    assert not result.verified
    issuer = result.check(CheckName.ISSUER)
    assert (issuer.status.value, issuer.code) == ("failed", "UNKNOWN_ISSUER")
    assert result.check(CheckName.PROOF).status.value == "skipped"


def test_an_unusable_key_in_the_issuer_document_trusts_nothing(
    credential: dict[str, Any], issuer_did: str, issuer_method: str
) -> None:
    result = verify_credential(credential, issuer_resolver={issuer_did: {issuer_method: "z123"}}.get, now=NOW)
    assert not result.verified
    assert result.check(CheckName.PROOF).status.value == "skipped"


@pytest.mark.parametrize(
    ("now", "status", "code"),
    [
        (datetime(2025, 3, 1, tzinfo=UTC) - timedelta(seconds=1), "failed", "NOT_YET_VALID"),
        (datetime(2025, 3, 1, tzinfo=UTC), "passed", None),
        (datetime(2027, 3, 1, tzinfo=UTC) - timedelta(microseconds=1), "passed", None),
        (datetime(2027, 3, 1, tzinfo=UTC), "failed", "EXPIRED"),  # validUntil itself is no longer valid
        (datetime(2027, 3, 1, 1, 0, tzinfo=UTC).astimezone(), "failed", "EXPIRED"),
    ],
)
def test_validity_edges(
    now: datetime,
    status: str,
    code: str | None,
    credential: dict[str, Any],
    resolver: Callable[[str], Mapping[str, str] | None],
) -> None:
    result = verify_credential(credential, issuer_resolver=resolver, now=now)
    assert _summary(result)[-1] == ("validity", status, code)
    assert result.verified is (status == "passed")


ALL_SKIPPED_AFTER_SCHEMA = [("schema", "failed", "MALFORMED")] + [
    (name, "skipped", None) for name in ("proof", "issuer", "validity")
]


@pytest.mark.parametrize(
    ("tamper", "detail"),
    [
        (_set("validFrom", "2028-01-01T00:00:00Z"), "validFrom is after validUntil"),
        (_set("validUntil", "next year"), "validUntil must be a date-time"),
        (_set("validFrom", "2025-03-01T00:00:00"), "validFrom must be a date-time with a time zone"),
        (_set("@context", ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]), "@context must start"),
        (_set("type", ["VerifiableCredential"]), "type must include"),
        (_set("issuer", "did:web:example.org"), "issuer must be a Profile object"),
        (_set("credentialSubject.achievement.criteria", {}), "criteria must have an id or a narrative"),
        (_set("credentialSubject.identifier", [{"type": "IdentityObject"}]), "identityHash"),
        (_set("name", ""), "name must be a non-empty string"),
        (_set("credentialStatus", [{"id": "urn:a"}, {"id": "urn:b"}]), "credentialStatus"),
    ],
)
def test_structural_problems_are_explained(
    tamper: Callable[[dict[str, Any]], None],
    detail: str,
    credential: dict[str, Any],
    resolver: Callable[[str], Mapping[str, str] | None],
) -> None:
    tamper(credential)
    result = verify_credential(credential, issuer_resolver=resolver, now=NOW)
    assert _summary(result) == ALL_SKIPPED_AFTER_SCHEMA
    assert detail in (result.check(CheckName.SCHEMA).detail or "")


def _deeply_nested(credential: dict[str, Any], depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {}
    credential["credentialSubject"]["achievement"]["criteria"]["nested"] = node
    for _ in range(depth):
        node["x"] = {}
        node = node["x"]
    return credential


@pytest.mark.parametrize(
    "hostile",
    [
        lambda c: _deeply_nested(c, 100_000),
        lambda c: _deeply_nested(c, 40),
        lambda c: {**c, "description": "x" * (MAX_DOCUMENT_BYTES + 1)},
        lambda c: json.dumps({**c, "description": "x" * (MAX_DOCUMENT_BYTES + 1)}),
        lambda c: '{"a": ' * 50_000,
        lambda c: b"\x00\xff garbage",
        lambda c: "[]",
        lambda c: ["not", "an", "object"],
    ],
)
def test_hostile_input_is_refused_quickly_as_malformed(
    hostile: Callable[[dict[str, Any]], Any],
    credential: dict[str, Any],
    resolver: Callable[[str], Mapping[str, str] | None],
) -> None:
    presented = hostile(copy.deepcopy(credential))
    started = time.monotonic()
    result = verify_credential(presented, issuer_resolver=resolver, now=NOW)
    assert time.monotonic() - started < 0.5
    assert _summary(result) == ALL_SKIPPED_AFTER_SCHEMA


def test_now_must_be_timezone_aware(credential: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="timezone"):
        verify_credential(credential, issuer_resolver=lambda did: None, now=datetime(2026, 1, 1))


def test_checks_serialize_with_only_the_keys_that_apply(
    credential: dict[str, Any], resolver: Callable[[str], Mapping[str, str] | None]
) -> None:
    credential["name"] = "Tampered"
    checks = verify_credential(credential, issuer_resolver=resolver, now=NOW).as_dict()["checks"]
    assert checks[0] == {"check": "schema", "status": "passed"}
    assert checks[1] == {
        "check": "proof",
        "status": "failed",
        "code": "INVALID_SIGNATURE",
        "detail": "signature does not match the document",
    }
    assert checks[2] == {"check": "issuer", "status": "skipped", "detail": "the signature is invalid"}
