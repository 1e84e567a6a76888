"""Key rotation: the newest configured key signs credentials and status lists; credentials signed by an
older key keep verifying while that key is listed, and stop when it is retired."""

from __future__ import annotations

import json
from typing import Any

from credentials.config import TenantProfile
from credentials.domain.status_list import StatusPurpose

from .world import KEY_A, KEY_B, TENANT, World, codes


def method_of(document: dict[str, Any]) -> str:
    return str(document["proof"]["verificationMethod"])


def test_rotating_keys_keeps_old_credentials_verifying_until_their_key_is_retired(
    tenants: dict[str, TenantProfile], independent_verifier: Any
) -> None:
    world = World(tenants, keys=[KEY_A])
    old = world.issue()
    assert method_of(old.document).endswith(KEY_A.public_key_multibase)

    world.use_keys([KEY_A, KEY_B])  # rotation: B appended, so B signs from now on
    new = world.issue()
    assert method_of(new.document).endswith(KEY_B.public_key_multibase)
    assert world.verify(old.document)["verified"] is True
    assert world.verify(new.document)["verified"] is True
    published = world.publisher.get(TENANT, StatusPurpose.REVOCATION)
    assert published is not None and method_of(published.document).endswith(KEY_B.public_key_multibase)
    assert independent_verifier(json.loads(published.body), KEY_B.public_key_multibase)

    world.apply(world.lifecycle.revoke(old, world.decision(note="sanctioned")))
    assert codes(world.verify(old.document)) == ["REVOKED"]  # an old credential's status is still read

    world.use_keys([KEY_B])  # A retired
    assert codes(world.verify(new.document)) == []
    assert codes(world.verify(old.document)) == ["UNKNOWN_ISSUER"]
    assert world.verify(old.document)["checks"][1]["status"] == "skipped"  # no listed key to check it with
