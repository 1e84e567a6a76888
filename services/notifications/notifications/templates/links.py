"""Links in emails, all built from the public base URL of the platform."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Links:
    base_url: str

    def application(self, application_id: UUID) -> str:
        """The application in the API, for staff (the portal has no staff pages yet)."""
        return f"{self._base}/applications/{application_id}"

    def task_list(self, application_id: UUID) -> str:
        """The portal's task list of an application (initial, renewal or reinstatement): the applicant's link."""
        return f"{self._base}/apply/{application_id}"

    def references(self, application_id: UUID) -> str:
        """The portal's references page of an application, where the applicant names (another) rater."""
        return f"{self._base}/apply/{application_id}/references"

    def endorsement(self, endorsement_id: UUID) -> str:
        """The portal's page of an endorsement (credential, renewal and reinstatement starts)."""
        return f"{self._base}/endorsements/{endorsement_id}"

    def review_case(self, review_case_id: UUID) -> str:
        return f"{self._base}/reviews/cases/{review_case_id}"

    def portal(self) -> str:
        """The portal's front page (sign-in, and "forgot your password")."""
        return f"{self._base}/"

    @property
    def _base(self) -> str:
        return self.base_url.rstrip("/")
