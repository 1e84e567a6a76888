"""Structural check of an Open Badges 3.0 credential on VC Data Model 2.0.

Returns human-readable problems instead of raising, so that every problem is
reported at once. Term definitions are checked later, during canonicalization.
"""

import re
from collections.abc import Mapping
from typing import Any

from credentials.vc.contexts import OB_V3P0_CONTEXT, VC_V2_CONTEXT
from credentials.vc.errors import MalformedDocumentError
from credentials.vc.timestamps import parse_timestamp

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential"}


def _types(node: Mapping[str, Any]) -> list[Any]:
    value = node.get("type")
    return value if isinstance(value, list) else [value]


def _require(problems: list[str], condition: bool, problem: str) -> None:
    if not condition:
        problems.append(problem)


def _is_uri(value: Any) -> bool:
    return isinstance(value, str) and bool(_URI.match(value))


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def open_badge_problems(credential: Mapping[str, Any]) -> list[str]:
    """Every way in which `credential` is not a well-formed OB3 credential (empty if none)."""
    problems: list[str] = []
    context = credential.get("@context")
    if not isinstance(context, list) or not context:
        problems.append("@context must be a list")
    else:
        _require(problems, context[0] == VC_V2_CONTEXT, f"@context must start with {VC_V2_CONTEXT}")
        _require(problems, OB_V3P0_CONTEXT in context, f"@context must include {OB_V3P0_CONTEXT}")
    _require(problems, _is_uri(credential.get("id")), "id must be a URI")
    types = _types(credential)
    _require(
        problems,
        "VerifiableCredential" in types and bool(CREDENTIAL_TYPES.intersection(types)),
        "type must include VerifiableCredential and OpenBadgeCredential",
    )
    _require(problems, _is_text(credential.get("name")), "name must be a non-empty string")
    issuer = credential.get("issuer")
    if not isinstance(issuer, Mapping):
        problems.append("issuer must be a Profile object")
    else:
        _require(problems, _is_uri(issuer.get("id")), "issuer.id must be a URI")
        _require(problems, "Profile" in _types(issuer), "issuer.type must include Profile")
    _check_dates(credential, problems)
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping):
        problems.append("credentialSubject must be one object")
    else:
        _check_subject(subject, problems)
    if "credentialStatus" in credential:
        status = credential["credentialStatus"]
        _require(
            problems,
            isinstance(status, Mapping) and _is_uri(status.get("id")),
            "credentialStatus must be a single object with a URI id",
        )
    return problems


def _check_dates(credential: Mapping[str, Any], problems: list[str]) -> None:
    parsed = {}
    for field in ("validFrom", "validUntil", "awardedDate"):
        if field in credential or field == "validFrom":
            try:
                parsed[field] = parse_timestamp(credential.get(field), field)
            except MalformedDocumentError as error:
                problems.append(str(error))
    if "validFrom" in parsed and "validUntil" in parsed:
        _require(problems, parsed["validFrom"] <= parsed["validUntil"], "validFrom is after validUntil")


def _check_subject(subject: Mapping[str, Any], problems: list[str]) -> None:
    _require(
        problems, "AchievementSubject" in _types(subject), "credentialSubject.type must include AchievementSubject"
    )
    identifiers = subject.get("identifier")
    _require(
        problems,
        "id" in subject or bool(identifiers),
        "credentialSubject needs an id or an identifier",
    )
    if identifiers is not None and not isinstance(identifiers, list):
        problems.append("credentialSubject.identifier must be a list")
    elif identifiers is not None:
        for index, identity in enumerate(identifiers):
            _check_identity(identity, f"credentialSubject.identifier[{index}]", problems)
    achievement = subject.get("achievement")
    if not isinstance(achievement, Mapping):
        problems.append("credentialSubject.achievement must be an object")
    else:
        path = "credentialSubject.achievement"
        _require(problems, _is_uri(achievement.get("id")), f"{path}.id must be a URI")
        _require(problems, "Achievement" in _types(achievement), f"{path}.type must include Achievement")
        for field in ("name", "description"):
            _require(problems, _is_text(achievement.get(field)), f"{path}.{field} must be a non-empty string")
        criteria = achievement.get("criteria")
        _require(
            problems,
            isinstance(criteria, Mapping) and ("id" in criteria or _is_text(criteria.get("narrative"))),
            f"{path}.criteria must have an id or a narrative",
        )


def _check_identity(identity: Any, path: str, problems: list[str]) -> None:
    if not isinstance(identity, Mapping):
        problems.append(f"{path} must be an object")
        return
    _require(problems, "IdentityObject" in _types(identity), f"{path}.type must be IdentityObject")
    _require(problems, isinstance(identity.get("hashed"), bool), f"{path}.hashed must be a boolean")
    for field in ("identityHash", "identityType"):
        _require(problems, _is_text(identity.get(field)), f"{path}.{field} must be a non-empty string")
    if "salt" in identity:
        _require(problems, isinstance(identity["salt"], str), f"{path}.salt must be a string")
