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
