"""Fixtures of the notifications tests: integration events as other services publish them, tenant data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import pytest
from endorsement_contracts import ApplicationSubmitted, EndorsementGranted, IntegrationEvent, Person
from endorsement_contracts.events import accounts as ac
from endorsement_contracts.events import applications as ap
from endorsement_contracts.events import reviews as rv
from notifications.application import NotificationsApplication
from notifications.config import Tenant, load_tenants
from servicekit.sealed_twins import FieldPath, LocalUnsealer, TwinSealer
from servicekit.shredding import SubjectKeys
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, account_subject, rater_subject
from servicekit.testing_keys import MemoryKeys

TENANTS_DIR = Path(__file__).resolve().parents[3] / "config" / "tenants"


class ContractSubjects:
    """A test producer's `SubjectPolicy` that follows contracts/README.md's per-field table: a rater's name, email and
    form link under the rater (`rater:<tenant>:<hmac>`), a reviewer's under their address's subject, an account
    event's fields under `account:<account_id>`, everything else under the applicant or holder's account. Events that
    name nobody (a voided reference's detail, a revocation's reason) use the account a producer knows owns the
    application or endorsement: learnt here from the events that named it."""

    def __init__(self) -> None:
        self.owners: dict[UUID, UUID] = {}

    def __call__(self, event: IntegrationEvent, path: FieldPath) -> str:
        tenant, head, fields = event.tenant, path[0], cast(Any, event)
        if head in ("rater", "form_url"):
            return rater_subject(tenant, fields.rater.email, DEVELOPMENT_RATER_INDEX_KEY)
        if head in ("reviewer_email", "reviewer_name"):
            return rater_subject(tenant, fields.reviewer_email, DEVELOPMENT_RATER_INDEX_KEY)
        account_id = getattr(event, "account_id", None)
        if isinstance(account_id, UUID):
            return account_subject(account_id)
        return account_subject(self.owner(event))

    def learn(self, event: IntegrationEvent) -> None:
        applicant = getattr(event, "applicant", None)
        if isinstance(applicant, Person):
            for owned in (getattr(event, "application_id", None), getattr(event, "endorsement_id", None)):
                if isinstance(owned, UUID):
                    self.owners[owned] = applicant.account_id

    def owner(self, event: IntegrationEvent) -> UUID:
        for owned in (getattr(event, "application_id", None), getattr(event, "endorsement_id", None)):
            if owned in self.owners:
                return self.owners[owned]
        raise LookupError(f"no applicant known for the personal fields of {event.type_name()}")


class Producers:
    """The gateway, applications and reviews as notifications meets them on the v2 topics: `sealed(event, ce_id)` is the
    v2 twin their relays publish beside a v1 event (same `ce_id`), sealed with `keys` (the producers' key store; one
    for all three here); `unsealer` opens the tokens as their `/internal/unseal` would."""

    def __init__(self, keys: Any) -> None:
        self.keys = keys
        self.subjects = ContractSubjects()
        self.sealer = TwinSealer(cast(SubjectKeys, keys), self.subjects)
        self.unsealer = LocalUnsealer({name: cast(SubjectKeys, keys)
                                       for name in ("gateway", "applications", "reviews")})

    def sealed(self, event: IntegrationEvent, ce_id: str) -> IntegrationEvent:
        """The v2 twin of a v1 event of a sealed topic; any other event (`PersonErased`) as it is."""
        self.subjects.learn(event)
        twin = self.sealer(event, uuid5(NAMESPACE_URL, ce_id))  # the relay's context: the same ce_id, the same bytes
        return event if twin is None else twin

    def erase(self, subject: str) -> None:
        """The producers destroyed the subject's key: its values travel as `erased_token`s, opening to None."""
        self.keys.seal(subject, "made the key")
        self.keys.destroy(subject)


@pytest.fixture
def memory_app() -> NotificationsApplication:
    """The application on eventsourcing's in-memory store, with in-memory keys (`app.keys`)."""
    return NotificationsApplication(keys=MemoryKeys())


@pytest.fixture
def producer_keys() -> Any:
    """The test producers' key store: in memory here; the integration tests' is a `SubjectKeys` on PostgreSQL."""
    return MemoryKeys()


@pytest.fixture
def producers(producer_keys: Any) -> Producers:
    """The sealed topics' producers (gateway, applications, reviews) as this service meets them."""
    return Producers(producer_keys)


@pytest.fixture
def tenants_dir() -> Path:
    return TENANTS_DIR


@pytest.fixture
def itmhca() -> Tenant:
    return load_tenants(TENANTS_DIR)["itmhca"]


@pytest.fixture
def submitted() -> Callable[..., ApplicationSubmitted]:
    """ApplicationSubmitted for a new applicant; keyword arguments override fields."""

    def make(**overrides: Any) -> ApplicationSubmitted:
        suffix = uuid4().hex[:10]
        fields: dict[str, Any] = {
            "tenant": "itmhca",
            "occurred_at": datetime(2025, 3, 1, 3, 30, tzinfo=UTC),
            "application_id": uuid4(),
            "submission_number": 1,
            "applicant": Person(account_id=uuid4(), name="Zoë Ñúñez-Łukasiewicz", email=f"zoe-{suffix}@example.org"),
            "category": "IFS",
            "category_name": "Infant Family Specialist",
            "rule_set_version": "itmhca-ifs-2025.1",
        }
        fields.update(overrides)
        return ApplicationSubmitted(**fields)

    return make


@pytest.fixture
def granted() -> Callable[..., EndorsementGranted]:
    """EndorsementGranted for a new applicant; keyword arguments override fields."""

    def make(**overrides: Any) -> EndorsementGranted:
        suffix = uuid4().hex[:10]
        fields: dict[str, Any] = {
            "tenant": "itmhca",
            "occurred_at": datetime(2025, 6, 2, 16, 0, tzinfo=UTC),
            "endorsement_id": uuid4(),
            "review_case_id": uuid4(),
            "application_id": uuid4(),
            "applicant": Person(account_id=uuid4(), name="Søren O'Brien", email=f"soren-{suffix}@example.org"),
            "category": "IMHS",
            "category_name": "Infant Mental Health Specialist",
            "effective_date": date(2025, 6, 2),
            "renewal_date": date(2026, 12, 15),
            "granted_by": uuid4(),
        }
        fields.update(overrides)
        return EndorsementGranted(**fields)

    return make


@pytest.fixture(scope="session")
def kafka_bootstrap(private_broker: Callable[[str], str]) -> str:
    """This service's tests get a broker of their own (see the root conftest)."""
    return private_broker("notifications")


AT = datetime(2025, 3, 1, 3, 30, tzinfo=UTC)


@dataclass
class Journey:
    """One applicant's way through the platform, as the events other services publish about it."""

    tenant: str = "itmhca"
    application_id: UUID = field(default_factory=uuid4)
    endorsement_id: UUID = field(default_factory=uuid4)
    reference_id: UUID = field(default_factory=uuid4)
    review_case_id: UUID = field(default_factory=uuid4)
    applicant: Person = field(
        default_factory=lambda: Person(
            account_id=uuid4(), name="Zoë Ñúñez-Łukasiewicz", email=f"zoe-{uuid4().hex[:10]}@example.org"
        )
    )
    rater: ap.Rater = field(
        default_factory=lambda: ap.Rater(
            name="Rita Moreno", email=f"rita-{uuid4().hex[:10]}@example.org", role="supervisor"
        )
    )
    category: str = "IFS"
    category_name: str = "Infant Family Specialist"

    def _facts(self, **more: Any) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "occurred_at": AT,
            "application_id": self.application_id,
            "category": self.category,
            **more,
        }

    def _named(self, **more: Any) -> dict[str, Any]:
        return self._facts(applicant=self.applicant, category_name=self.category_name, **more)

    def started(self) -> ap.ApplicationStarted:
        return ap.ApplicationStarted(**self._named())

    def registered(self) -> ap.ApplicationRegistered:
        return ap.ApplicationRegistered(**self._named(registered_at=AT))

    def accepted(self) -> ap.RegistrationAccepted:
        return ap.RegistrationAccepted(**self._named(accepted_by=uuid4(), accepted_at=AT))

    def reference_requested(self, number: int = 1, *, form_url: str | None = None) -> ap.ReferenceRequested:
        return ap.ReferenceRequested(
            **self._named(
                reference_id=self.reference_id,
                request_number=number,
                reminder=number > 1,
                slot=2,
                rater=self.rater,
                form_url=form_url or f"https://endorse.example.org/references/form?token=secret-{number}-{uuid4().hex}",
                expires_at=datetime(2025, 4, 1, 5, 0, tzinfo=UTC),
            )
        )

    def reference_completed(self) -> ap.ReferenceCompleted:
        return ap.ReferenceCompleted(
            **self._facts(
                reference_id=self.reference_id,
                slot=2,
                rater=self.rater,
                completed_on=date(2025, 3, 20),
                valid_until=date(2026, 3, 20),
                waived=True,
                not_enough_information=4,
                ratings={"reflection.self_awareness": "rating-XYZZY", "thinking.analyzing": "rating-PLUGH"},
            )
        )

    def reference_voided(self, reason: str = "expired") -> ap.ReferenceVoided:
        return ap.ReferenceVoided(
            **self._facts(reference_id=self.reference_id, slot=2, reason=reason, detail="private detail QWERTY")
        )

    def reference_declined(
        self, *, waived: bool = False, reason: str | None = "I have not supervised her for long enough."
    ) -> ap.ReferenceDeclined:
        return ap.ReferenceDeclined(
            **self._named(reference_id=self.reference_id, slot=2, rater=self.rater, waived=waived, reason=reason)
        )

    def submitted(self, number: int = 1) -> ApplicationSubmitted:
        return ApplicationSubmitted(**self._named(submission_number=number, rule_set_version="itmhca/IFS/2025-01-01"))

    def resubmitted(self, number: int = 2, in_response_to: str = "information_request") -> ap.ApplicationResubmitted:
        return ap.ApplicationResubmitted(
            **self._named(
                submission_number=number, rule_set_version="itmhca/IFS/2025-01-01", in_response_to=in_response_to
            )
        )

    def withdrawn(self) -> ap.ApplicationWithdrawn:
        return ap.ApplicationWithdrawn(
            **self._facts(applicant=self.applicant, reason="Moving to Oregon", submission_number=1)
        )

    def renewal_submitted(self, applicant: Person | None = None) -> ap.RenewalSubmitted:
        return ap.RenewalSubmitted(
            **{
                **self._named(
                    endorsement_id=self.endorsement_id,
                    submission_number=1,
                    renewal_year=2026,
                    rule_set_version="itmhca/IFS/2025-01-01",
                    requirement_report=[],
                ),
                **({"applicant": applicant} if applicant else {}),
            }
        )

    def reinstatement_submitted(self) -> ap.ReinstatementSubmitted:
        return ap.ReinstatementSubmitted(
            **self._named(
                endorsement_id=self.endorsement_id,
                submission_number=1,
                rule_set_version="itmhca/IFS/2025-01-01",
                requirement_report=[],
            )
        )

    def reviewer_assigned(self) -> rv.ReviewerAssigned:
        return rv.ReviewerAssigned(
            **self._facts(
                review_case_id=self.review_case_id,
                reviewer_email="reviewer.mentor@itmhca.example",
                reviewer_name="Volunteer Reviewer",
                slot=1,
                assigned_by=uuid4(),
            )
        )

    def information_requested(self, message: str | None = "Please upload the transcript.") -> rv.InformationRequested:
        return rv.InformationRequested(
            **self._facts(
                review_case_id=self.review_case_id,
                submission_number=1,
                applicant=self.applicant,
                stage="review",
                items=["Official transcript", "RSC log for 2024"],
                message=message,
                requested_by=uuid4(),
                requested_by_role="reviewer",
            )
        )

    def deferred(self) -> rv.ApplicationDeferred:
        return rv.ApplicationDeferred(
            **self._facts(
                review_case_id=self.review_case_id,
                applicant=self.applicant,
                reasons=["Too few hours of reflective supervision"],
                recommendations=["12 more hours of RSC"],
                earliest_rereview_on=date(2025, 9, 1),
                deferred_by=uuid4(),
            )
        )

    def approved_for_exam(self) -> rv.ApprovedForExam:
        return rv.ApprovedForExam(**self._named(review_case_id=self.review_case_id, approved_by=uuid4()))

    def exam_registered(
        self,
        *,
        attempt: int = 1,
        parts: tuple[int, ...] = (1, 2),
        by_coordinator: bool = False,
        accommodations: bool = False,
    ) -> rv.ExamRegistered:
        return rv.ExamRegistered(
            **self._facts(
                review_case_id=self.review_case_id,
                attempt=attempt,
                sitting=date(2027, 3, 13),
                parts=list(parts),
                retake=attempt > 1,
                accommodations_requested=accommodations,
                registered_by_role="coordinator" if by_coordinator else "applicant",
                registered_by=uuid4() if by_coordinator else None,
            )
        )

    def exam_scored(self, *, passed: bool, attempt: int = 1) -> rv.ExamScored:
        return rv.ExamScored(
            **self._facts(
                review_case_id=self.review_case_id,
                attempt=attempt,
                taken_on=date(2025, 5, 10),
                part1_percent=67,
                part1_passed=passed,
                part2_passed=passed,
                passed=passed,
                retake_eligible_on=None if passed else date(2026, 5, 10),
                recorded_by=uuid4(),
            )
        )

    def denied(self) -> rv.EndorsementDenied:
        return rv.EndorsementDenied(
            **self._facts(
                review_case_id=self.review_case_id,
                applicant=self.applicant,
                reasons=["Work experience does not meet the category"],
                denied_by=uuid4(),
            )
        )

    def granted(self) -> EndorsementGranted:
        return EndorsementGranted(
            **self._named(
                endorsement_id=self.endorsement_id,
                review_case_id=self.review_case_id,
                effective_date=date(2025, 6, 2),
                renewal_date=date(2026, 12, 15),
                granted_by=uuid4(),
            )
        )

    def _endorsement(self, **more: Any) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "occurred_at": AT,
            "endorsement_id": self.endorsement_id,
            "category": self.category,
            **more,
        }

    def renewal_approved(self) -> rv.RenewalApproved:
        return rv.RenewalApproved(
            **self._endorsement(
                renewal_id=uuid4(), renewed_on=date(2026, 12, 1), renewal_date=date(2027, 12, 15), approved_by=uuid4()
            )
        )

    def lapsed(self) -> rv.EndorsementLapsed:
        return rv.EndorsementLapsed(
            **self._endorsement(lapsed_on=date(2027, 2, 1), reason="The renewal was not completed by February 1.")
        )

    def reinstated(self) -> rv.EndorsementReinstated:
        return rv.EndorsementReinstated(
            **self._endorsement(
                reinstatement_id=uuid4(),
                reinstated_on=date(2027, 6, 1),
                renewal_date=date(2027, 12, 15),
                approved_by=uuid4(),
            )
        )

    def revoked(self) -> rv.EndorsementRevoked:
        return rv.EndorsementRevoked(
            **self._endorsement(revoked_on=date(2027, 7, 1), reason="Sanctioned by a board", revoked_by=uuid4())
        )


    # the gateway's account events about the applicant's account ------------------------------------------------

    def _account(self, language: str, **more: Any) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "occurred_at": more.pop("occurred_at", AT),
            "account_id": self.applicant.account_id,
            "email": self.applicant.email,
            "name": self.applicant.name,
            "language": language,
            **more,
        }

    def account_registered(self, language: str = "es") -> ac.AccountRegistered:
        return ac.AccountRegistered(**self._account(language, roles=["applicant"]))

    def profile_changed(self, language: str, occurred_at: datetime = AT) -> ac.AccountProfileChanged:
        return ac.AccountProfileChanged(**self._account(language, occurred_at=occurred_at))

    def verification_requested(
        self, language: str = "es", request_id: UUID | None = None
    ) -> ac.EmailVerificationRequested:
        return ac.EmailVerificationRequested(
            **self._account(
                language,
                request_id=request_id or uuid4(),
                link=f"https://endorse.example.org/verify-email?token=secret-verify-{uuid4().hex}",
                expires_at=EXPIRES,
            )
        )

    def reset_requested(self, language: str = "en", link: str | None = None) -> ac.PasswordResetRequested:
        return ac.PasswordResetRequested(
            **self._account(
                language,
                request_id=uuid4(),
                link=link or f"https://endorse.example.org/reset-password?token=secret-reset-{uuid4().hex}",
                expires_at=EXPIRES,
            )
        )

    def password_changed(self, how: str = "changed", language: str = "en") -> ac.PasswordChanged:
        return ac.PasswordChanged(**self._account(language, change_id=uuid4(), how=how))


EXPIRES = datetime(2026, 12, 8, 5, 0, tzinfo=UTC)
"""December 7, 2026 at 10:00 PM in Phoenix (MST, UTC-7)."""


@pytest.fixture
def journey() -> Journey:
    return Journey()
