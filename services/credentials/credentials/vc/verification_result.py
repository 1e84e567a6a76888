"""The outcome of verifying a presented credential: an ordered list of named checks."""

from dataclasses import dataclass
from enum import StrEnum


class CheckName(StrEnum):
    SCHEMA = "schema"
    PROOF = "proof"
    ISSUER = "issuer"
    STATUS = "status"
    VALIDITY = "validity"


class CheckStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


class FailureCode(StrEnum):
    """Stable codes; clients may rely on them."""

    MALFORMED = "MALFORMED"
    INVALID_SIGNATURE = "INVALID_SIGNATURE"
    UNKNOWN_ISSUER = "UNKNOWN_ISSUER"
    EXPIRED = "EXPIRED"
    NOT_YET_VALID = "NOT_YET_VALID"
    REVOKED = "REVOKED"
    SUSPENDED = "SUSPENDED"
    STATUS_UNAVAILABLE = "STATUS_UNAVAILABLE"


@dataclass(frozen=True)
class CheckResult:
    check: CheckName
    status: CheckStatus
    code: FailureCode | None = None
    detail: str | None = None

    @classmethod
    def passed(cls, check: CheckName, detail: str | None = None) -> "CheckResult":
        return cls(check, CheckStatus.PASSED, detail=detail)

    @classmethod
    def failed(cls, check: CheckName, code: FailureCode, detail: str) -> "CheckResult":
        return cls(check, CheckStatus.FAILED, code, detail)

    @classmethod
    def skipped(cls, check: CheckName, detail: str) -> "CheckResult":
        return cls(check, CheckStatus.SKIPPED, detail=detail)

    def as_dict(self) -> dict[str, str]:
        """`{check, status, code?, detail?}` with only the keys that have a value."""
        result = {"check": self.check.value, "status": self.status.value}
        if self.code is not None:
            result["code"] = self.code.value
        if self.detail is not None:
            result["detail"] = self.detail
        return result


@dataclass(frozen=True)
class VerificationResult:
    checks: tuple[CheckResult, ...]

    @property
    def verified(self) -> bool:
        """True only if every check ran and passed."""
        return bool(self.checks) and all(check.status is CheckStatus.PASSED for check in self.checks)

    def check(self, name: CheckName) -> CheckResult:
        return next(check for check in self.checks if check.check is name)

    def as_dict(self) -> dict[str, object]:
        return {"verified": self.verified, "checks": [check.as_dict() for check in self.checks]}
