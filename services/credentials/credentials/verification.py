"""Verify a presented credential for anyone who asks, VC-API style: the answer is a result, not a refusal.

The four checks of `vc.verifier` (schema, proof, issuer, validity) are followed by a status check.
Status lists arrive with a later issue, so the status check never passes: it is skipped when the
credential names no status entry, and it fails (so the credential does not verify) when it names one,
because this verifier cannot confirm that status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from credentials.vc.verifier import IssuerResolver, verify_credential

STATUS_NOT_CHECKED = "status lists arrive with a later issue"
SUPPORTED_OPTIONS: frozenset[str] = frozenset()


def verify_presented(
    credential: Mapping[str, Any],
    options: Mapping[str, Any],
    *,
    issuer_resolver: IssuerResolver,
    clock: Callable[[], datetime],
) -> dict[str, Any]:
    """`{verified, checks, errors, warnings}`: verified when schema, proof, issuer and validity passed and
    the status check did not fail; failed checks are errors, skipped ones and ignored options warnings."""
    result = verify_credential(credential, issuer_resolver=issuer_resolver, now=clock())
    checks: list[dict[str, str]] = [check.as_dict() for check in result.checks]
    status = _status_check(credential)
    checks.append(status)
    errors = [_entry(check) for check in checks if check["status"] == "failed"]
    warnings = [_entry(check) for check in checks if check["status"] == "skipped"]
    warnings += [
        {"code": "OPTION_IGNORED", "option": name, "detail": f"option {name!r} is not supported and was ignored"}
        for name in sorted(set(options) - SUPPORTED_OPTIONS)
    ]
    return {
        "verified": result.verified and status["status"] != "failed",
        "checks": checks,
        "errors": errors,
        "warnings": warnings,
    }


def _status_check(credential: Mapping[str, Any]) -> dict[str, str]:
    if "credentialStatus" not in credential:
        return {"check": "status", "status": "skipped", "detail": STATUS_NOT_CHECKED}
    return {
        "check": "status",
        "status": "failed",
        "code": "STATUS_NOT_CHECKED",
        "detail": f"the credential names a status entry that this verifier cannot check yet: {STATUS_NOT_CHECKED}",
    }


def _entry(check: Mapping[str, str]) -> dict[str, str]:
    code = check.get("code") or ("STATUS_NOT_CHECKED" if check["check"] == "status" else "CHECK_SKIPPED")
    return {"code": code, "check": check["check"], "detail": check.get("detail", "")}
