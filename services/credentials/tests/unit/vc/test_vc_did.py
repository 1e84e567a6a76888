"""did:web identifiers and DID documents of tenants."""

from datetime import UTC, datetime

import pytest
from credentials.vc.did import (
    PublishedKey,
    assertion_keys,
    build_did_document,
    did_document_url,
    signing_key,
    tenant_did,
)
from credentials.vc.multikey import Ed25519KeyPair


@pytest.mark.parametrize(
    ("base_url", "did", "url"),
    [
        (
            "https://vc.example.org:8443",
            "did:web:vc.example.org%3A8443:tenants:acme",
            "https://vc.example.org:8443/tenants/acme/did.json",
        ),
        (
            "https://VC.Example.org/",
            "did:web:vc.example.org:tenants:acme",
            "https://vc.example.org/tenants/acme/did.json",
        ),
        (
            "http://localhost:8000/credentials",
            "did:web:localhost%3A8000:credentials:tenants:acme",
            "https://localhost:8000/credentials/tenants/acme/did.json",
        ),
    ],
)
def test_tenant_dids_and_where_they_resolve(base_url: str, did: str, url: str) -> None:
    assert tenant_did(base_url, "acme") == did
    assert did_document_url(did) == url


def test_a_bare_domain_did_resolves_under_well_known() -> None:
    assert did_document_url("did:web:example.org") == "https://example.org/.well-known/did.json"


@pytest.mark.parametrize(("base_url", "slug"), [("ftp://x.org", "acme"), ("https://x.org", "Acme"), ("x.org", "a")])
def test_bad_inputs_are_refused(base_url: str, slug: str) -> None:
    with pytest.raises(ValueError, match=r"slug|base URL"):
        tenant_did(base_url, slug)


def test_the_document_lists_every_key_and_the_newest_signs() -> None:
    did = tenant_did("https://vc.example.org", "acme")
    old = PublishedKey(Ed25519KeyPair.generate().public_key_multibase, datetime(2024, 1, 1, tzinfo=UTC))
    new = PublishedKey(Ed25519KeyPair.generate().public_key_multibase, datetime(2025, 1, 1, tzinfo=UTC))
    document = build_did_document(did, [old, new])

    assert document["id"] == did
    assert [method["publicKeyMultibase"] for method in document["verificationMethod"]] == [
        new.public_key_multibase,
        old.public_key_multibase,
    ]
    for method in document["verificationMethod"]:
        assert method["type"] == "Multikey"
        assert method["controller"] == did
    assert document["assertionMethod"] == [method["id"] for method in document["verificationMethod"]]
    assert signing_key([old, new]) == new
    assert assertion_keys(document) == {
        f"{did}#{new.public_key_multibase}": new.public_key_multibase,
        f"{did}#{old.public_key_multibase}": old.public_key_multibase,
    }


def test_only_assertion_methods_of_the_controller_count_as_issuer_keys() -> None:
    did = "did:web:vc.example.org:tenants:acme"
    key = PublishedKey(Ed25519KeyPair.generate().public_key_multibase, datetime(2025, 1, 1, tzinfo=UTC))
    document = build_did_document(did, [key])
    foreign = {**document["verificationMethod"][0], "id": f"{did}#foreign", "controller": "did:web:evil.example"}
    document["verificationMethod"].append(foreign)
    document["assertionMethod"].append(foreign["id"])
    document["verificationMethod"].append({**document["verificationMethod"][0], "id": f"{did}#not-asserting"})
    assert list(assertion_keys(document)) == [f"{did}#{key.public_key_multibase}"]


def test_a_tenant_needs_a_key() -> None:
    with pytest.raises(ValueError, match="at least one key"):
        build_did_document("did:web:example.org", [])
