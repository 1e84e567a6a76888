"""Tenants' Ed25519 signing keys (from configuration), their did:web identities and DID documents."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from credentials.config import ConfigurationError
from credentials.vc.did import PublishedKey, assertion_keys, build_did_document, tenant_did, verification_method_id
from credentials.vc.errors import InvalidMultikeyError
from credentials.vc.multikey import Ed25519KeyPair

_CONFIGURED_ORDER_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class TenantIssuer:
    """One tenant as an issuer: its DID and keys, oldest first; the last one signs."""

    slug: str
    did: str
    keys: tuple[Ed25519KeyPair, ...]
    did_document: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise ConfigurationError(f"tenant {self.slug!r} has no signing key")
        # The configuration lists keys oldest first; the position stands in for each key's creation time.
        published = [
            PublishedKey(key.public_key_multibase, _CONFIGURED_ORDER_EPOCH + timedelta(seconds=index))
            for index, key in enumerate(self.keys)
        ]
        object.__setattr__(self, "did_document", build_did_document(self.did, published))

    @property
    def signing_key(self) -> Ed25519KeyPair:
        return self.keys[-1]

    @property
    def verification_method(self) -> str:
        key = self.signing_key
        return verification_method_id(self.did, PublishedKey(key.public_key_multibase, _CONFIGURED_ORDER_EPOCH))


class IssuerDirectory:
    """The configured tenants as issuers; also resolves their DIDs for verification, without any network."""

    def __init__(self, issuers: Iterable[TenantIssuer]) -> None:
        self._by_slug = {issuer.slug: issuer for issuer in issuers}
        self._keys_by_did = {issuer.did: assertion_keys(issuer.did_document) for issuer in self._by_slug.values()}

    def get(self, slug: str) -> TenantIssuer | None:
        return self._by_slug.get(slug)

    def resolve(self, did: str) -> Mapping[str, str] | None:
        """verify_credential's issuer resolver: assertion method id -> publicKeyMultibase, None if unknown."""
        return self._keys_by_did.get(did)


def build_issuer_directory(
    tenant_slugs: Iterable[str], configured: Mapping[str, Sequence[str]], public_base_url: str
) -> IssuerDirectory:
    """Every tenant with its configured keys; raises ConfigurationError when a tenant has none or one is bad."""
    issuers = []
    for slug in sorted(tenant_slugs):
        seeds = configured.get(slug) or []
        if not seeds:
            raise ConfigurationError(f"CREDENTIALS_SIGNING_KEYS has no key for tenant {slug!r}")
        issuers.append(TenantIssuer(slug, _did(public_base_url, slug), _key_pairs(slug, seeds)))
    return IssuerDirectory(issuers)


def _did(public_base_url: str, slug: str) -> str:
    try:
        return tenant_did(public_base_url, slug)
    except ValueError as error:
        raise ConfigurationError(f"cannot derive the DID of tenant {slug!r}: {error}") from error


def _key_pairs(slug: str, seeds: Sequence[str]) -> tuple[Ed25519KeyPair, ...]:
    pairs = []
    for index, seed in enumerate(seeds):
        try:
            pairs.append(Ed25519KeyPair.from_seed(seed.strip()))
        except InvalidMultikeyError as error:  # the message never contains the seed
            raise ConfigurationError(f"signing key {index} of tenant {slug!r} is not usable: {error}") from None
    if len({pair.public_key_multibase for pair in pairs}) != len(pairs):
        raise ConfigurationError(f"tenant {slug!r} lists the same signing key twice")
    return tuple(pairs)
