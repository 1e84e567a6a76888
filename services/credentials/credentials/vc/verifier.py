"""Verify a presented Open Badges 3.0 credential: schema -> proof -> issuer -> [status] -> validity.

A malformed document or a bad signature stops the checks after it (they are
reported as skipped); the other failures let later checks run. The status check
runs when a `status_check` is given, and only on a credential whose signature
was verified (a status read for an unverified document would mean nothing).
Validity is the half-open interval [validFrom, validUntil): at exactly
validUntil a credential has expired.
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from credentials.vc.bounds import check_document_bounds, parse_json_document
from credentials.vc.dataintegrity import Hasher, ProofOutcome, verify_proof
from credentials.vc.errors import InvalidMultikeyError, MalformedDocumentError
from credentials.vc.loader import DEFAULT_LOADER, OfflineDocumentLoader
from credentials.vc.multikey import decode_public_key
from credentials.vc.ob3_schema import open_badge_problems
from credentials.vc.timestamps import parse_timestamp
from credentials.vc.verification_result import (
    CheckName,
    CheckResult,
    FailureCode,
    VerificationResult,
)

IssuerResolver = Callable[[str], Mapping[str, str] | None]
"""Issuer DID -> {verification method id: publicKeyMultibase} of its assertion keys; None if unknown."""

StatusCheck = Callable[[Mapping[str, Any], datetime], CheckResult]
"""The status check of a credential whose signature verified: passed, or failed with a status code."""

_ORDER = (CheckName.SCHEMA, CheckName.PROOF, CheckName.ISSUER, CheckName.VALIDITY)
_ORDER_WITH_STATUS = (CheckName.SCHEMA, CheckName.PROOF, CheckName.ISSUER, CheckName.STATUS, CheckName.VALIDITY)


def verify_credential(
    credential: Mapping[str, Any] | str | bytes,
    *,
    issuer_resolver: IssuerResolver,
    now: datetime,
    loader: OfflineDocumentLoader = DEFAULT_LOADER,
    status_check: StatusCheck | None = None,
    hasher: Hasher | None = None,
) -> VerificationResult:
    """Run every check in order; never raises for bad input (the resolver's and the hasher's own errors,
    such as a busy worker pool, propagate)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    checks: list[CheckResult] = []
    order = _ORDER if status_check is None else _ORDER_WITH_STATUS

    def stop(reason: str) -> VerificationResult:
        checks.extend(CheckResult.skipped(name, reason) for name in order[len(checks) :])
        return VerificationResult(tuple(checks))

    try:
        document = _as_document(credential)
        problems = open_badge_problems(document)
    except MalformedDocumentError as error:
        problems, document = [str(error)], {}
    if problems:
        checks.append(CheckResult.failed(CheckName.SCHEMA, FailureCode.MALFORMED, "; ".join(problems)))
        return stop("the credential is malformed")
    checks.append(CheckResult.passed(CheckName.SCHEMA))

    issuer = document["issuer"]["id"]
    issuer_keys = dict(issuer_resolver(issuer) or {})
    proof = verify_proof(document, _key_resolver(issuer_keys), loader=loader, hasher=hasher)
    if proof.outcome is ProofOutcome.MALFORMED:
        checks.append(CheckResult.failed(CheckName.PROOF, FailureCode.MALFORMED, proof.detail))
        return stop("the credential is malformed")
    if proof.outcome is ProofOutcome.INVALID_SIGNATURE:
        checks.append(CheckResult.failed(CheckName.PROOF, FailureCode.INVALID_SIGNATURE, proof.detail))
        return stop("the signature is invalid")
    if proof.outcome is ProofOutcome.UNRESOLVED_KEY:
        checks.append(CheckResult.skipped(CheckName.PROOF, f"no trusted key of the issuer: {proof.detail}"))
    else:
        checks.append(CheckResult.passed(CheckName.PROOF, f"signed by {proof.verification_method}"))

    checks.append(_issuer_check(issuer, issuer_keys, proof.verification_method))
    if status_check is not None:
        if proof.verified:
            checks.append(status_check(document, now))
        else:
            checks.append(CheckResult.skipped(CheckName.STATUS, "not checked: the signature was not verified"))
    checks.append(_validity_check(document, now))
    return VerificationResult(tuple(checks))


def _as_document(credential: Mapping[str, Any] | str | bytes) -> Mapping[str, Any]:
    if isinstance(credential, str | bytes):
        return parse_json_document(credential)
    if not isinstance(credential, Mapping):
        raise MalformedDocumentError("credential must be a JSON object")
    check_document_bounds(credential)
    return credential


def _key_resolver(issuer_keys: Mapping[str, str]) -> Callable[[str], Ed25519PublicKey | None]:
    def resolve(method: str) -> Ed25519PublicKey | None:
        if method not in issuer_keys:
            return None
        try:
            return decode_public_key(issuer_keys[method])
        except InvalidMultikeyError:
            return None  # an unusable key in the issuer's DID document trusts nothing

    return resolve


def _issuer_check(issuer: str, issuer_keys: Mapping[str, str], method: str | None) -> CheckResult:
    if not issuer_keys:
        return CheckResult.failed(CheckName.ISSUER, FailureCode.UNKNOWN_ISSUER, f"issuer {issuer} is not known")
    if method not in issuer_keys:
        return CheckResult.failed(
            CheckName.ISSUER,
            FailureCode.UNKNOWN_ISSUER,
            f"verification method {method} is not an assertion key of issuer {issuer}",
        )
    return CheckResult.passed(CheckName.ISSUER, issuer)


def _validity_check(document: Mapping[str, Any], now: datetime) -> CheckResult:
    valid_from = parse_timestamp(document["validFrom"], "validFrom")
    if now < valid_from:
        return CheckResult.failed(CheckName.VALIDITY, FailureCode.NOT_YET_VALID, f"valid from {document['validFrom']}")
    if "validUntil" in document:
        valid_until = parse_timestamp(document["validUntil"], "validUntil")
        if now >= valid_until:
            return CheckResult.failed(CheckName.VALIDITY, FailureCode.EXPIRED, f"expired at {document['validUntil']}")
    return CheckResult.passed(CheckName.VALIDITY)
