"""Identities the gateway vouches for: short-lived EdDSA-signed tokens, verified by every service.

Services never trust a bare header: a request reaches a service's protected routes only with a token
the gateway signed for that audience, carrying who the caller is, their tenant and roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated
from uuid import UUID

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)
from fastapi import Depends, Request

from .problems import Problem

ISSUER = "endorsement-gateway"
AUDIENCE = "endorsement-services"
TOKEN_LIFETIME = timedelta(seconds=120)


@dataclass(frozen=True)
class Identity:
    account_id: UUID
    tenant: str
    roles: frozenset[str]
    email: str
    name: str
    language: str = "en"
    """The language the person chose for pages and emails (claim `lang`; "en" when a token has none)."""

    def has_role(self, role: str) -> bool:
        return role in self.roles


def generate_key_pair() -> tuple[str, str]:
    """A new Ed25519 key pair as (private PEM, public PEM)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def issue_token(identity: Identity, private_key_pem: str, *, now: datetime | None = None) -> str:
    key = load_pem_private_key(private_key_pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the gateway signing key must be Ed25519")
    issued = now or datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(identity.account_id),
        "tenant": identity.tenant,
        "roles": sorted(identity.roles),
        "email": identity.email,
        "name": identity.name,
        "lang": identity.language,
        "iat": int(issued.timestamp()),
        "exp": int((issued + TOKEN_LIFETIME).timestamp()),
    }
    return jwt.encode(claims, key, algorithm="EdDSA")


class IdentityVerifier:
    def __init__(self, public_key_pem: str) -> None:
        key = load_pem_public_key(public_key_pem.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("GATEWAY_PUBLIC_KEY must be an Ed25519 public key in PEM")
        self._key = key

    def verify(self, token: str) -> Identity:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=["EdDSA"],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
            return Identity(
                account_id=UUID(claims["sub"]),
                tenant=str(claims["tenant"]),
                roles=frozenset(str(r) for r in claims["roles"]),
                email=str(claims["email"]),
                name=str(claims["name"]),
                language=str(claims.get("lang") or "en"),
            )
        except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
            raise Problem(401, "Unauthenticated", f"identity token refused: {exc}", code="INVALID_IDENTITY") from exc


def current_identity(request: Request) -> Identity:
    """FastAPI dependency: the caller as vouched for by the gateway (401 otherwise)."""
    verifier: IdentityVerifier = request.app.state.identity_verifier
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Problem(401, "Unauthenticated", "a gateway-signed bearer token is required", code="MISSING_IDENTITY")
    return verifier.verify(token)


CurrentIdentity = Annotated[Identity, Depends(current_identity)]


def require_role(identity: Identity, role: str) -> None:
    if not identity.has_role(role):
        raise Problem(403, "Forbidden", f"this action needs the {role!r} role", code="FORBIDDEN")
