"""Verify a presented credential for anyone who asks, VC-API style: the answer is a result, not a refusal.

The checks run in the order signature (`proof`) -> `issuer` -> `status` -> `validity`, after the structural
`schema` check. `verified` is true only when every check ran and passed: a status that could not be
checked fails with STATUS_UNAVAILABLE, and a bad signature stops every later check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from credentials.vc.dataintegrity import Hasher
from credentials.vc.verifier import IssuerResolver, StatusCheck, verify_credential

SUPPORTED_OPTIONS: frozenset[str] = frozenset()


def verify_presented(
    credential: Mapping[str, Any],
    options: Mapping[str, Any],
    *,
    issuer_resolver: IssuerResolver,
    status_check: StatusCheck,
    clock: Callable[[], datetime],
    hasher: Hasher | None = None,
) -> dict[str, Any]:
    """`{verified, checks, errors, warnings}`: failed checks are errors, skipped ones and ignored options
    warnings. `hasher` runs the canonicalization elsewhere (the service's worker pool)."""
    result = verify_credential(credential, issuer_resolver=issuer_resolver, now=clock(), status_check=status_check,
                               hasher=hasher)
    checks: list[dict[str, str]] = [check.as_dict() for check in result.checks]
    errors = [_entry(check) for check in checks if check["status"] == "failed"]
    warnings = [_entry(check) for check in checks if check["status"] == "skipped"]
    warnings += [
        {"code": "OPTION_IGNORED", "option": name, "detail": f"option {name!r} is not supported and was ignored"}
        for name in sorted(set(options) - SUPPORTED_OPTIONS)
    ]
    return {"verified": result.verified, "checks": checks, "errors": errors, "warnings": warnings}


def _entry(check: Mapping[str, str]) -> dict[str, str]:
    return {"code": check.get("code", "CHECK_SKIPPED"), "check": check["check"], "detail": check.get("detail", "")}
