"""Who a verified credential was issued to, for the answer of `POST /credentials/verify`.

Signed documents no longer carry the holder's name (only the salted `identityHash`), so an employer who verifies
one would not learn whom it names. For a credential this service issued, presented with a genuine signature of its
issuer, the answer adds the holder's name as this service records it now: from the `credentials` read model,
which erasure scrubs, or (while the read model has no row yet) from the aggregate. The signature is required so
that nobody learns a holder's name from a credential id alone: only someone who holds the signed document does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from credentials.application import CredentialsApplication

URN_UUID = "urn:uuid:"
_URN_LENGTH = len(URN_UUID) + 36
_MUST_PASS = ("proof", "issuer")


async def holder_of(app: CredentialsApplication, pool: Any, presented: Mapping[str, Any],
                    result: Mapping[str, Any]) -> dict[str, Any] | None:
    """`{"name": str}` or, once the holder was erased, `{"name": None, "erased": True}`; None when the
    signature or issuer check did not pass or the credential was not issued here."""
    credential_id = _credential_id(presented.get("id"))
    if credential_id is None or not _signed_by_a_known_issuer(result):
        return None
    issued = await asyncio.to_thread(app.get_credential, credential_id)
    if issued is None or _issuer_id(issued.document) != _issuer_id(presented):
        return None
    found, name = await _recorded_name(pool, credential_id)
    if not found:
        name = issued.holder_name
    return {"name": name} if name is not None else {"name": None, "erased": True}


def _signed_by_a_known_issuer(result: Mapping[str, Any]) -> bool:
    passed = {check.get("check") for check in result.get("checks", ()) if check.get("status") == "passed"}
    return all(name in passed for name in _MUST_PASS)


def _credential_id(value: object) -> UUID | None:
    if not isinstance(value, str) or len(value) != _URN_LENGTH or not value.startswith(URN_UUID):
        return None
    try:
        return UUID(value[len(URN_UUID):])
    except ValueError:
        return None


def _issuer_id(document: Mapping[str, Any]) -> object:
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, Mapping) else issuer


async def _recorded_name(pool: Any, credential_id: UUID) -> tuple[bool, str | None]:
    """Whether the read model has the credential, and its holder's name there (None once erased)."""
    if pool is None:
        return False, None
    try:
        async with pool.acquire() as conn:
            row = await conn.fetchrow("SELECT holder_name FROM credentials WHERE id = $1", credential_id)
    except asyncpg.UndefinedTableError:
        return False, None
    return (False, None) if row is None else (True, row["holder_name"])
