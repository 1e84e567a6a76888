"""Published vectors: W3C vc-di-eddsa (eddsa-rdfc-2022) and the 1EdTech OB3 canonical forms."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import base58
import pytest
from credentials.vc.canonical import canonicalize
from credentials.vc.dataintegrity import ProofOutcome, hash_data, proof_config, sign, verify_proof
from credentials.vc.loader import DEFAULT_LOADER, OfflineDocumentLoader
from credentials.vc.multikey import Ed25519KeyPair
from credentials.vc.timestamps import parse_timestamp

W3C_CASES = ["eddsa-rdfc-2022", "eddsa-rdfc-2022/employ"]


def _unsigned(folder: str, vector_json: Callable[[str], Any]) -> dict[str, Any]:
    signed = vector_json(f"{folder}/signedDataInt.json")
    return {name: value for name, value in signed.items() if name != "proof"}


def _loader(folder: str, citizenship_loader: OfflineDocumentLoader) -> OfflineDocumentLoader:
    return citizenship_loader if folder.endswith("employ") else DEFAULT_LOADER


def test_key_pair_round_trips(w3c_key: Ed25519KeyPair, vector_json: Callable[[str], Any]) -> None:
    key_pair = vector_json("keyPair.json")
    assert w3c_key.public_key_multibase == key_pair["publicKeyMultibase"]
    assert w3c_key.private_key_multibase == key_pair["privateKeyMultibase"]


def test_unsigned_json_is_the_document_that_was_signed(vector_json: Callable[[str], Any]) -> None:
    assert vector_json("unsigned.json") == _unsigned("eddsa-rdfc-2022", vector_json)


@pytest.mark.parametrize("folder", W3C_CASES)
def test_every_intermediate_value_matches(
    folder: str,
    w3c_key: Ed25519KeyPair,
    vector_json: Callable[[str], Any],
    vector_text: Callable[[str], str],
    citizenship_loader: OfflineDocumentLoader,
) -> None:
    document = _unsigned(folder, vector_json)
    expected_config = vector_json(f"{folder}/proofConfigDataInt.json")
    config = proof_config(
        document,
        expected_config["verificationMethod"],
        parse_timestamp(expected_config["created"], "created"),
        expected_config["proofPurpose"],
    )
    assert config == expected_config

    hashes = hash_data(document, config, _loader(folder, citizenship_loader))
    assert hashes.canonical_document == vector_text(f"{folder}/canonDocDataInt.txt")
    assert hashes.canonical_proof_config == vector_text(f"{folder}/proofCanonDataInt.txt")
    assert hashes.document_hash.hex() == vector_text(f"{folder}/docHashDataInt.txt").strip()
    assert hashes.proof_config_hash.hex() == vector_text(f"{folder}/proofHashDataInt.txt").strip()
    assert hashes.combined.hex() == vector_text(f"{folder}/combinedHashDataInt.txt").strip()
    signature = w3c_key.sign(hashes.combined)
    assert signature.hex() == vector_text(f"{folder}/sigHexDataInt.txt").strip()
    assert "z" + base58.b58encode(signature).decode() == vector_text(f"{folder}/sigBTC58DataInt.txt").strip()


@pytest.mark.parametrize("folder", W3C_CASES)
def test_signing_reproduces_the_signed_document(
    folder: str,
    w3c_key: Ed25519KeyPair,
    vector_json: Callable[[str], Any],
    citizenship_loader: OfflineDocumentLoader,
) -> None:
    expected = vector_json(f"{folder}/signedDataInt.json")
    proof = expected["proof"]
    signed = sign(
        _unsigned(folder, vector_json),
        w3c_key,
        proof["verificationMethod"],
        datetime.fromisoformat(proof["created"]),
        proof["proofPurpose"],
        loader=_loader(folder, citizenship_loader),
    )
    assert signed == expected
    assert list(signed["proof"]) == list(proof)  # same key order, hence the same JSON
    check = verify_proof(expected, lambda _: w3c_key.public_key, loader=_loader(folder, citizenship_loader))
    assert check.verified, check.detail


def test_the_employ_vector_needs_a_context_that_is_not_bundled(
    w3c_key: Ed25519KeyPair, vector_json: Callable[[str], Any]
) -> None:
    check = verify_proof(vector_json("eddsa-rdfc-2022/employ/signedDataInt.json"), lambda _: w3c_key.public_key)
    assert check.outcome is ProofOutcome.MALFORMED
    assert "https://w3id.org/citizenship/v4rc1" in check.detail
    assert "not bundled" in check.detail


def test_open_badges_canonical_forms(vector_json: Callable[[str], Any], vector_text: Callable[[str], str]) -> None:
    assert canonicalize(vector_json("ob3/credential.json")) == vector_text("ob3/document-canon.txt")
    assert canonicalize(vector_json("ob3/proofConfig.json")) == vector_text("ob3/proof-canon.txt")


def test_open_badges_example_signs_and_verifies(vector_json: Callable[[str], Any]) -> None:
    key_pair = vector_json("ob3/keyPair.json")
    key = Ed25519KeyPair.from_seed(key_pair["seedHex"])
    assert key.public_key_multibase == key_pair["publicKeyMultibase"]
    config = vector_json("ob3/proofConfig.json")
    signed = sign(
        vector_json("ob3/credential.json"),
        key,
        config["verificationMethod"],
        parse_timestamp(config["created"], "created"),
    )
    assert verify_proof(signed, {config["verificationMethod"]: key.public_key}.get).verified
