"""Ed25519 keys in Multikey form: multicodec prefix + raw key, base58btc multibase ('z...')."""

import secrets
from dataclasses import dataclass

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from credentials.vc.errors import InvalidMultikeyError

ED25519_PUBLIC_KEY_CODEC = b"\xed\x01"
"""Multicodec `ed25519-pub` (0xed) as an unsigned varint; encodes to 'z6Mk...'."""

ED25519_PRIVATE_KEY_CODEC = b"\x80\x26"
"""Multicodec `ed25519-priv` (0x1300) as an unsigned varint."""

BASE58BTC_PREFIX = "z"
KEY_LENGTH = 32


def encode_multibase(data: bytes) -> str:
    """Multibase base58btc: 'z' followed by the base58 (Bitcoin alphabet) encoding."""
    return BASE58BTC_PREFIX + base58.b58encode(data).decode("ascii")


def decode_multibase(value: str) -> bytes:
    """Inverse of `encode_multibase`; only the base58btc ('z') encoding is accepted."""
    if not isinstance(value, str) or not value.startswith(BASE58BTC_PREFIX) or len(value) < 2:
        raise InvalidMultikeyError("expected a base58btc multibase string starting with 'z'")
    try:
        return base58.b58decode(value[1:].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise InvalidMultikeyError(f"invalid base58btc: {error}") from error


def _strip_codec(data: bytes, codec: bytes, what: str) -> bytes:
    if not data.startswith(codec) or len(data) != len(codec) + KEY_LENGTH:
        raise InvalidMultikeyError(f"not a multicodec {what} key")
    return data[len(codec) :]


def encode_public_key(public_key: Ed25519PublicKey) -> str:
    """'z6Mk...' Multikey `publicKeyMultibase` of an Ed25519 public key."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return encode_multibase(ED25519_PUBLIC_KEY_CODEC + raw)


def decode_public_key(public_key_multibase: str) -> Ed25519PublicKey:
    """Ed25519 public key from a 'z6Mk...' `publicKeyMultibase`."""
    raw = _strip_codec(decode_multibase(public_key_multibase), ED25519_PUBLIC_KEY_CODEC, "ed25519-pub")
    return Ed25519PublicKey.from_public_bytes(raw)


def _seed_from_text(seed: str) -> bytes:
    """A seed written as 64 hex digits, or multibase of the raw seed or of a private Multikey."""
    if seed.startswith(BASE58BTC_PREFIX):
        data = decode_multibase(seed)
        if len(data) == len(ED25519_PRIVATE_KEY_CODEC) + KEY_LENGTH:
            return _strip_codec(data, ED25519_PRIVATE_KEY_CODEC, "ed25519-priv")
        return data
    try:
        return bytes.fromhex(seed)
    except ValueError as error:
        raise InvalidMultikeyError("seed must be hex or base58btc multibase") from error


@dataclass(frozen=True)
class Ed25519KeyPair:
    """An Ed25519 signing key and its Multikey encodings."""

    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> "Ed25519KeyPair":
        return cls.from_seed(secrets.token_bytes(KEY_LENGTH))

    @classmethod
    def from_seed(cls, seed: bytes | str) -> "Ed25519KeyPair":
        """From a 32-byte seed given as bytes, hex or multibase (see `_seed_from_text`)."""
        raw = _seed_from_text(seed) if isinstance(seed, str) else seed
        if len(raw) != KEY_LENGTH:
            raise InvalidMultikeyError(f"an Ed25519 seed is {KEY_LENGTH} bytes, got {len(raw)}")
        return cls(Ed25519PrivateKey.from_private_bytes(raw))

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def public_key_multibase(self) -> str:
        return encode_public_key(self.public_key)

    @property
    def private_key_multibase(self) -> str:
        """The seed as a private Multikey; a secret, never publish or log it."""
        return encode_multibase(ED25519_PRIVATE_KEY_CODEC + self.seed)

    @property
    def seed(self) -> bytes:
        return self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)

    def __repr__(self) -> str:  # keep the private key out of logs and tracebacks
        return f"Ed25519KeyPair(public_key_multibase={self.public_key_multibase!r})"
