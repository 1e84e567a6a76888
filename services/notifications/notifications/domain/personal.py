"""Personal values as stored: each names its data subject and is sealed under that subject's key when stored.

The adapters store each value as one sealed envelope (`servicekit.sealed_transcoding`, see docs/erasure.md). Once
the subject is erased, a stored value decodes with every personal attribute None, so the aggregates holding it
still replay. `data_subject` is None only in values stored before sealing (upcast plaintext events).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

RECIPIENT_ERASED = "recipient erased"
"""Why an email to an erased person failed for good (it is never sent)."""

WORDING_GONE = "wording no longer readable"
"""Why a queued email whose own key is gone failed for good (no resend can rebuild its bytes)."""


@dataclass(frozen=True)
class Addressee:
    """A person as a `Contact` keeps them, or as an email is addressed to them: their address and name, sealed
    under the person's subject."""

    data_subject: str | None
    address: str | None
    name: str | None

    @property
    def erased(self) -> bool:
        return self.address is None


@dataclass(frozen=True)
class Wording:
    """What an email's reader reads (its subject line and bodies), sealed under the email's own subject,
    `email:<email id>` (`email_subject`), not its recipient's: it often names someone else (the applicant in a
    rater's email). That key is destroyed once the email ends (sent, failed for good), so what it said stays
    readable only for as long as a resend may need it."""

    data_subject: str | None
    subject: str | None
    text_body: str | None
    html_body: str | None

    @property
    def erased(self) -> bool:
        return self.subject is None


@dataclass(frozen=True)
class Letter:
    """A queued email's personal parts as `Email.Queued` v2 stored them, in one envelope under the recipient's
    subject (before each email had a key of its own); only read, and split by `upcast_v2_v3`."""

    data_subject: str | None
    recipient: str | None
    recipient_name: str | None
    subject: str | None
    text_body: str | None
    html_body: str | None


def email_subject(email_id: UUID) -> str:
    """The subject id of one email's wording: ASCII, 42 characters (docs/erasure.md, "Who is a subject")."""
    return f"email:{email_id}"
