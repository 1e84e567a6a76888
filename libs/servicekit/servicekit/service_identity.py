"""Service identity: each service proves who it is to another with a short-lived token signed by its own key.

Used by the one synchronous call between services, `POST /internal/unseal` (docs/erasure.md, option C). A caller
signs an EdDSA JWT (`iss` = its service name, `aud` = `internal:<target service>`, `jti`, 60 s lifetime) with its
Ed25519 key (SERVICE_IDENTITY_KEY); the target checks it against the issuer's public key, which it knows from
SERVICE_PUBLIC_KEYS (`name=<base64 of the raw 32-byte key>`, comma separated). Unknown issuers are refused. Tokens
are bearer credentials for their minute: they are never logged.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_private_key

from .problems import Problem

__all__ = ["SERVICE_NAME_PATTERN", "ServiceTokenSigner", "ServiceTokenVerifier", "audience_of",
           "parse_identity_key", "parse_public_keys", "public_key_text"]

TOKEN_LIFETIME = timedelta(seconds=60)
LEEWAY_SECONDS = 5
"""Clock difference between two hosts that is still accepted on `exp`/`iat`."""
SERVICE_NAME_PATTERN = r"^[a-z][a-z0-9-]{0,39}$"
_SERVICE_NAME = re.compile(SERVICE_NAME_PATTERN)
_RAW_KEY_BYTES = 32


def audience_of(target: str) -> str:
    return f"internal:{target}"


def parse_identity_key(pem: str) -> Ed25519PrivateKey:
    """SERVICE_IDENTITY_KEY: an Ed25519 private key in PEM (PKCS#8); `\\n` escapes accepted, as one env line."""
    try:
        key = load_pem_private_key(pem.strip().replace("\\n", "\n").encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise ValueError("the service identity key must be an unencrypted PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the service identity key must be an Ed25519 key")
    return key


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public half as SERVICE_PUBLIC_KEYS writes it: base64 of the raw 32 bytes."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def parse_public_keys(text: str) -> dict[str, Ed25519PublicKey]:
    """SERVICE_PUBLIC_KEYS: `name=<base64 raw 32-byte Ed25519 key>` entries, comma separated (empty: none)."""
    keys: dict[str, Ed25519PublicKey] = {}
    for position, entry in enumerate(item.strip() for item in text.split(",")):
        if not entry:
            continue
        name, equals, encoded = (part.strip() for part in entry.partition("="))
        if not equals or not _SERVICE_NAME.match(name):
            raise ValueError(f"SERVICE_PUBLIC_KEYS entry {position + 1} must be `<service name>=<base64 key>`")
        if name in keys:
            raise ValueError(f"SERVICE_PUBLIC_KEYS names {name!r} twice")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"SERVICE_PUBLIC_KEYS: the key of {name!r} is not base64") from exc
        if len(raw) != _RAW_KEY_BYTES:
            raise ValueError(f"SERVICE_PUBLIC_KEYS: the key of {name!r} must be {_RAW_KEY_BYTES} bytes, got {len(raw)}")
        keys[name] = Ed25519PublicKey.from_public_bytes(raw)
    return keys


class ServiceTokenSigner:
    """Signs this service's tokens for the services it calls."""

    def __init__(self, service: str, key: Ed25519PrivateKey) -> None:
        if not _SERVICE_NAME.match(service):
            raise ValueError(f"not a service name: {service!r}")
        self.service = service
        self._key = key

    def token_for(self, target: str, *, now: datetime | None = None) -> str:
        issued = now or datetime.now(UTC)
        claims = {"iss": self.service, "aud": audience_of(target), "jti": uuid.uuid4().hex,
                  "iat": int(issued.timestamp()), "exp": int((issued + TOKEN_LIFETIME).timestamp())}
        return jwt.encode(claims, self._key, algorithm="EdDSA")


class ServiceTokenVerifier:
    """Checks a caller's token for this service: known issuer, its signature, our audience, not expired."""

    def __init__(self, service: str, peers: Mapping[str, Ed25519PublicKey]) -> None:
        self.service = service
        self._peers = dict(peers)

    @property
    def known_callers(self) -> frozenset[str]:
        return frozenset(self._peers)

    def verify(self, token: str) -> str:
        """The calling service's name; a 401 problem otherwise (its detail never quotes the token)."""
        try:
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError as exc:
            raise _refused("not a service token") from exc
        if not isinstance(issuer, str) or issuer not in self._peers:
            raise _refused("the issuer is not a known service")
        try:
            claims = jwt.decode(token, self._peers[issuer], algorithms=["EdDSA"], issuer=issuer,
                                audience=audience_of(self.service), leeway=LEEWAY_SECONDS,
                                options={"require": ["iss", "aud", "exp", "iat", "jti"]})
        except jwt.ExpiredSignatureError as exc:
            raise _refused("the token has expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise _refused("the token is meant for another service") from exc
        except jwt.PyJWTError as exc:
            raise _refused("the token's signature or claims are invalid") from exc
        # a token signed for longer than the lifetime would be a bearer credential for longer than a minute
        if claims["exp"] - claims["iat"] > TOKEN_LIFETIME.total_seconds():
            raise _refused("the token lives longer than allowed")
        return issuer


def _refused(why: str) -> Problem:
    return Problem(401, "Unauthenticated", f"service token refused: {why}", code="INVALID_SERVICE_TOKEN")
