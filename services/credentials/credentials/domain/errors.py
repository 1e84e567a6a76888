"""Domain errors; each carries a stable code that the ports map to their own refusals."""


class CredentialError(Exception):
    """A business rule refused a request."""

    code = "CREDENTIAL_REFUSED"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidGrantError(CredentialError):
    """The facts of a granted endorsement cannot make a credential (e.g. renewal before the effective date)."""

    code = "INVALID_GRANT"


class InconsistentDocumentError(CredentialError):
    """The signed document does not say what the credential records."""

    code = "INCONSISTENT_DOCUMENT"


class UnchangedError(CredentialError):
    """The credential is already in the state asked for: repeating a decision changes nothing."""

    code = "UNCHANGED"


class AlreadyRevokedError(UnchangedError):
    code = "ALREADY_REVOKED"


class AlreadySuspendedError(UnchangedError):
    code = "ALREADY_SUSPENDED"


class NotSuspendedError(UnchangedError):
    code = "NOT_SUSPENDED"


class AlreadyExpiredError(UnchangedError):
    code = "ALREADY_EXPIRED"


class DecisionAlreadyAppliedError(UnchangedError):
    code = "DECISION_ALREADY_APPLIED"


class CredentialRevokedError(CredentialError):
    """A revoked credential is final: it is never renewed, reinstated, suspended or expired."""

    code = "CREDENTIAL_REVOKED"


class InvalidReissueError(CredentialError):
    """A renewal or reinstatement must move the validity period forward."""

    code = "INVALID_REISSUE"


class NotDueError(CredentialError):
    """The credential's validity period has not ended yet."""

    code = "NOT_DUE"


class HolderErasedError(CredentialError):
    """The holder was erased: nothing is issued or re-issued for them any more (their name and address are gone)."""

    code = "HOLDER_ERASED"


class InvalidReasonError(CredentialError):
    """The reason code is not one of the action's (e.g. a revocation code for a suspension)."""

    code = "INVALID_REASON"


class ConcurrentChangeError(CredentialError):
    """Other writers saved the credential (or its status list) first, every time the change was made."""

    code = "CONCURRENT_CHANGE"


class CredentialNotFoundError(CredentialError):
    """No credential with that id, or for that endorsement, in the caller's tenant."""

    code = "CREDENTIAL_NOT_FOUND"


class UnknownTenantError(CredentialError):
    """The tenant is not configured in this service."""

    code = "UNKNOWN_TENANT"


class UnknownCategoryError(CredentialError):
    """The tenant does not award the granted endorsement's category."""

    code = "UNKNOWN_CATEGORY"


class StatusListFullError(CredentialError):
    """The status list has no free entry left."""

    code = "STATUS_LIST_FULL"


class IndexTakenError(CredentialError):
    """The status-list index is taken, outside the list, or the credential already holds one."""

    code = "STATUS_INDEX_TAKEN"


class PermanentStatusError(CredentialError):
    """A revocation cannot be undone."""

    code = "REVOCATION_IS_PERMANENT"
