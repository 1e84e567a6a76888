"""The `encodedList` of W3C Bitstring Status List v1.0: bits -> GZIP -> base64url (no padding) -> 'u' prefix.

Index 0 is the left-most bit of the first byte (the most significant bit).
"""

import base64
import gzip
import io
from collections.abc import Iterable

from credentials.vc.errors import MalformedDocumentError

MULTIBASE_BASE64URL = "u"
MAX_DECODED_BYTES = 16 * 1024 * 1024
"""Refuse to inflate a list beyond 16 MiB (128 Mi entries): a GZIP bomb stops here."""


def bits_of(set_indexes: Iterable[int], length: int) -> bytes:
    """A bitstring of `length` bits (a multiple of 8) with the given indexes set."""
    if length % 8:
        raise ValueError("a bitstring's length must be a multiple of 8")
    bits = bytearray(length // 8)
    for index in set_indexes:
        if not 0 <= index < length:
            raise ValueError(f"index {index} is outside a list of {length}")
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise IndexError(f"index {index} is outside a list of {len(bits) * 8}")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def encode_list(bits: bytes) -> str:
    """The multibase base64url of the GZIP of `bits` (mtime 0, so equal lists encode equally)."""
    compressed = gzip.compress(bits, compresslevel=9, mtime=0)
    return MULTIBASE_BASE64URL + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_list(encoded: str) -> bytes:
    """The bits of an `encodedList`; raises MalformedDocumentError for anything else."""
    if not isinstance(encoded, str) or not encoded.startswith(MULTIBASE_BASE64URL):
        raise MalformedDocumentError("encodedList must be multibase base64url (prefix 'u')")
    body = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as stream:
            bits = stream.read(MAX_DECODED_BYTES + 1)
    except (ValueError, OSError, EOFError) as error:
        raise MalformedDocumentError(f"encodedList is not GZIP in base64url: {error}") from None
    if len(bits) > MAX_DECODED_BYTES:
        raise MalformedDocumentError("encodedList inflates beyond the size this verifier accepts")
    return bits

