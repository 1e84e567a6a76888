"""Ed25519 Multikeys: seeds, multibase encodings and their refusals."""

import pytest
from credentials.vc.errors import InvalidMultikeyError
from credentials.vc.multikey import (
    Ed25519KeyPair,
    decode_multibase,
    decode_public_key,
    encode_multibase,
    encode_public_key,
)

W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_PRIVATE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"


def test_a_seed_loads_from_bytes_hex_and_both_multibase_forms() -> None:
    seed = Ed25519KeyPair.from_seed(W3C_PRIVATE).seed
    for form in (seed, seed.hex(), W3C_PRIVATE, encode_multibase(seed)):
        key = Ed25519KeyPair.from_seed(form)
        assert key.public_key_multibase == W3C_PUBLIC
        assert key.private_key_multibase == W3C_PRIVATE


def test_generated_keys_are_fresh_ed25519_multikeys() -> None:
    first, second = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    assert first.public_key_multibase.startswith("z6Mk")
    assert first.public_key_multibase != second.public_key_multibase
    assert Ed25519KeyPair.from_seed(first.private_key_multibase).seed == first.seed


def test_public_keys_round_trip_and_verify() -> None:
    key = Ed25519KeyPair.generate()
    public_key = decode_public_key(key.public_key_multibase)
    assert encode_public_key(public_key) == key.public_key_multibase
    public_key.verify(key.sign(b"message"), b"message")


def test_the_private_key_stays_out_of_repr() -> None:
    key = Ed25519KeyPair.from_seed(W3C_PRIVATE)
    assert W3C_PRIVATE not in repr(key)
    assert key.seed.hex() not in repr(key)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "z",
        "f" + W3C_PUBLIC[1:],  # not base58btc
        "z0OIl",  # characters outside the base58 alphabet
        W3C_PRIVATE,  # a private key is not a public key
        encode_multibase(b"\xed\x01" + bytes(31)),  # too short
        encode_multibase(b"\xe7\x01" + bytes(33)),  # secp256k1 codec
    ],
)
def test_bad_public_keys_are_refused(value: str) -> None:
    with pytest.raises(InvalidMultikeyError):
        decode_public_key(value)


@pytest.mark.parametrize("seed", [b"short", "abcd", "not hex at all", encode_multibase(b"\x80\x26" + bytes(31))])
def test_bad_seeds_are_refused(seed: bytes | str) -> None:
    with pytest.raises(InvalidMultikeyError):
        Ed25519KeyPair.from_seed(seed)


def test_multibase_round_trip() -> None:
    assert decode_multibase(encode_multibase(b"\x00\x00hello")) == b"\x00\x00hello"
