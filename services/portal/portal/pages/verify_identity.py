"""Whether an email address is the one a credential was issued to (Open Badges 3.0 `IdentityObject`).

Credentials name their holder only by `identityHash`: `sha256$` and the hex SHA-256 of the address (trimmed,
lower-cased, as the issuer hashes it) followed by the `salt`. An employer who knows the holder's address can
confirm it here without the address leaving the portal. Only meaningful once the signature is genuine: anyone
can put their own hash into an unsigned copy.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

MAX_IDENTIFIERS = 20
MAX_FIELD_CHARS = 512


def email_matches(credential: Mapping[str, Any], email: str) -> bool | None:
    """True or False; None when the credential has no email identity to compare with."""
    candidates = [item for item in _identifiers(credential) if item.get("identityType") == "emailAddress"]
    if not candidates:
        return None
    address = email.strip().lower()
    return any(_matches(item, address) for item in candidates)


def _identifiers(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    subject = credential.get("credentialSubject")
    identifiers = subject.get("identifier") if isinstance(subject, Mapping) else None
    if isinstance(identifiers, Mapping):
        identifiers = [identifiers]
    if not isinstance(identifiers, list):
        return []
    return [item for item in identifiers[:MAX_IDENTIFIERS] if isinstance(item, Mapping)]


def _matches(identity: Mapping[str, Any], address: str) -> bool:
    value, salt = identity.get("identityHash"), identity.get("salt", "")
    if not isinstance(value, str) or not isinstance(salt, str) or max(len(value), len(salt)) > MAX_FIELD_CHARS:
        return False
    if identity.get("hashed") is not True:
        return hmac.compare_digest(value.strip().lower().encode(), address.encode())
    algorithm, _, digest = value.partition("$")
    if algorithm.lower() != "sha256":
        return False
    expected = hashlib.sha256((address + salt).encode("utf-8")).hexdigest()
    return hmac.compare_digest(digest.lower().encode(), expected.encode())
