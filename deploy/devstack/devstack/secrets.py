"""Development secrets: generated once per data directory, kept in `secrets.json` (mode 0600).

Production takes the same values from its own secret store through the environment (see README).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

REVIEWS_PSEUDONYM_LABELS = {"FINGERPRINT_KEY": b"reviews/conflict-of-interest-fingerprints/v1",
                            "REVIEWER_SUBJECT_KEY": b"reviews/reviewer-subjects/v1"}
"""The labels `reviews.config.pseudonym_keys` derives its keys from the master key with (the devstack imports no
service)."""


@dataclass(frozen=True)
class StackSecrets:
    gateway_private_key: str
    gateway_public_key: str
    seed_password: str
    signing_keys: dict[str, list[str]]
    """Per tenant, hex Ed25519 seeds; the newest (last) signs."""
    reference_link_key: str = ""
    """The applications service's key for rater links (files written before it existed get one on load)."""
    portal_session_key: str = ""
    """The portal's key for the bearer tokens it keeps in its sessions (files written before it existed get one)."""
    webhook_secret_key: str = ""
    """The credentials service's key that seals webhook secrets at rest (files written before it existed get one)."""
    personal_data_key_seed: str = ""
    """Hex seed of each service's PERSONAL_DATA_MASTER_KEY (files written before it existed get one)."""
    service_identity_seed: str = ""
    """Hex seed of each service's SERVICE_IDENTITY_KEY (files written before it existed get one)."""

    def personal_data_master_key(self, service: str) -> str:
        """`service`'s crypto-shredding master key (base64, 32 bytes): its own, never another service's."""
        seed = bytes.fromhex(self.personal_data_key_seed)
        return base64.b64encode(hmac.new(seed, f"personal-data/{service}".encode(), hashlib.sha256).digest()).decode()

    def reviews_pseudonym_keys(self) -> dict[str, str]:
        """The reviews service's FINGERPRINT_KEY and REVIEWER_SUBJECT_KEY, pinned to what `python -m reviews
        fingerprint-key` prints for this stack's reviews master key (the keys reviews derived before they were
        settings), so a stack whose cases were stored before keeps finding their conflicts of interest."""
        master = base64.b64decode(self.personal_data_master_key("reviews"))
        return {name: base64.b64encode(hmac.new(master, label, hashlib.sha256).digest()).decode()
                for name, label in REVIEWS_PSEUDONYM_LABELS.items()}

    def _identity_key(self, service: str) -> Ed25519PrivateKey:
        seed = bytes.fromhex(self.service_identity_seed)
        return Ed25519PrivateKey.from_private_bytes(
            hmac.new(seed, f"service-identity/{service}".encode(), hashlib.sha256).digest())

    def service_identity_key(self, service: str) -> str:
        """`service`'s SERVICE_IDENTITY_KEY (Ed25519, PEM), which signs its calls to `/internal/unseal`."""
        key = self._identity_key(service)
        return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()

    def service_public_keys(self, services: Iterable[str]) -> str:
        """SERVICE_PUBLIC_KEYS naming `services`: `name=<base64 of the raw public key>`, comma separated."""
        return ",".join(
            f"{service}={base64.b64encode(self._identity_key(service).public_key().public_bytes_raw()).decode()}"
            for service in services)


def generate(tenants: list[str]) -> StackSecrets:
    key = Ed25519PrivateKey.generate()
    return StackSecrets(
        gateway_private_key=key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode(),
        gateway_public_key=key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode(),
        seed_password=secrets.token_urlsafe(12),
        signing_keys={tenant: [secrets.token_hex(32)] for tenant in tenants},
        reference_link_key=secrets.token_hex(32),
        portal_session_key=secrets.token_hex(32),
        webhook_secret_key=secrets.token_hex(32),
        personal_data_key_seed=secrets.token_hex(32),
        service_identity_seed=secrets.token_hex(32),
    )


def load_or_create(path: Path, tenants: list[str]) -> StackSecrets:
    """Read the secrets file, adding keys for tenants that appeared since; create it when missing."""
    if path.exists():
        stored = StackSecrets(**json.loads(path.read_text()))
        missing = [t for t in tenants if t not in stored.signing_keys]
        if not missing and stored.reference_link_key and stored.portal_session_key and stored.webhook_secret_key \
                and stored.personal_data_key_seed and stored.service_identity_seed:
            return stored
        keys = dict(stored.signing_keys) | {t: [secrets.token_hex(32)] for t in missing}
        result = StackSecrets(**{**asdict(stored), "signing_keys": keys,
                                 "reference_link_key": stored.reference_link_key or secrets.token_hex(32),
                                 "portal_session_key": stored.portal_session_key or secrets.token_hex(32),
                                 "webhook_secret_key": stored.webhook_secret_key or secrets.token_hex(32),
                                 "personal_data_key_seed": stored.personal_data_key_seed or secrets.token_hex(32),
                                 "service_identity_seed": stored.service_identity_seed or secrets.token_hex(32)})
    else:
        result = generate(tenants)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(asdict(result), handle, indent=2)
    temporary.replace(path)
    return result
