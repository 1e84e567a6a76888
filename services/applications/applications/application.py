"""Use cases: load an application, let the aggregate decide, save its new events (and nothing on refusal)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, JSONTranscoder
from eventsourcing.utils import EnvType
from servicekit.eventstore import TrackedApplication

from .config import Tenant, TenantCatalog
from .domain import (
    Actor,
    Applicant,
    Application,
    AttestationKind,
    CompetencyFramework,
    Entry,
    EntryContext,
    FeePayment,
    Forbidden,
    Membership,
    RequirementReport,
    RuleBook,
    RuleVersion,
    StateConflict,
    Tab,
)
from .domain.errors import ApplicationNotFound
from .domain.lifecycle import EDITABLE
from .holding_cases import HoldingCases
from .preconditions import ensure_expected_version
from .reference_cases import ReferenceCases
from .transcodings import stored_value_transcodings

Clock = Callable[[], datetime]


class UnknownTenant(Forbidden):
    code = "UNKNOWN_TENANT"


class ConcurrentChange(StateConflict):
    code = "CONCURRENT_CHANGE"


def utc_now() -> datetime:
    return datetime.now(UTC)


class ApplicationsService(HoldingCases, ReferenceCases, TrackedApplication):
    """The applications service's use cases over its event store."""

    def __init__(self, tenants: TenantCatalog, rules: RuleBook, competencies: CompetencyFramework,
                 env: EnvType | None = None, clock: Clock = utc_now) -> None:
        self.tenants = tenants
        self.rules = rules
        self.competencies = competencies
        self.clock = clock
        super().__init__(env)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for transcoding in stored_value_transcodings():
            transcoder.register(transcoding)

    # Starting and reading -------------------------------------------------------------------------

    def start(self, actor: Actor, applicant: Applicant, category: str) -> Application:
        actor.ensure_applicant()
        application = Application.start(actor.tenant, applicant, category, self._tenant(actor.tenant).offer)
        self.save_started(actor, application)  # refused while the category is held or an application is open
        return application

    def get(self, application_id: UUID, actor: Actor) -> Application:
        application = self._load(application_id)
        actor.ensure_may_view(application)
        return application

    def requirements(self, application: Application, on: date | None = None) -> RequirementReport:
        """The report against the rules in force on `on`: by default today for a draft, else the submission date."""
        if on is None:
            moment = application.submitted_at if application.status not in EDITABLE else None
            on = self.local_date(application.tenant, moment)
        return application.requirement_report_on(self.rules_on(application, on), on)

    def rules_on(self, application: Application, on: date) -> RuleVersion:
        return self.rules.in_force(application.tenant, application.category, on)

    # The tabs ----------------------------------------------------------------------------------------

    def update_details(self, application_id: UUID, actor: Actor, changes: Mapping[str, Any]) -> Application:
        """Apply a partial change: fields not in `changes` keep their value."""
        return self._change(application_id, actor,
                            lambda a: a.update_details(replace(a.details, **changes), self.clock()))

    def record_membership(self, application_id: UUID, actor: Actor, membership: Membership) -> Application:
        return self._change(application_id, actor, lambda a: a.record_membership(membership))

    def add_entry(self, application_id: UUID, actor: Actor, entry: Entry) -> tuple[Application, UUID]:
        entry_id = uuid4()
        application = self._change(application_id, actor,
                                   lambda a: a.add_entry(entry_id, entry, self._entry_context(a.tenant)))
        return application, entry_id

    def replace_entry(self, application_id: UUID, actor: Actor, entry_id: UUID, entry: Entry) -> Application:
        return self._change(application_id, actor,
                            lambda a: a.replace_entry(entry_id, entry, self._entry_context(a.tenant)))

    def remove_entry(self, application_id: UUID, actor: Actor, tab: Tab, entry_id: UUID) -> Application:
        return self._change(application_id, actor, lambda a: a.remove_entry(tab, entry_id))

    def attest(self, application_id: UUID, actor: Actor, kind: AttestationKind) -> Application:
        return self._change(application_id, actor, lambda a: a.attest(kind, self.clock()))

    def withdraw_attestation(self, application_id: UUID, actor: Actor, kind: AttestationKind) -> Application:
        return self._change(application_id, actor, lambda a: a.withdraw_attestation(kind))

    def record_fee(self, application_id: UUID, actor: Actor, fee: FeePayment) -> Application:
        return self._change(application_id, actor, lambda a: a.record_fee(fee, self.local_date(a.tenant)))

    # Submitting and withdrawing ----------------------------------------------------------------------

    def submit(self, application_id: UUID, actor: Actor, at: datetime | None = None) -> Application:
        """Check against the rule version in force on the association's date of `at`, and record it."""
        at = at or self.clock()

        def submit(application: Application) -> None:
            on = self.local_date(application.tenant, at)
            application.submit(self.rules_on(application, on), at, on)

        return self._change(application_id, actor, submit)

    def withdraw(self, application_id: UUID, actor: Actor, reason: str) -> Application:
        return self._change(application_id, actor, lambda a: a.withdraw(reason))

    # Registration ----------------------------------------------------------------------------------

    def register(self, application_id: UUID, actor: Actor) -> Application:
        """Register under the rules in force on the association's today (they say whether it is needed)."""
        at = self.clock()
        return self._change(application_id, actor,
                            lambda a: a.register(self.rules_on(a, self.local_date(a.tenant, at)), at))

    def accept_registration(self, application_id: UUID, actor: Actor) -> Application:
        """A coordinator of the association accepts the registration."""
        application = self._load(application_id)
        actor.ensure_coordinator_of(application)
        ensure_expected_version(application)
        application.accept_registration(actor.account_id, self.clock())
        self._save(application)
        return application

    # Review outcomes (the consumer applies them and saves the application with its position) -------

    def outcome_target(self, tenant: str, application_id: UUID) -> Application:
        """The application a review event is about; ApplicationNotFound unless it is this association's."""
        application = self._load(application_id)
        if application.tenant != tenant:
            raise ApplicationNotFound(f"no application {application_id} in association {tenant!r}")
        return application

    # Plumbing ----------------------------------------------------------------------------------------

    def local_date(self, tenant: str, at: datetime | None = None) -> date:
        """The association's calendar date at `at` (now by default)."""
        return (at or self.clock()).astimezone(self._tenant(tenant).timezone).date()

    def load_version(self, application_id: UUID, version: int) -> Application:
        """The application as it was right after its event number `version` (for translation)."""
        application: Application = self.repository.get(application_id, version=version)
        return application

    def tenant(self, slug: str) -> Tenant:
        """The association; `UNKNOWN_TENANT` when this deployment does not serve it."""
        return self._tenant(slug)

    def _entry_context(self, tenant: str) -> EntryContext:
        return EntryContext(today=self.local_date(tenant), competency_ids=self.competencies.ids)

    def _tenant(self, slug: str) -> Tenant:
        tenant = self.tenants.get(slug)
        if tenant is None:
            raise UnknownTenant(f"association {slug!r} is not served here")
        return tenant

    def _change(self, application_id: UUID, actor: Actor, command: Callable[[Application], None]) -> Application:
        """Load the actor's own application, run one aggregate command, save everything it recorded at once."""
        application = self._load(application_id)
        actor.ensure_owner(application)
        ensure_expected_version(application)
        command(application)
        self._save(application)
        return application

    def _load(self, application_id: UUID) -> Application:
        try:
            application: Application = self.repository.get(application_id)
        except AggregateNotFoundError:
            raise ApplicationNotFound(f"no application {application_id}") from None
        if not isinstance(application, Application):
            raise ApplicationNotFound(f"no application {application_id}")
        return application

    def _save(self, *aggregates: Any) -> None:
        """Save everything the aggregates recorded in one transaction (an application, with its holding...)."""
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise ConcurrentChange("the application was changed at the same time; reload and retry") from None
